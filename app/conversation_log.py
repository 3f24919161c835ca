"""The conversation log: every turn, its sources, timings and errors, stored with SQLAlchemy."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from alembic import command
from alembic.config import Config
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import create_engine, event, func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.models import ChatSession, Feedback, Turn, TurnSource
from app.rag.answer import AnswerResult


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


class ConversationLog(Protocol):
    def record_turn(self, session_id: str, deck: str, question: str, result: AnswerResult) -> int: ...

    def recent_turns(self, session_id: str, limit: int = 3) -> list[tuple[str, str]]: ...


def make_engine(url: str) -> Engine:
    """Engine for the log database; SQLite gets WAL and a busy timeout for threaded writers."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"  # the tables as create_all() made them before migrations existed


def upgrade_schema(engine: Engine) -> None:
    """Bring the log database to the newest schema with Alembic (a new database gets every table)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        tables = inspect(connection)
        if tables.has_table("turn") and not tables.has_table("alembic_version"):
            command.stamp(config, FIRST_REVISION)  # a log written by a DeckChat from before migrations
        command.upgrade(config, "head")


class SqlConversationLog:
    """ConversationLog on any SQLAlchemy database (SQLite by default)."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        upgrade_schema(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def record_turn(self, session_id: str, deck: str, question: str, result: AnswerResult) -> int:
        """Store one turn (creating its session on first use); returns the turn id."""
        with self.sessions.begin() as db:
            if db.get(ChatSession, session_id) is None:
                db.add(ChatSession(id=session_id, deck=deck))
                db.flush()
            turn = Turn(
                session_id=session_id, question=question, answer=result.answer, refused=result.refused,
                model_id=result.model_id, prompt_tokens=result.prompt_tokens,
                completion_tokens=result.completion_tokens, retrieval_ms=result.retrieval_ms,
                generation_ms=result.generation_ms, error=result.error, grounded=result.grounded,
                quote=result.quote["text"] if result.quote else None,
                quote_rank=result.quote["source"] + 1 if result.quote else None,
                model_answer=result.model_answer,
            )
            turn.sources = [
                TurnSource(rank=i + 1, doc=s["doc"], page=s["page"], kind=s["kind"], title=s["title"],
                           score=s["score"], used=s.get("used"))
                for i, s in enumerate(result.sources)
            ]
            db.add(turn)
            db.flush()
            return turn.id

    def recent_turns(self, session_id: str, limit: int = 3) -> list[tuple[str, str]]:
        """The session's last answered turns as (question, answer), oldest first."""
        with Session(self.engine) as db:
            rows = db.execute(
                select(Turn.question, Turn.answer)
                .where(Turn.session_id == session_id, Turn.refused.is_(False), Turn.error.is_(None))
                .order_by(Turn.id.desc()).limit(limit)
            ).all()
        return [(q, a) for q, a in reversed(rows)]

    def session_deck(self, session_id: str) -> str | None:
        """The deck a session belongs to, or None for a new session."""
        with Session(self.engine) as db:
            return db.scalar(select(ChatSession.deck).where(ChatSession.id == session_id))

    def list_sessions(self, page: int = 1, per_page: int = 50, deck: str | None = None) -> tuple[list[SessionSummary], int]:
        """A page of sessions, newest first, and how many there are in all."""
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
        if deck:
            query, count = query.where(ChatSession.deck == deck), count.where(ChatSession.deck == deck)
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
