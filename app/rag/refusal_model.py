"""Whether the documents answer a question: a logistic regression over what retrieval already knows.

No single score separates answerable questions from plausible ones the deck never answers (a
valuation, a price, a churn rate): the best line's similarity alone reached AUC 0.85. The decision
combines several signals: how well the best lines match, how much of the question the evidence
covers at all, and whether the kind of fact asked for is stated. It is fitted on the tuning half of
the development set (`scripts/fit_refusal.py`, scikit-learn) and shipped as its coefficients in
`refusal_model.json`, with the threshold chosen there for at most 5% false refusals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.rag.answer_type import AnswerType
from app.rag.idioms import idioms_in
from app.rag.logistic import Logistic
from app.rag.measure import measure_terms, names_measure, states_measured
from app.rag.retrieval import ScoredChunk
from app.rag.units import DeckUnits, UnitHit, UnitWeights, terms

MODEL_FILE = Path(__file__).with_name("refusal_model.json")
COVERAGE_UNITS = 8  # the evidence whose terms count as "covered"

FEATURES = ("best_score", "best_cosine", "best_lexical", "coverage", "deck_coverage", "chunk_score", "typed",
            "typed_stated", "margin", "typed_named_stated", "named")


def features(question: str, wanted: AnswerType | None, hits: list[UnitHit], chunks: list[ScoredChunk],
             units: DeckUnits, stated: bool) -> dict[str, float]:
    """The signals the decision is taken on (all known before the model runs)."""
    asked = units.question_terms(question)
    covered: set[str] = set()
    for hit in hits[:COVERAGE_UNITS]:
        covered |= hit.unit.terms
    covered |= said_in_deck_words(question, frozenset(covered))
    best = hits[0] if hits else None
    measure = measure_terms(question, wanted, units.common)
    return {
        "best_score": best.score if best else 0.0,
        "best_cosine": best.cosine if best else 0.0,
        "best_lexical": best.lexical if best else 0.0,
        # Shares weighted by rarity: "ticker" and "NASDAQ" missing says more than "Tidewater" found.
        "coverage": units.share(asked, frozenset(covered)),
        # A question about something the deck never names at all (a valuation, churn) is rarely answered.
        "deck_coverage": units.share(asked, frozenset(units.vocabulary) | said_in_deck_words(question, units.vocabulary)),
        "chunk_score": chunks[0].score if chunks else 0.0,
        "typed": float(wanted is not None),
        "typed_stated": float(wanted is not None and stated),
        "margin": best.score - hits[min(len(hits), COVERAGE_UNITS) - 1].score if best else 0.0,
        # A window states the kind of fact asked for, of what the question measures: "how many employees"
        # is not answered by "95% of administrative overhead" (app/rag/measure.py).
        "typed_named_stated": float(wanted is not None and any(
            states_measured(wanted, measure, h.unit.text, h.unit.asked) for h in hits)),
        # What the question asks for ("Which OCR engine", "how many employees") is named in the evidence.
        "named": float(any(names_measure(measure, h.unit.terms) for h in hits[:COVERAGE_UNITS])),
    }


def said_in_deck_words(question: str, found: frozenset[str] | set[str]) -> frozenset[str]:
    """The terms of the question's idioms that the found terms say in a deck's words (app/rag/idioms.py):
    "What is their email address?" is covered by "Contact: ... invest@example.com", "How do they make
    money?" by "subscription"."""
    said: set[str] = set()
    for written, phrases in idioms_in(question):
        if any(terms(phrase) and terms(phrase) <= found for phrase in phrases):
            said |= terms(written)
    return frozenset(said)


@dataclass(frozen=True)
class RefusalModel:
    """p(answerable) from the features above; the question is answered when p >= threshold."""

    model: Logistic
    threshold: float

    def p_answerable(self, values: dict[str, float]) -> float:
        """The probability that the documents answer the question."""
        return self.model.p(values)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> RefusalModel:
        """The shipped coefficients (or a user's own fit, DECKCHAT_REFUSAL_MODEL)."""
        data = json.loads(Path(path).read_text())
        return cls(Logistic.of(data), float(data["threshold"]))


def unit_weights(path: Path = MODEL_FILE) -> UnitWeights:
    """The evidence units' score weights fitted together with the decision (the defaults if absent)."""
    return UnitWeights(**json.loads(Path(path).read_text()).get("unit_weights", {}))
