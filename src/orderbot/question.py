"""What a question must be before anything else looks at it: text, not empty, not too
long. Every entry point (CLI, HTTP API, chat page, evaluation) checks with this."""

from __future__ import annotations

import re
import unicodedata

from orderbot.errors import QuestionError

# Lone surrogates cannot be encoded; NUL and other C0/C1 controls are not text a person
# types (tab and line breaks are).
_NOT_TEXT = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_question(question: str, limit: int) -> str:
    """The question stripped, or a QuestionError saying what is wrong with it."""
    if bad := _NOT_TEXT.search(question):
        char = bad.group(0)
        name = unicodedata.name(char, "a control or surrogate character")
        raise QuestionError(
            f"the question contains a character that is not text (U+{ord(char):04X}, "
            f"{name.lower()})"
        )
    text = question.strip()
    if not text:
        raise QuestionError("the question is empty")
    if len(text) > limit:
        raise QuestionError(
            f"the question is {len(text):,} characters long; the limit is {limit:,}"
        )
    return text
