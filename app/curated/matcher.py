"""Does a reader's question mean the same as one the founders answered? MiniLM's cosine between the
question and each wording of a curated one, against a threshold fitted on the tuning half of
eval/curated/ (scripts/fit_curated_match.py writes match.json; bench/curated_match.py reports both halves).

Below it but above `related`, the curated answer is offered as a related one where the documents say
nothing (never as the answer to the question asked).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.exc import SQLAlchemyError

from app.curated.store import Curated, CuratedAnswers

log = logging.getLogger(__name__)

MATCH_FILE = Path(__file__).with_name("match.json")


@dataclass(frozen=True)
class Thresholds:
    same: float
    related: float

    @classmethod
    def load(cls, path: Path = MATCH_FILE) -> Thresholds:
        data = json.loads(path.read_text())
        return cls(float(data["same"]), float(data["related"]))


@dataclass(frozen=True)
class CuratedMatch:
    curated: Curated
    score: float
    same: bool  # the same question (answered with it); else only related


class CuratedMatcher:
    """Reads the deck's curated answers at each question (edits apply at once on every instance) and
    embeds each wording once per process."""

    def __init__(self, store: Callable[[], CuratedAnswers], embed, thresholds: Thresholds | None = None):
        self.store, self.embed = store, embed  # the store opened on first use (the log's database)
        self.thresholds = thresholds or Thresholds.load()
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def _vector_rows(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            vectors = np.asarray(self.embed(missing), dtype=np.float32)
            with self._lock:
                self._vectors.update(zip(missing, vectors, strict=True))
        return np.stack([self._vectors[t] for t in texts])

    def best(self, deck: str, question: str) -> CuratedMatch | None:
        """The curated answer nearest to `question` when it is at least related; None otherwise."""
        try:
            curated = self.store().list(deck)
        except SQLAlchemyError:  # the log's database is away: the documents still answer
            log.exception("curated answers unreadable; answering from the documents")
            return None
        if not curated:
            return None
        wordings = [(c, w) for c in curated for w in c.wordings]
        scores = self._vector_rows([w for _, w in wordings]) @ np.asarray(self.embed([question])[0], dtype=np.float32)
        best = int(np.argmax(scores))
        score = float(scores[best])
        if score < self.thresholds.related:
            return None
        return CuratedMatch(wordings[best][0], round(score, 4), score >= self.thresholds.same)
