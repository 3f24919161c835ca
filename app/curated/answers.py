"""What the reader is shown of a curated answer: labelled as the founders' own, with its date, cited as
its own source; beside a refusal, a related one is offered as such."""

from __future__ import annotations

from app.curated.matcher import CuratedMatch
from app.rag.result import AnswerResult, Source

SOURCE_DOC = "Founders' answers"


def _date(match: CuratedMatch) -> str:
    return f"{match.curated.updated_at:%d %B %Y}".lstrip("0")


def _source(match: CuratedMatch) -> Source:
    return Source(SOURCE_DOC, None, "curated", match.curated.question, match.curated.answer, match.score, True)


def _record(match: CuratedMatch) -> dict:
    return {"id": match.curated.id, "question": match.curated.question, "date": _date(match), "same": match.same}


def curated_result(match: CuratedMatch) -> AnswerResult:
    """The founders' answer as the whole answer (no model, no retrieval)."""
    answer = f"The founders answered this ({_date(match)}): {match.curated.answer}"
    result = AnswerResult(answer, False, [_source(match)], why=f"curated: {match.curated.id}", grounded=True)
    result.curated = _record(match)
    return result


def offer_related(result: AnswerResult, match: CuratedMatch) -> None:
    """A refusal, with the founders' answer to a nearby question after it (labelled, cited last)."""
    result.answer = (f"{result.answer} The founders answered a related question, “{match.curated.question}” "
                     f"({_date(match)}): {match.curated.answer}")
    result.sources = [*result.sources, _source(match)]
    result.curated = _record(match)
