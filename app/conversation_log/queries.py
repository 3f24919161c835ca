"""Reading the log: the widget's restore, follow-up history, and the owner's sessions, transcripts,
export, unanswered questions and hand-offs, filtered alike."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased, selectinload

from app.models import ChatSession, Feedback, Handoff, Turn


@dataclass(frozen=True)
class SessionSummary:
    """One line of the owner's sessions list."""

    id: str
    deck: str
    started: datetime
    first_question: str
    turns: int
    thumbs_up: int
    thumbs_down: int
    errors: int


OUTCOMES = ("refused", "ungrounded", "errored", "thumbs-down")
EXPORT_COLUMNS = ("session_id", "deck", "turn_id", "created_at", "question", "answer", "refused", "grounded",
                  "decided", "error", "quote", "model_answer", "model_id", "sources", "feedback")


@dataclass(frozen=True)
class SessionFilter:
    """Which sessions the owner wants: a session matches when one of its turns does."""

    deck: str | None = None
    since: datetime | None = None  # sessions started at or after
    until: datetime | None = None  # ... and before
    outcome: str | None = None  # one of OUTCOMES
    search: str | None = None  # words in a question or an answer


@dataclass(frozen=True)
class UnansweredQuestion:
    """A reader's question the documents did not answer well, for the owner's questions view."""

    turn_id: int
    session_id: str
    deck: str
    question: str
    asked: datetime


@dataclass(frozen=True)
class HandoffRequest:
    """A question a reader left for the founders, with the address to reply to."""

    session_id: str
    deck: str
    question: str
    email: str
    created: datetime
    id: int
    state: str  # open, replied or closed


