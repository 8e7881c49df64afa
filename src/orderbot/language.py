"""The language a question is in. orderbot reads English only (its embedding model and
its wording rules are English), so a question in another language that it cannot answer
is told so, rather than that the documents do not cover it: they may well cover it.

langid.py's model (py3langid, inside the wheel), restricted to English and the languages
visitors most likely write in: among all 97, short English questions were taken for
Latin ("Quid pro quo in sanctions?", 0.97) or Crimean Tatar ("NATO Ukraine Gaza"). Among
these, no question of the evaluation set scores under English, the English questions
above score at most 0.56 for another language, and questions in the listed languages
0.89 to 1.0 (a two-word one less).
"""

from __future__ import annotations

import functools
from typing import Any

ENGLISH = "en"
LANGUAGES = {
    "ar": "Arabic",
    "de": "German",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "hi": "Hindi",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}
CONFIDENCE = 0.8  # a question is another language's only above this probability


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([ENGLISH, *LANGUAGES])
    return identifier


def other_language(text: str) -> str | None:
    """The name of the language ``text`` is in when it is surely not English, else None."""
    code, probability = _identifier().classify(text)
    if code == ENGLISH or probability < CONFIDENCE:
        return None
    return LANGUAGES.get(code)
