"""Sentence splitting (pysbd: rule-based, knows "U.S." and "U.N." are not sentence ends)."""

from __future__ import annotations

import threading

import pysbd

_local = threading.local()


def _segmenter() -> pysbd.Segmenter:
    """This thread's segmenter: pysbd keeps the text it is splitting on the segmenter
    itself, so one shared by two answers being written at once mixes their sentences."""
    segmenter: pysbd.Segmenter | None = getattr(_local, "segmenter", None)
    if segmenter is None:
        segmenter = _local.segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return segmenter


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, surrounding white space excluded."""
    spans = []
    for span in _segmenter().segment(text):
        start, end = span.start, span.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]
