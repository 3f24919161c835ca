"""Which evidence line answers: a logistic regression over what ranking the units already knows.

The units are ranked by how well their windows match the question (app/rag/units.py); the fact sits
in the best line for only about 0.6 of the questions, in one of the best three for 0.8. The ranker
re-orders the evidence lines by the probability that the line itself states the answer, from the
window's scores, the line's own similarity to the question, its length, whether it holds a figure,
and whether it states the kind of fact asked for. Fitted on the tuning half by
scripts/fit_refusal.py (a line is positive when it holds the gold fact) and shipped in
refusal_model.json under "line_ranker". A fitted file without one keeps the units' own order and
scores, but app/rag/verdict.py's shares were chosen for the ranker's probabilities: refit such a file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from app.rag.answer_type import AnswerType
from app.rag.logistic import Logistic
from app.rag.measure import measure_terms, names_measure
from app.rag.refusal_model import MODEL_FILE
from app.rag.retrieval import Retrieved

LINE_FEATURES = ("rank", "score", "below_best", "cosine", "lexical", "line_share", "line_cosine", "log_words",
                 "figure", "typed", "typed_named")


def line_features(question: str, wanted: AnswerType | None, found: Retrieved) -> list[dict[str, float]]:
    """The features of each evidence unit, in the units' order."""
    units, asked = found.deck_units, found.deck_units.question_terms(question)
    best = found.units[0].score if found.units else 0.0
    measure = measure_terms(question, wanted, units.common)
    rows = []
    for rank, (hit, line_cosine) in enumerate(zip(found.units, found.line_cosines)):
        shown = hit.unit.shown
        typed = wanted is not None and bool(wanted.spans(shown))
        rows.append({
            "rank": float(rank), "score": hit.score, "below_best": hit.score - best, "cosine": hit.cosine,
            "lexical": hit.lexical, "line_share": units.share(asked, hit.unit.line_terms),
            "line_cosine": line_cosine, "log_words": math.log1p(len(shown.split())),
            "figure": float(any(c.isdigit() for c in shown)),
            "typed": float(typed),
            # the kind of fact asked for, and what it measures ("95%" is not a number of employees)
            "typed_named": float(typed and names_measure(measure, hit.unit.terms)),
        })
    return rows


@dataclass(frozen=True)
class LineRanker:
    model: Logistic | None  # None: the units' own order and scores

    def scores(self, question: str, wanted: AnswerType | None, found: Retrieved) -> list[float]:
        """Per unit (in the units' order), the probability that its line states the answer."""
        if self.model is None:
            return [hit.score for hit in found.units]
        return [self.model.p(values) for values in line_features(question, wanted, found)]

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> LineRanker:
        data = json.loads(Path(path).read_text()).get("line_ranker")
        return cls(Logistic.of(data) if data else None)