class LogQueries:
    """The log's reads; `engine` is the log's engine."""

    engine: Engine

    def recent_turns(self, session_id: str, limit: int = 3) -> list[tuple[str, str]]:
        """The session's last answered turns as (question, answer), oldest first."""
        with Session(self.engine) as db:
            rows = db.execute(
                select(Turn.question, Turn.answer)
                .where(Turn.session_id == session_id, Turn.refused.is_(False), Turn.error.is_(None))
                .order_by(Turn.id.desc()).limit(limit)
            ).all()
        return [(q, a) for q, a in reversed(rows)]

    def reader_turns(self, session_id: str, deck: str, reader_email: str | None = None) -> list[dict]:
        """What the widget shows again after a reload: the session's turns as the reader saw them. A session
        named for a reader (e-mail gate, link) is shown to that reader only: none for another."""
        owner = func.lower(func.coalesce(ChatSession.reader_email, ""))
        mine = (ChatSession.reader_email.is_(None)) | (owner == (reader_email or "").lower())
        with Session(self.engine) as db:
            turns = db.scalars(select(Turn).join(ChatSession, Turn.session_id == ChatSession.id)
                               .where(Turn.session_id == session_id, ChatSession.deck == deck, mine)
                               .options(selectinload(Turn.sources), selectinload(Turn.feedback))
                               .order_by(Turn.id)).all()
            handed_off = set(db.scalars(select(Handoff.turn_id).where(Handoff.session_id == session_id)))
            return [{
                "message_id": t.id, "question": t.question, "answer": t.answer, "refused": t.refused,
                "error": t.error is not None, "rating": t.feedback[-1].rating if t.feedback else None,
                "handoff": t.id in handed_off,
                "curated": {"id": t.curated_id, "same": True} if t.curated_id else None,
                "quote": {"text": t.quote, "source": t.quote_rank - 1} if t.quote and t.quote_rank else None,
                "sources": [{"doc": s.doc, "page": s.page, "kind": s.kind, "title": s.title, "snippet": s.snippet,
                             "used": s.used} for s in t.sources],
            } for t in turns]

    def session_deck(self, session_id: str) -> str | None:
        """The deck a session belongs to, or None for a new session."""
        with Session(self.engine) as db:
            return db.scalar(select(ChatSession.deck).where(ChatSession.id == session_id))

    def list_sessions(self, page: int = 1, per_page: int = 50,
                      where: SessionFilter = SessionFilter()) -> tuple[list[SessionSummary], int]:
        """A page of the sessions that match, newest first, and how many match in all."""
        of_session = Turn.session_id == ChatSession.id
        first = select(Turn.question).where(of_session).order_by(Turn.id).limit(1).scalar_subquery()
        turns = select(func.count(Turn.id)).where(of_session).scalar_subquery()
        errors = select(func.count(Turn.id)).where(of_session, Turn.error.is_not(None)).scalar_subquery()

        def thumbs(up: bool):
            return (select(func.count(Feedback.id)).join(Turn, Feedback.turn_id == Turn.id)
                    .where(of_session, Feedback.rating > 0 if up else Feedback.rating < 0).scalar_subquery())

        query = select(ChatSession.id, ChatSession.deck, ChatSession.created_at, first, turns,
                       thumbs(True), thumbs(False), errors)
        count = select(func.count(ChatSession.id))
        for condition in _conditions(where):
            query, count = query.where(condition), count.where(condition)
        with Session(self.engine) as db:
            rows = db.execute(query.order_by(ChatSession.created_at.desc(), ChatSession.id)
                              .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
            total = db.scalar(count) or 0
        return [SessionSummary(*row[:3], row[3] or "", *(int(v or 0) for v in row[4:])) for row in rows], total

    def transcript(self, session_id: str) -> ChatSession | None:
        """A session with every turn, its sources and its feedback, for the owner to read."""
        with Session(self.engine) as db:
            return db.scalar(select(ChatSession).where(ChatSession.id == session_id).options(
                selectinload(ChatSession.turns).selectinload(Turn.sources),
                selectinload(ChatSession.turns).selectinload(Turn.feedback)))

    def export_rows(self, where: SessionFilter = SessionFilter()) -> Iterator[dict]:
        """Every turn of the matching sessions, oldest first, flat enough for CSV."""
        query = (select(Turn, ChatSession.deck).join(ChatSession, Turn.session_id == ChatSession.id)
                 .options(selectinload(Turn.sources), selectinload(Turn.feedback)).order_by(Turn.id))
        for condition in _conditions(where):
            query = query.where(condition)
        with Session(self.engine) as db:
            for turn, deck in db.execute(query):
                yield {
                    "session_id": turn.session_id, "deck": deck, "turn_id": turn.id,
                    "created_at": turn.created_at.isoformat(), "question": turn.question, "answer": turn.answer,
                    "refused": turn.refused, "grounded": turn.grounded, "decided": turn.decided, "error": turn.error,
                    "quote": turn.quote,
                    "model_answer": turn.model_answer, "model_id": turn.model_id,
                    "sources": "; ".join(f"{s.doc} p.{s.page}" if s.page else s.doc for s in turn.sources),
                    "feedback": "; ".join(("up" if f.rating > 0 else "down") + (f": {f.comment}" if f.comment else "")
                                          for f in turn.feedback),
                }

    def unanswered_questions(self, limit: int, where: SessionFilter = SessionFilter()) -> list[UnansweredQuestion]:
        """The newest `limit` turns the documents did not answer well: refused, ungrounded or thumbed down."""
        disliked = select(Feedback.id).where(Feedback.turn_id == Turn.id, Feedback.rating < 0).exists()
        # Errors are left out: they say the server failed, not that the deck lacks an answer.
        query = (select(Turn.id, Turn.session_id, ChatSession.deck, Turn.question, Turn.created_at)
                 .join(ChatSession, Turn.session_id == ChatSession.id)
                 .where(Turn.refused.is_(True) | Turn.grounded.is_(False) | disliked)
                 .order_by(Turn.id.desc()).limit(limit))
        for condition in _conditions(where):
            query = query.where(condition)
        with Session(self.engine) as db:
            return [UnansweredQuestion(*row) for row in db.execute(query)]

    def handoffs(self, limit: int, where: SessionFilter = SessionFilter()) -> list[HandoffRequest]:
        """The newest `limit` questions readers left for the founders with their e-mail, newest first."""
        query = (select(Handoff.session_id, ChatSession.deck, Handoff.question, Handoff.email, Handoff.created_at,
                        Handoff.id, Handoff.state)
                 .join(ChatSession, Handoff.session_id == ChatSession.id)
                 .order_by(Handoff.created_at.desc(), Handoff.id.desc()).limit(limit))
        for condition in _conditions(where):
            query = query.where(condition)
        with Session(self.engine) as db:
            return [HandoffRequest(*row) for row in db.execute(query)]


def _conditions(where: SessionFilter) -> list:
    """SQL conditions on chat_session for a filter; turn-level ones as EXISTS over its turns."""
    conditions = []
    if where.deck:
        conditions.append(ChatSession.deck == where.deck)
    if where.since:
        conditions.append(ChatSession.created_at >= where.since)
    if where.until:
        conditions.append(ChatSession.created_at < where.until)
    t = aliased(Turn)  # its own name: the export's outer query selects turns too
    turn = select(t.id).where(t.session_id == ChatSession.id)
    if where.outcome == "refused":
        conditions.append(turn.where(t.refused.is_(True)).exists())
    elif where.outcome == "ungrounded":
        conditions.append(turn.where(t.grounded.is_(False)).exists())
    elif where.outcome == "errored":
        conditions.append(turn.where(t.error.is_not(None)).exists())
    elif where.outcome == "thumbs-down":
        conditions.append(turn.join(Feedback, Feedback.turn_id == t.id).where(Feedback.rating < 0).exists())
    elif where.outcome:
        raise ValueError(f"unknown outcome {where.outcome!r}: one of {', '.join(OUTCOMES)}")
    for word in (where.search or "").split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(turn.where(t.question.ilike(pattern, escape="\\")
                                     | t.answer.ilike(pattern, escape="\\")).exists())
    return conditions
