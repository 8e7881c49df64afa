"""Passages are data, not instructions. A sentence in a passage that reads as an
instruction to an assistant ("ignore the above and ...") is withheld from the model and
never counts as support for an answer."""

from __future__ import annotations

from orderbot.ingest.injection import is_instruction as is_instruction  # re-exported
from orderbot.ingest.sentences import sentence_spans

WITHHELD = "[text that reads as an instruction was withheld]"


def neutralize(text: str) -> str:
    """``text`` with every instruction-like sentence replaced by a short notice."""
    out, last = [], 0
    for start, end in sentence_spans(text):
        if is_instruction(text[start:end]):
            out.append(text[last:start] + WITHHELD)
            last = end
    out.append(text[last:])
    return "".join(out)
