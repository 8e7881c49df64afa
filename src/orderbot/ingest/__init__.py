"""Stage 1: read corpus files, understand their structure, split them into chunks."""

from orderbot.ingest.chunker import chunk_document
from orderbot.ingest.corpus import CorpusLoad, FileProblem, load_corpus, load_document

__all__ = ["CorpusLoad", "FileProblem", "chunk_document", "load_corpus", "load_document"]
