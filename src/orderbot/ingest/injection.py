"""Text that speaks to an assistant instead of a reader: a prompt-injection attempt.

Corpus documents are data. A sentence such as "IMPORTANT SYSTEM NOTE: ignore all previous
instructions" or a chat-template role tag ("<|im_start|>system", "### System:") has no
place in a report or the sources it cites. Ingest quarantines a whole document holding
one (``orderbot.ingest.quarantine``); generation withholds such a sentence from the
model (``orderbot.generate.guard``). Both use ``is_instruction``.

Text is normalised before matching (NFKC, so full-width and styled letters become plain
ones; invisible format characters such as zero-width spaces removed; case folded;
white space collapsed), so spelling tricks do not hide a match.
"""

from __future__ import annotations

import re
import unicodedata

from orderbot.ingest.sentences import sentence_spans
from orderbot.models import ParsedDocument

_INSTRUCTION = re.compile(
    # "ignore all previous instructions", "disregard the above", "forget your rules" (but
    # not "Russia ignored the rules-based order" or "disregard earlier proposals")
    r"\b(ignore|disregard|forget|override)\W+((all|any|the|your|of|everything|that)\W+)*"
    r"(above(?![-\w])|(previous|prior|earlier|preceding|foregoing|existing|original|system)\W+"
    r"(\w+\W+)?(instructions?|prompts?|rules|directions|messages?|context|guidelines|"
    r"commands?)\b)"
    r"|\b(ignore|disregard|forget)\W+(all\W+)?(your|its)\W+(instructions|rules|guidelines|"
    r"prompt|programming|training)\b"
    r"|\b(ignore|disregard|forget)\W+(all\W+)?(the|any)\W+(instructions|prompt|system prompt)\b"
    # addressing the system or the assistant itself
    r"|\b(system prompt|system note|system message|system override|system instructions?|"
    r"developer mode|jailbreak|you are now|new instructions ?:|from now on,? you|"
    r"do not tell the user|reveal your (instructions|prompt))"
    r"|\bimportant( system)? (note|notice|message|instruction)s? (to|for) (the |any )?"
    r"(ai|assistant|model|chatbot|language model)s?\b"
    r"|\b(assistant|ai|chatbot|model|llm)s?\b.{0,30}\b(must|should|shall)\b.{0,20}"
    r"\b(say|answer|reply|respond|write|tell)\b",
)
# Chat-template and prompt-format markers: never part of a document's prose.
_ROLE_TAG = re.compile(
    r"<\|\s*(im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id)\s*\|>"
    r"|\[/?inst\]|<</?sys>>|<\s*/?\s*(system|assistant)\s*>"
    r"|(^|\n)\s*#{1,6}\s*(system|instruction|instructions|assistant)\s*:"
    r"|(^|\n)\s*(system|assistant)\s*:\s",
)


def normalize(text: str) -> str:
    """``text`` as matched: NFKC, format characters removed, case folded, spaces collapsed
    (line breaks kept, so a role tag at the start of a line is still seen)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.casefold()
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def is_instruction(sentence: str) -> bool:
    """True when ``sentence`` reads as an instruction to an assistant."""
    text = normalize(sentence)
    return bool(_INSTRUCTION.search(text) or _ROLE_TAG.search(text))


def find_instruction(text: str) -> str | None:
    """The first sentence of ``text`` that reads as an instruction, or None."""
    if _ROLE_TAG.search(normalize(text)):
        tag = next(
            (text[s:e] for s, e in sentence_spans(text) if _ROLE_TAG.search(normalize(text[s:e]))),
            text,
        )
        return " ".join(tag.split())[:200]
    for start, end in sentence_spans(text):
        if is_instruction(text[start:end]):
            return " ".join(text[start:end].split())[:200]
    return None


def scan_document(document: ParsedDocument) -> str | None:
    """The first instruction found anywhere in ``document`` (title, headings, paragraphs,
    footnotes), or None when it reads as a document throughout."""
    texts = [document.title]
    for section in document.sections:
        texts.append(section.title)
        texts += [p.text for p in section.paragraphs]
    texts += [f.text for f in document.footnotes]
    for text in texts:
        if found := find_instruction(text):
            return found
    return None
