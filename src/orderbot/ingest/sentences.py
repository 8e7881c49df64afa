"""Sentence splitting (pysbd: rule-based, knows "U.S." and "U.N." are not sentence ends)."""

from __future__ import annotations

import functools

import pysbd

from orderbot.per_thread import per_thread


@per_thread  # pysbd keeps the text it is splitting on the segmenter itself
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, surrounding white space excluded.

    Remembered for the last 4,096 texts: every answer splits its retrieved passages, and
    pysbd took about a third of an answer's CPU doing it again for the same passages."""
    return list(_spans(text))


@functools.lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for span in _segmenter().segment(text):
        start, end = span.start, span.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return tuple(spans)


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def unit_spans(kind: str, text: str) -> list[tuple[int, int]]:
    """The spans of a chunk's text that an answer weighs one by one (its *units*): each
    sentence, but a list passage whole (the seven variables are one answer). The index
    stores a vector for each at ingest; ``generate.evidence`` reads the same spans."""
    if kind == "list":
        return [(0, len(text))] if text.strip() else []
    return sentence_spans(text)
