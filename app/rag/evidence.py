"""Evidence selection: from the retrieved chunks, keep only the lines that bear on the question.

A 135M model answers far better from four relevant lines (~100 tokens) than from four whole pages
(~400-1,000 tokens): it copies the right fact instead of drifting, and it answers in a third of the
time. See docs/architecture.md for the measurements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer

from app.rag.retrieval import ScoredChunk

MIN_LINE_CHARS = 4


class LineSelector:
    """Ranks every line of the retrieved chunks by similarity to the question and keeps the best."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], max_lines: int):
        self.embed = embed
        self.max_lines = max_lines
        self._sentences = split_by_sentence_tokenizer()

    def lines(self, text: str) -> list[str]:
        """A slide's lines, with long lines (paragraphs) split into sentences."""
        out = []
        for line in text.split("\n"):
            for sentence in self._sentences(line) if len(line) > 120 else [line]:
                sentence = sentence.strip()
                if len(sentence) >= MIN_LINE_CHARS:
                    out.append(sentence)
        return out

    def select(self, question: str, hits: Sequence[ScoredChunk]) -> list[ScoredChunk]:
        """The hits that hold a selected line, in rank order, each cut down to its selected lines."""
        # A slide's title travels in its block header; as evidence it would crowd out the facts.
        candidates = [(rank, position, line) for rank, hit in enumerate(hits)
                      for position, line in enumerate(self.lines(hit.chunk.text))
                      if line != (hit.chunk.title or "").strip()]
        if not candidates:
            return []
        vectors = self.embed([question] + [line for _, _, line in candidates])
        similarity = vectors[1:] @ vectors[0]
        best = sorted(np.argsort(-similarity)[: self.max_lines], key=lambda i: candidates[i][:2])
        selected: dict[int, list[str]] = {}
        for i in best:
            rank, _, line = candidates[i]
            selected.setdefault(rank, []).append(line)
        return [ScoredChunk(replace(hits[rank].chunk, text="\n".join(lines)), hits[rank].score)
                for rank, lines in sorted(selected.items())]
