"""The conversation log: every turn, its sources, timings and errors, stored with SQLAlchemy."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import create_engine, delete, event, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased, selectinload, sessionmaker

from app.models import ChatSession, Feedback, Handoff, Turn, TurnSource, utcnow
from app.rag.result import INTERRUPTED, AnswerResult

log = logging.getLogger(__name__)


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


class ConversationLog(Protocol):
    def record_turn(self, session_id: str, deck: str, question: str, result: AnswerResult) -> int: ...

    def recent_turns(self, session_id: str, limit: int = 3) -> list[tuple[str, str]]: ...


def make_engine(url: str) -> Engine:
    """Engine for the log database; SQLite gets WAL and a busy timeout for threaded writers."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # A writer waits up to 5 s for another's lock (busy timeout); _retried then tries again.
        engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    # A database host that does not answer fails in seconds, not after the operating system's minutes.
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _postgresql_utc(dbapi_connection, _record) -> None:  # times read back in UTC, as from SQLite
            cursor = dbapi_connection.cursor()
            cursor.execute("SET TIME ZONE 'UTC'")
            cursor.close()
            dbapi_connection.commit()

    return engine


MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"  # the tables as create_all() made them before migrations existed


def upgrade_schema(engine: Engine) -> None:
    """Bring the log database to the newest schema with Alembic (a new database gets every table)."""
    from alembic import command  # here, not at the top: commands that never open the log skip it
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        tables = inspect(connection)
        if tables.has_table("turn") and not tables.has_table("alembic_version"):
            command.stamp(config, FIRST_REVISION)  # a log written by a DeckChat from before migrations
        command.upgrade(config, "head")


# A locked or briefly unreachable database gets a few tries before the caller hears of it.
RETRY_WAITS_S = (0.2, 0.5, 1.0)


def _retried(method: Callable) -> Callable:
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        for wait in (*RETRY_WAITS_S, None):
            try:
                return method(*args, **kwargs)
            except OperationalError as exc:
                if wait is None:
                    raise
                log.warning("conversation log: %s; retrying in %.1f s", str(exc).splitlines()[0], wait)
                time.sleep(wait)
    return wrapper


def _fill(turn: Turn, result: AnswerResult) -> None:
    """Copy an answer's outcome onto its turn."""
    turn.answer, turn.refused, turn.model_id = result.answer, result.refused, _fit(result.model_id, 200)
    turn.prompt_tokens, turn.completion_tokens = result.prompt_tokens, result.completion_tokens
    turn.retrieval_ms, turn.generation_ms = result.retrieval_ms, result.generation_ms
    turn.error, turn.grounded, turn.model_answer = result.error, result.grounded, result.model_answer
    turn.decided = _fit(result.why, 200) or None
    turn.quote = result.quote["text"] if result.quote else None
    turn.quote_rank = result.quote["source"] + 1 if result.quote else None
    turn.sources = [
        TurnSource(rank=i + 1, doc=_fit(s.doc, 255), page=s.page, kind=s.kind, title=_fit(s.title, 255),
                   score=s.score, used=s.used, snippet=s.snippet)
        for i, s in enumerate(result.sources)
    ]


