"""Passages are data, not instructions. A sentence in a passage that reads as an
instruction to an assistant ("ignore the above and ...") is withheld from the model and
never counts as support for an answer."""

from __future__ import annotations

import re

from orderbot.ingest.sentences import sentence_spans

WITHHELD = "[text that reads as an instruction was withheld]"

_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(above|previous|prior|earlier|"
    r"instructions?|prompts?|rules|context)\b"
    r"|\b(system prompt|you are now|act as|new instructions?|from now on,? you)\b"
    r"|\b(assistant|ai|chatbot|model)s?\b.{0,30}\b(must|should|shall)\b.{0,20}\b(say|answer|"
    r"reply|respond|write|tell)\b",
    re.IGNORECASE,
)


def is_instruction(sentence: str) -> bool:
    return bool(_INSTRUCTION.search(sentence))


def neutralize(text: str) -> str:
    """``text`` with every instruction-like sentence replaced by a short notice."""
    out, last = [], 0
    for start, end in sentence_spans(text):
        if is_instruction(text[start:end]):
            out.append(text[last:start] + WITHHELD)
            last = end
    out.append(text[last:])
    return "".join(out)
