"""Lexical (BM25) search over a deck's chunks, fused with dense search by reciprocal rank."""

from __future__ import annotations

import bm25s

from ingest.chunk import Chunk

RRF_K = 60  # the usual reciprocal-rank-fusion constant: damps the weight of the very top ranks


class LexicalIndex:
    """BM25 over chunk texts (with titles), built in memory when a deck's index is loaded."""

    def __init__(self, chunks: list[Chunk]):
        texts = [lexical_text(c) for c in chunks]
        self._bm25 = bm25s.BM25()
        self._bm25.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
        self.size = len(chunks)

    def search(self, query: str, n: int) -> list[int]:
        """Rows of the best-matching chunks, best first (only those sharing a term with the query)."""
        n = min(n, self.size)
        if n == 0:
            return []
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        rows, scores = self._bm25.retrieve(tokens, k=n, show_progress=False)
        return [int(r) for r, s in zip(rows[0], scores[0]) if s > 0]


def lexical_text(chunk: Chunk) -> str:
    """What BM25 matches a chunk on: its title and text."""
    return f"{chunk.title or ''}\n{chunk.text}"


def fuse(rankings: list[list[int]], k: int) -> list[int]:
    """Reciprocal rank fusion of several best-first row lists; the top k rows."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking):
            scores[row] = scores.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
    return [row for row, _ in sorted(scores.items(), key=lambda item: -item[1])[:k]]
