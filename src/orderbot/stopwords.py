"""The words that carry no meaning of their own in a question or a passage: BM25's
English stop words (bm25s), question words, auxiliaries, and the words for the text
itself ("report", "authors"); and pronouns. Word overlap, coverage and the quotes read a question's
other words; so does retrieval's check that one passage holds every word of a short
question."""

from __future__ import annotations

from bm25s.stopwords import STOPWORDS_EN

STOP = frozenset(STOPWORDS_EN) | frozenset(
    [
        "how",
        "many",
        "much",
        "who",
        "whom",
        "whose",
        "why",
        "what",
        "whats",  # "whats the budget", typed without the apostrophe
        "which",
        "when",
        "where",
        "does",
        "did",
        "do",
        "say",
        "says",
        "said",
        "tell",
        "give",
        "me",
        "you",
        "your",
        "please",
        "list",
        "describe",
        "explain",
        "according",
        "report",
        "author",
        "authors",
        "document",
        "documents",
        "text",
        "has",
        "have",
        "had",
        "having",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "would",
        "could",
        "should",
        "will",
        "shall",
        "can",
        "may",
        "might",
        "must",
    ]
)
# Pronouns, which BM25's stop words keep but which name no thing of their own ("who was
# he talking to").
PRONOUNS = frozenset(
    "i me my mine we us our ours you your yours he him his she her hers its they them "  # noqa: SIM905
    "theirs".split()
)

__all__ = ["PRONOUNS", "STOP"]