class SqlConversationLog:
    """ConversationLog on any SQLAlchemy database (SQLite by default)."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        upgrade_schema(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @_retried
    def record_turn(self, session_id: str, deck: str, question: str, result: AnswerResult) -> int:
        """Store one turn (creating its session on first use); returns the turn id."""
        with self.sessions.begin() as db:
            turn = self._new_turn(db, session_id, deck, question)
            _fill(turn, result)
            db.flush()
            return turn.id

    @_retried
    def begin_turn(self, session_id: str, deck: str, question: str) -> int:
        """Store a question before it is answered, marked interrupted until `finish_turn`.

        A server killed while streaming (deploy, OOM, power) leaves the question logged as interrupted.
        """
        with self.sessions.begin() as db:
            turn = self._new_turn(db, session_id, deck, question)
            turn.error = INTERRUPTED
            db.flush()
            return turn.id

    @_retried
    def finish_turn(self, turn_id: int, result: AnswerResult) -> bool:
        """Complete a turn stored by `begin_turn` with its answer, sources, timings and any error;
        False when it is gone (purged while the model answered)."""
        with self.sessions.begin() as db:
            turn = db.get(Turn, turn_id)
            if turn is None:
                return False
            _fill(turn, result)
            return True

    @staticmethod
    def _new_turn(db: Session, session_id: str, deck: str, question: str) -> Turn:
        _add_session_once(db, session_id, deck)
        turn = Turn(session_id=session_id, question=question)
        db.add(turn)
        return turn

    def recent_turns(self, session_id: str, limit: int = 3) -> list[tuple[str, str]]:
        """The session's last answered turns as (question, answer), oldest first."""
        with Session(self.engine) as db:
            rows = db.execute(
                select(Turn.question, Turn.answer)
                .where(Turn.session_id == session_id, Turn.refused.is_(False), Turn.error.is_(None))
                .order_by(Turn.id.desc()).limit(limit)
            ).all()
        return [(q, a) for q, a in reversed(rows)]

    def record_feedback(self, session_id: str, turn_id: int, rating: int, comment: str | None) -> bool:
        """A reader's thumbs on one of their own turns (a second one replaces the first); False: no such turn."""
        with self.sessions.begin() as db:
            turn = db.scalar(select(Turn).where(Turn.id == turn_id, Turn.session_id == session_id)
                             .options(selectinload(Turn.feedback)))
            if turn is None:
                return False
            for earlier in turn.feedback:
                db.delete(earlier)
            db.add(Feedback(turn_id=turn.id, rating=rating, comment=comment))
            return True

    def record_handoff(self, session_id: str, turn_id: int, email: str) -> bool:
        """A reader's e-mail for the founders, on a turn of theirs the documents did not answer.

        The question is the turn's own (a client cannot put other words in the owner's inbox), and a
        second request for the same turn replaces the e-mail. False: no such unanswered turn.
        """
        with self.sessions.begin() as db:
            turn = db.scalar(select(Turn).where(Turn.id == turn_id, Turn.session_id == session_id,
                                                Turn.refused.is_(True) | Turn.grounded.is_(False)))
            if turn is None:
                return False
            earlier = db.scalar(select(Handoff).where(Handoff.turn_id == turn_id))
            if earlier is not None:
                earlier.email = email
            else:
                db.add(Handoff(session_id=session_id, turn_id=turn_id, question=turn.question, email=email))
            return True

    def reader_turns(self, session_id: str, deck: str) -> list[dict]:
        """What the widget shows again after a reload: the session's turns as the reader saw them."""
        with Session(self.engine) as db:
            turns = db.scalars(select(Turn).join(ChatSession, Turn.session_id == ChatSession.id)
                               .where(Turn.session_id == session_id, ChatSession.deck == deck)
                               .options(selectinload(Turn.sources), selectinload(Turn.feedback))
                               .order_by(Turn.id)).all()
            handed_off = set(db.scalars(select(Handoff.turn_id).where(Handoff.session_id == session_id)))
            return [{
                "message_id": t.id, "question": t.question, "answer": t.answer, "refused": t.refused,
                "error": t.error is not None, "rating": t.feedback[-1].rating if t.feedback else None,
                "handoff": t.id in handed_off,
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
        query = (select(Handoff.session_id, ChatSession.deck, Handoff.question, Handoff.email, Handoff.created_at)
                 .join(ChatSession, Handoff.session_id == ChatSession.id)
                 .order_by(Handoff.created_at.desc(), Handoff.id.desc()).limit(limit))
        for condition in _conditions(where):
            query = query.where(condition)
        with Session(self.engine) as db:
            return [HandoffRequest(*row) for row in db.execute(query)]

    def purge(self, before: datetime, dry_run: bool = False) -> tuple[int, int]:
        """Delete the turns asked before `before` with every row of theirs, and the sessions they leave
        empty; returns (sessions, turns). A reader who comes back to an old session keeps today's turns."""
        old_turns = select(Turn.id).where(Turn.created_at < before)
        recent = select(Turn.id).where(Turn.session_id == ChatSession.id, Turn.created_at >= before)
        emptied = select(ChatSession.id).where(ChatSession.created_at < before, ~recent.exists())
        with self.sessions.begin() as db:  # one transaction: all of it goes, or none of it
            counts = (db.scalar(select(func.count()).select_from(emptied.subquery())) or 0,
                      db.scalar(select(func.count()).select_from(old_turns.subquery())) or 0)
            if dry_run:
                return counts
            emptied_ids = list(db.scalars(emptied))
            # Children first: SQLite enforces the foreign keys (PRAGMA foreign_keys=ON).
            for statement in (
                delete(Handoff).where(Handoff.turn_id.in_(old_turns) | Handoff.session_id.in_(emptied_ids)),
                delete(Feedback).where(Feedback.turn_id.in_(old_turns)),
                delete(TurnSource).where(TurnSource.turn_id.in_(old_turns)),
                delete(Turn).where(Turn.created_at < before),
                delete(ChatSession).where(ChatSession.id.in_(emptied_ids)),
            ):
                # Nothing is loaded in this session, so there are no objects to keep in step.
                db.execute(statement.execution_options(synchronize_session=False))
            return counts


def _add_session_once(db: Session, session_id: str, deck: str) -> None:
    """Create the session unless it exists; two first turns of one session at once both land."""
    insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}.get(db.get_bind().dialect.name)
    if insert is not None:
        db.execute(insert(ChatSession).values(id=session_id, deck=deck, created_at=utcnow()).on_conflict_do_nothing())
    elif db.get(ChatSession, session_id) is None:
        db.add(ChatSession(id=session_id, deck=deck))
        db.flush()


def _fit(value: str | None, length: int) -> str | None:
    """A value cut to its VARCHAR column (PostgreSQL refuses longer ones; a heading can be any length)."""
    return value[:length] if value else value


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
