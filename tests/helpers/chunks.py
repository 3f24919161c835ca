"""Retrieved chunks made by hand, for prompt building without an index."""

from __future__ import annotations

from app.rag.retrieval import ScoredChunk
from ingest.chunk import Chunk


def hit(text: str, score: float, page: int = 1) -> ScoredChunk:
    return ScoredChunk(Chunk(f"d.pdf:{page}", "deck", "d.pdf", text, page, "page", None), score)
