"""What every answer backend is: a ``Generator`` writes checked sentences from evidence.

``write`` is an iterator: the pipeline pulls one checked sentence at a time (each with its
``[n]`` markers, numbered by ``cites``) and shows it at once; when the pipeline stops
pulling (a visitor left), the backend stops too. Nothing a backend yields has failed the
citation check. ``Written`` records what the reader does not see: the claims a model wrote
that were rejected, and the name of the backend that answered when another stood in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from orderbot.generate.citations import CitationList
from orderbot.generate.evidence import Evidence
from orderbot.generate.model_api import Stream


@dataclass
class Written:
    generator: str | None = None  # set when another backend answered
    unsupported: list[str] = field(default_factory=list)  # rejected, never shown


class Generator(Protocol):
    name: str

    def write(self, evidence: Evidence, cites: CitationList, written: Written) -> Stream:
        """Checked sentences answering ``evidence.question``, in order."""
        ...
