"""The coverage decision's second stage: a model asked "Do these passages state the answer
to the question? Answer Yes or No", read from its first token's probabilities.

The model reads the best evidence sentences (``sentences`` of them, bibliographic lines
only for a question about sources, instruction-like text withheld) and the question; it
writes one token, and ``p_yes`` is P(Yes) / (P(Yes) + P(No)) over the first token's most
likely alternatives ("Yes", " yes", "YES" all count). The decision reads a number, not
the model's word, so a threshold can be fitted (``benchmarks/calibrate_judge.py``).

The fixed system prompt comes first, so a local model keeps it cached; the evidence and
the question differ with every question, so nothing else can be.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from orderbot.config import JudgePromptSettings
from orderbot.generate.evidence import Evidence
from orderbot.generate.guard import neutralize
from orderbot.generate.model_api import ChatRequest, Message, ScoringModel


def yes_share(logprobs: dict[str, float]) -> float:
    """P(Yes) / (P(Yes) + P(No)) from a first token's top log probabilities; 0.5 when the
    model put neither among them."""
    yes = no = 0.0
    for token, logprob in logprobs.items():
        word = token.strip().lower()
        if word == "yes":
            yes += math.exp(logprob)
        elif word == "no":
            no += math.exp(logprob)
    return yes / (yes + no) if yes + no > 0 else 0.5


class YesNoJudge:
    """Asks ``model`` whether the evidence states the answer (see the module's text)."""

    def __init__(
        self,
        model: ScoringModel,
        prompts: JudgePromptSettings,
        *,
        sentences: int = 6,
        top_logprobs: int = 10,
    ) -> None:
        if sentences < 1:
            raise ValueError(f"sentences must be >= 1, got {sentences}")
        if top_logprobs < 2:
            raise ValueError(f"top_logprobs must be >= 2, got {top_logprobs}")
        self.model = model
        self.prompts = prompts
        self.system = prompts.system.format()
        self.sentences = sentences
        self.top_logprobs = top_logprobs

    @property
    def name(self) -> str:
        return self.model.name

    def evidence_sentences(self, evidence: Evidence) -> list[str]:
        """The best units the judge reads, best first."""
        return [evidence.units[i].text for i in evidence.answering()][: self.sentences]

    def messages(self, question: str, sentences: Sequence[str]) -> list[Message]:
        numbered = "\n".join(
            f"[{n}] {' '.join(neutralize(text).split())}" for n, text in enumerate(sentences, 1)
        )
        user = self.prompts.user.format(evidence=numbered, question=question)
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]

    def p_yes(self, evidence: Evidence) -> float:
        """The model's P(Yes) that the evidence states the answer (0 with no evidence).
        Raises ``ModelError`` when the model fails."""
        sentences = self.evidence_sentences(evidence)
        if not sentences:
            return 0.0
        request = ChatRequest(
            messages=self.messages(evidence.question, sentences),
            max_tokens=1,
            top_logprobs=self.top_logprobs,
        )
        return yes_share(self.model.top_logprobs(request))
