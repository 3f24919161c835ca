"""Retrieval: embed the question and search the deck's FAISS index."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

from app.rag.lexical import LexicalIndex, fuse
from app.rag.measure import deck_measure_words
from app.rag.units import DeckUnits, UnitHit, UnitWeights
from ingest.chunk import Chunk
from ingest.embedding import Embedder
from ingest.store import DeckIndex, IndexNotBuilt, deck_path, load_deck_index


@dataclass(frozen=True)
class ScoredChunk:
    """A retrieved chunk and its similarity to the question (cosine, higher is closer)."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Retrieved:
    """What one question found in a deck: the best chunks and the best evidence units."""

    chunks: list[ScoredChunk]
    units: list[UnitHit]
    deck_units: DeckUnits
    vector: np.ndarray  # the query's embedding

    @cached_property
    def line_cosines(self) -> list[float]:
        """Each unit's quote alone against the question, in `units` order (embedded when first asked)."""
        return self.deck_units.line_cosines(self.units, self.vector)


class Retriever(Protocol):
    def retrieve(self, deck: str, query: str, k: int) -> list[ScoredChunk]: ...

    def evidence(self, deck: str, query: str, k: int, n: int, title: str | None = None,
                 question: str | None = None) -> Retrieved: ...


class EmbeddingMismatch(IndexNotBuilt):
    """The index was built with another embedder than the one running now."""


class DeckSearcher:
    """Search over one loaded deck index: dense alone, or dense fused with BM25 (hybrid)."""

    def __init__(self, index: DeckIndex, embedder: Embedder, hybrid: bool = True,
                 weights: UnitWeights = UnitWeights()):
        self.index = index
        self.embedder = embedder
        self.lexical = LexicalIndex(index.chunks) if hybrid else None
        self.weights = weights
        self._units: DeckUnits | None = None
        self._units_lock = threading.Lock()

    @property
    def units(self) -> DeckUnits:
        """The deck's evidence units, embedded on first use (once per build)."""
        with self._units_lock:
            if self._units is None:
                cache = self.index.root / f"units-{self.embedder.model_id}" if self.index.root else None
                self._units = DeckUnits(self.index.chunks, self.embedder.embed, cache=cache)
            return self._units

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        """Top-k chunks for the query, best first, each with its cosine similarity."""
        return self._search(query, self.embedder.embed([query])[0], k)

    def evidence(self, query: str, k: int, n: int, title: str | None = None,
                 question: str | None = None) -> Retrieved:
        """The top-k chunks and the n best evidence units deck-wide, from one embedding of the query
        (`title`: the owner's name for the deck, DeckUnits.query_for; `question`: the reader's own, when
        the query is a follow-up's, the question before it and this one: what it measures is this one's)."""
        extra = deck_measure_words(question or query, self.units.vocabulary)
        query = self.units.query_for(f"{query} ({', '.join(extra)})" if extra else query, title)
        vector = self.embedder.embed([query])[0]
        chunks = self._search(query, vector, k)
        ranks = {hit.chunk.id: rank for rank, hit in enumerate(chunks)}
        units = self.units.rank(query, vector, ranks, n, self.weights)
        return Retrieved(chunks, units, self.units, vector)

    def _search(self, query: str, vector, k: int) -> list[ScoredChunk]:
        if self.lexical is None:
            return [ScoredChunk(chunk, score) for chunk, score in self.index.search(vector, k)]
        pool = max(4 * k, 20)  # candidates each ranking contributes to the fusion
        dense = [row for row, _ in self.index.search_rows(vector, pool)]
        rows = fuse([dense, self.lexical.search(query, pool)], k)
        scores = self.index.vectors(rows) @ vector  # cosine: both sides are normalised
        return [ScoredChunk(self.index.chunks[row], float(score)) for row, score in zip(rows, scores)]


class FaissRetriever:
    """Retrieval over per-deck FAISS indexes; a rebuilt index is picked up on the next request."""

    def __init__(self, index_dir: Path, embedder: Embedder, hybrid: bool = True,
                 weights: UnitWeights = UnitWeights()):
        self.index_dir = index_dir
        self.embedder = embedder
        self.hybrid = hybrid  # fuse BM25 with the dense ranking (docs/architecture.md: measured)
        self.weights = weights
        self._decks: dict[str, tuple[str, DeckSearcher]] = {}
        self._lock = threading.Lock()

    def searcher(self, deck: str) -> DeckSearcher:
        """The deck's current index, reloaded when `flask ingest` swapped in a new build."""
        link = deck_path(self.index_dir, deck)
        try:
            current = os.readlink(link) if link.is_symlink() else str(link.stat().st_mtime_ns)
        except FileNotFoundError:
            raise IndexNotBuilt(f"deck {deck!r} has no index: run `flask ingest`") from None
        with self._lock:
            source, searcher = self._decks.get(deck, ("", None))
            if searcher is None or source != current:
                index = load_deck_index(self.index_dir, deck)
                check_embedder(index, self.embedder)
                searcher = DeckSearcher(index, self.embedder, self.hybrid, self.weights)
                self._decks[deck] = (current, searcher)
            return searcher

    def retrieve(self, deck: str, query: str, k: int) -> list[ScoredChunk]:
        """Top-k chunks for the query, best first, each with its cosine similarity."""
        return self.searcher(deck).search(query, k)

    def evidence(self, deck: str, query: str, k: int, n: int, title: str | None = None,
                 question: str | None = None) -> Retrieved:
        """The top-k chunks and the n best evidence units of the deck."""
        return self.searcher(deck).evidence(query, k, n, title, question)


def check_embedder(index: DeckIndex, embedder: Embedder) -> None:
    """Refuse an index whose vectors come from another embedder than the one running now."""
    built = index.manifest.get("embedder", {})
    if built.get("id") != embedder.model_id or built.get("dimension") != embedder.dimension:
        raise EmbeddingMismatch(
            f"deck {index.deck!r} was indexed with {built.get('id')} ({built.get('dimension')}-d) but "
            f"the server embeds with {embedder.model_id} ({embedder.dimension}-d): "
            "run `flask ingest --rebuild`"
        )
