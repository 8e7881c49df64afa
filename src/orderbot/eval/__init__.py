"""Evaluation: a versioned question–answer set, pure metric functions, a runner that
uses the same pipeline as the chat, readable reports and a release gate."""

from orderbot.eval.gate import compare
from orderbot.eval.qa import QAItem, load_qa
from orderbot.eval.runner import run_eval

__all__ = ["QAItem", "compare", "load_qa", "run_eval"]
