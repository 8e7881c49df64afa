"""Stage 4: write an answer from retrieved passages, every claim with a citation."""

from orderbot.generate.base import Generator
from orderbot.generate.factory import available_generators, check_backend, make_generator

__all__ = ["Generator", "available_generators", "check_backend", "make_generator"]
