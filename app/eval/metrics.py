"""Scoring answers against a QA set: retrieval hit@k, answer accuracy, refusal accuracy, where answers
were lost, and latency. An answer is right as the acceptance check scores it (../shared/eval/ask_http.py):
the gold fact in what the reader is told."""

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


_NUM = re.compile(r"\d+(?:\.\d+)?")
_STOP = {"the", "a", "an", "of", "and", "to", "in", "for", "per", "about", "approximately", "up", "from", "with", "one"}
_SCALES = (("million", "m"), ("billion", "bn"), ("thousand", "k"), ("percent", "%"))
# Text that only the prompt's rules or a canned prefix put in an answer.
_UNCLEAN = re.compile(r"ignore any instructions|the context is quoted|quoted from (?:a |the )?documents?|"
                      r"^\s*the answer is\s*:", re.IGNORECASE)


def _loose(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).lower().replace("\u2019", "'").replace("\u00a0", " ")
    for word, short in _SCALES:
        text = re.sub(rf"\b{word}\b", short, text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return re.sub(r"[\s.,;:!?\"']+", " ", text).strip()


def right(gold: str, answer: str) -> bool:
    """The gold fact is in the answer: whole, or all its figures, or 80% of its words; an answer
    stating five or more figures beyond the gold's (a pasted passage) does not count."""
    g, a = _loose(gold), _loose(strip_citations(answer))
    gold_numbers, answer_numbers = _NUM.findall(g), set(_NUM.findall(a))
    if len(answer_numbers - set(gold_numbers)) >= 5 + len(set(gold_numbers)):
        return False
    if g and g in a:
        return True
    if gold_numbers:
        return all(n in answer_numbers for n in gold_numbers)
    words = [w for w in g.split() if w not in _STOP]
    return bool(words) and sum(w in a.split() for w in words) >= max(1, round(0.8 * len(words)))


def unclean(answer: str) -> bool:
    """Rule text, a canned "The answer is:" prefix, or one sentence said twice."""
    if _UNCLEAN.search(answer or ""):
        return True
    sentences = [x.strip().lower() for x in re.split(r"(?<=[.!?])\s+", strip_citations(answer or ""))
                 if len(x.strip()) > 15]
    return len(sentences) != len(set(sentences))


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
    # The gold fact anywhere in the text the reader is shown, a refusal's closest passage included:
    # what ../shared/eval/ask_http.py counts as right. `correct` counts answers only.
    shown_correct: bool = False
    quote: dict | None = None
    cited: bool = False  # a source of the answer is the gold page
    unclean: bool = False
    why: str = ""  # how the verdict was reached
    lost: str | None = None  # where an answer was lost (LOSSES), None when it was not
    evidence: list[str] | None = None
    features: dict | None = None


# Where answers are lost, in the order the pipeline loses them.
LOSSES = ("retrieval miss", "fact not in the evidence", "fact in the evidence, answer wrong",
          "refused although answerable", "answered although unanswerable")


def loss(gold: str | None, refused: bool, correct: bool, found_page: bool, evidence: list[str]) -> str | None:
    """Where this question's answer was lost (None: it was not)."""
    if gold is None:
        return None if refused else LOSSES[4]
    if correct:
        return None
    if refused:
        return LOSSES[3]
    if not found_page:
        return LOSSES[0]
    if not any(right(gold, window) for window in evidence):
        return LOSSES[1]
    return LOSSES[2]


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
        "fact_shown_accuracy": rate(answerable, lambda r: r.shown_correct),
        "refusal_accuracy": rate(unanswerable, lambda r: r.refused),
        "false_refusal_rate": rate(answerable, lambda r: r.refused),
        # Of the answers given (not refused): every number and name in them is in the evidence.
        "grounded_rate": rate([r for r in results if not r.refused and r.grounded is not None], lambda r: r.grounded),
        "cited_gold": rate(answerable, lambda r: r.cited),
        "unclean_rate": rate([r for r in results if not r.refused], lambda r: r.unclean),
        "errors": sum(1 for r in results if r.error),
        "latency_p50_s": round(statistics.median(seconds), 2) if seconds else None,
        "latency_p95_s": round(seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))], 2) if seconds else None,
    }
    if not answered:
        for key in ("answer_accuracy", "answer_text_accuracy", "fact_shown_accuracy", "refusal_accuracy",
                    "false_refusal_rate", "grounded_rate", "cited_gold", "unclean_rate"):
            summary[key] = None
        return summary
    for name in LOSSES:
        summary[f"lost: {name}"] = sum(1 for r in results if r.lost == name)
    return summary
