"""Stage 3: hybrid retrieval (BM25 + dense vectors, fused by reciprocal rank)."""

from orderbot.retrieve.bm25 import BM25Index
from orderbot.retrieve.fusion import reciprocal_rank_fusion
from orderbot.retrieve.hybrid import HybridRetriever

__all__ = ["BM25Index", "HybridRetriever", "reciprocal_rank_fusion"]
