"""Retrieval: embed the question and search the deck's FAISS index."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.rag.lexical import LexicalIndex, cosine, fuse
from ingest.chunking import Chunk
from ingest.embedding import Embedder
from ingest.store import DeckIndex, IndexNotBuilt, deck_path, load_deck_index


@dataclass(frozen=True)
class ScoredChunk:
    """A retrieved chunk and its similarity to the question (cosine, higher is closer)."""

    chunk: Chunk
    score: float


class Retriever(Protocol):
    def retrieve(self, deck: str, query: str, k: int) -> list[ScoredChunk]: ...


class EmbeddingMismatch(IndexNotBuilt):
    """The index was built with another embedder than the one running now."""


class FaissRetriever:
    """Dense retrieval over per-deck FAISS indexes; a rebuilt index is picked up on the next request."""

    def __init__(self, index_dir: Path, embedder: Embedder, hybrid: bool = True):
        self.index_dir = index_dir
        self.embedder = embedder
        self.hybrid = hybrid  # fuse BM25 with the dense ranking (docs/architecture.md: measured)
        self._decks: dict[str, DeckIndex] = {}
        self._lexical: dict[str, LexicalIndex | None] = {}
        self._lock = threading.Lock()

    def deck_index(self, deck: str) -> DeckIndex:
        """The deck's current index, reloaded when `flask ingest` swapped in a new build."""
        link = deck_path(self.index_dir, deck)
        try:
            current = os.readlink(link) if link.is_symlink() else str(link.stat().st_mtime_ns)
        except FileNotFoundError:
            raise IndexNotBuilt(f"deck {deck!r} has no index: run `flask ingest`") from None
        with self._lock:
            cached = self._decks.get(deck)
            if cached is None or getattr(cached, "_source", None) != current:
                cached = load_deck_index(self.index_dir, deck)
                self._check_embedder(cached)
                cached._source = current  # type: ignore[attr-defined]
                self._decks[deck] = cached
                self._lexical[deck] = LexicalIndex(cached.chunks) if self.hybrid else None
            return cached

    def _check_embedder(self, index: DeckIndex) -> None:
        built = index.manifest.get("embedder", {})
        if built.get("id") != self.embedder.model_id or built.get("dimension") != self.embedder.dimension:
            raise EmbeddingMismatch(
                f"deck {index.deck!r} was indexed with {built.get('id')} ({built.get('dimension')}-d) but "
                f"the server embeds with {self.embedder.model_id} ({self.embedder.dimension}-d): "
                "run `flask ingest --rebuild`"
            )

    def retrieve(self, deck: str, query: str, k: int) -> list[ScoredChunk]:
        """Top-k chunks for the query, best first, each with its cosine similarity."""
        index = self.deck_index(deck)
        vector = self.embedder.embed([query])[0]
        lexical = self._lexical.get(deck)
        if lexical is None:
            return [ScoredChunk(chunk, score) for chunk, score in index.search(vector, k)]
        pool = max(4 * k, 20)  # candidates each ranking contributes to the fusion
        dense = [row for row, _ in index.search_rows(vector, pool)]
        rows = fuse([dense, lexical.search(query, pool)], k)
        scores = cosine(index.vectors(rows), vector)
        return [ScoredChunk(index.chunks[row], float(score)) for row, score in zip(rows, scores)]
