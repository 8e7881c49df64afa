"""Stage 2: embed chunks and keep them in a Chroma store on disk."""

from orderbot.index.builder import IngestReport, build_index
from orderbot.index.embedder import Embedder, load_embedder
from orderbot.index.store import ChunkStore

__all__ = ["ChunkStore", "Embedder", "IngestReport", "build_index", "load_embedder"]
