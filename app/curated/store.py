"""Curated answers in the log's database: every instance reads the same rows, so an edit or a removal
applies to the next question everywhere."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from app.models import CuratedAnswer, utcnow

MAX_TEXT = 4000


@dataclass(frozen=True)
class Curated:
    id: int
    deck: str
    question: str
    answer: str
    variants: tuple[str, ...]
    created_at: datetime
    updated_at: datetime

    @property
    def wordings(self) -> tuple[str, ...]:
        """The question and every other wording readers used: each is matched."""
        return (self.question, *self.variants)

    def to_dict(self) -> dict:
        return {"id": self.id, "deck": self.deck, "question": self.question, "answer": self.answer,
                "variants": list(self.variants), "created_at": self.created_at.isoformat(),
                "updated_at": self.updated_at.isoformat()}


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_TEXT]


def _variants(question: str, variants: list[str] | tuple[str, ...]) -> str:
    unique = dict.fromkeys(_clean(v) for v in variants if _clean(v) and _clean(v).lower() != question.lower())
    return "\n".join(unique)


def _of(row: CuratedAnswer) -> Curated:
    return Curated(row.id, row.deck, row.question, row.answer, tuple(v for v in row.variants.split("\n") if v),
                   row.created_at, row.updated_at)


class CuratedAnswers:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def add(self, deck: str, question: str, answer: str, variants: list[str] | tuple[str, ...] = ()) -> Curated:
        question, answer = _clean(question), answer.strip()[:MAX_TEXT]
        if not question or not answer:
            raise ValueError("a curated answer needs a question and an answer")
        with self.sessions.begin() as db:
            row = CuratedAnswer(deck=deck, question=question, answer=answer, variants=_variants(question, variants),
                                created_at=utcnow(), updated_at=utcnow())
            db.add(row)
            db.flush()
            return _of(row)

    def update(self, curated_id: int, answer: str | None = None, question: str | None = None) -> Curated | None:
        with self.sessions.begin() as db:
            row = db.get(CuratedAnswer, curated_id)
            if row is None:
                return None
            if answer is not None and answer.strip():
                row.answer = answer.strip()[:MAX_TEXT]
            if question is not None and _clean(question):
                row.question = _clean(question)
            row.updated_at = utcnow()
            return _of(row)

    def list(self, deck: str) -> list[Curated]:
        with self.sessions() as db:
            return [_of(row) for row in db.scalars(select(CuratedAnswer).where(CuratedAnswer.deck == deck)
                                                   .order_by(CuratedAnswer.id))]

    def get(self, curated_id: int) -> Curated | None:
        with self.sessions() as db:
            row = db.get(CuratedAnswer, curated_id)
            return _of(row) if row else None

    def remove(self, deck: str, curated_id: int | None = None) -> int:
        """Remove one (by id) or, with none given, every curated answer of the deck; returns how many."""
        query = delete(CuratedAnswer).where(CuratedAnswer.deck == deck)
        if curated_id is not None:
            query = query.where(CuratedAnswer.id == curated_id)
        with self.sessions.begin() as db:
            return len(db.execute(query.returning(CuratedAnswer.id)).all())

    def export_lines(self, deck: str) -> list[str]:
        """JSON Lines: {"question", "answer", "variants"} per curated answer (what `import_lines` takes)."""
        return [json.dumps({"question": c.question, "answer": c.answer, "variants": list(c.variants)},
                           ensure_ascii=False) for c in self.list(deck)]

    def import_lines(self, deck: str, lines: list[str]) -> int:
        """Add every {"question", "answer", "variants"?} line; a bad line stops it before anything is added."""
        items = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                question, answer = item["question"], item["answer"]
                variants = item.get("variants") or []
                if not (isinstance(question, str) and isinstance(answer, str) and question.strip() and answer.strip()
                        and isinstance(variants, list) and all(isinstance(v, str) for v in variants)):
                    raise ValueError
            except (ValueError, KeyError, TypeError):
                raise ValueError(f"line {number}: expected {{\"question\": text, \"answer\": text, "
                                 f"\"variants\": [text, ...]}}") from None
            items.append((question, answer, variants))
        with self.sessions.begin() as db:  # all of them, or none
            db.add_all(CuratedAnswer(deck=deck, question=_clean(q), answer=a.strip()[:MAX_TEXT],
                                     variants=_variants(_clean(q), v), created_at=utcnow(), updated_at=utcnow())
                       for q, a, v in items)
        return len(items)
