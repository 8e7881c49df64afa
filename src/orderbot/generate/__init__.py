"""Stage 4: decide whether the documents answer, then write checked, cited sentences.

``evidence`` (units, scores, term tools) is read by ``coverage``, ``quotes``, ``verify``
and the backends; each model backend (``local_model``, ``openai_model``) is a leaf.
"""

from orderbot.generate.base import Generator, Written
from orderbot.generate.factory import available_generators, check_backend, make_generator

__all__ = ["Generator", "Written", "available_generators", "check_backend", "make_generator"]
