"""Scoring answers against a QA set: retrieval hit@k, answer accuracy, refusal accuracy, latency."""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass

from app.rag.grounding import strip_citations

_CURRENCY = re.compile(r"[$\u20ac\u00a3\u00a5]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_PUNCT = re.compile(r"[^\w.%]+")


def normalise(text: str) -> str:
    """Case, whitespace, thousands separators and currency symbols do not count."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _CURRENCY.sub(" ", _THOUSANDS.sub("", text))
    text = _PUNCT.sub(" ", text)
    text = re.sub(r"\.(?!\d)", " ", text)  # sentence dots, not decimal points
    return " ".join(text.split())


def answer_matches(gold: str, answer: str) -> bool:
    """The gold answer appears in the model's answer after normalisation (citation marks ignored:
    "[3]" is not the figure 3)."""
    gold_n = normalise(gold)
    return bool(gold_n) and f" {gold_n} " in f" {normalise(strip_citations(answer))} "


def shown_text(answer: str, quote: dict | None) -> str:
    """What the reader is shown: the answer and, under it, the supporting quote."""
    return answer + (f"\n{quote['text']}" if quote else "")


def is_hit(sources: list[dict], doc: str, page: int | None) -> bool:
    """A source is the gold document and page (any page when the gold page is unknown)."""
    return any(s["doc"] == doc and (page is None or s["page"] == page) for s in sources)


@dataclass
class QuestionResult:
    question: str
    doc: str
    gold_answer: str | None
    gold_page: int | None
    answer: str
    refused: bool
    hit_at_1: bool
    hit_at_k: bool
    correct: bool  # the gold answer is in what the reader is shown (answer and supporting quote)
    seconds: float
    sources: list[dict]
    error: str | None = None
    grounded: bool | None = None
    text_correct: bool = False  # ... in the answer text alone
    quote: dict | None = None


def summarise(results: list[QuestionResult], k: int, answered: bool = True) -> dict:
    """Aggregate figures over a question set (retrieval figures only when nothing was answered)."""
    answerable = [r for r in results if r.gold_answer is not None]
    unanswerable = [r for r in results if r.gold_answer is None]
    seconds = sorted(r.seconds for r in results)

    def rate(items: list[QuestionResult], pred) -> float | None:
        return round(sum(1 for r in items if pred(r)) / len(items), 3) if items else None

    summary = {
        "questions": len(results), "answerable": len(answerable), "unanswerable": len(unanswerable),
        "k": k,
        "hit_at_1": rate(answerable, lambda r: r.hit_at_1),
        f"hit_at_{k}": rate(answerable, lambda r: r.hit_at_k),
        "answer_accuracy": rate(answerable, lambda r: r.correct),
        "answer_text_accuracy": rate(answerable, lambda r: r.text_correct),
        "refusal_accuracy": rate(unanswerable, lambda r: r.refused),
        "false_refusal_rate": rate(answerable, lambda r: r.refused),
        # Of the answers given (not refused): every number and name in them is in the evidence.
        "grounded_rate": rate([r for r in results if not r.refused and r.grounded is not None], lambda r: r.grounded),
        "errors": sum(1 for r in results if r.error),
        "latency_p50_s": round(statistics.median(seconds), 2) if seconds else None,
        "latency_p95_s": round(seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))], 2) if seconds else None,
    }
    if not answered:
        for key in ("answer_accuracy", "answer_text_accuracy", "refusal_accuracy", "false_refusal_rate", "grounded_rate"):
            summary[key] = None
    return summary
