"""Writing the log: turns (whole, or begun and finished), feedback and hand-offs, each retried alike, and the purge
(not retried: it runs inside a reader's request, and tomorrow's run catches up)."""

from __future__ import annotations

import functools
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import Enum
from typing import Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.models import ChatSession, Feedback, Handoff, Notification, SlideView, Turn, TurnSource, utcnow

log = logging.getLogger(__name__)


class SourceRecord(Protocol):
    doc: str
    page: int | None
    kind: str
    title: str | None
    snippet: str | None
    score: float
    used: bool


class TurnRecord(Protocol):
    """What the log stores of an answer: any record with these fields (app/rag/result.py's AnswerResult is one)."""

    answer: str
    refused: bool
    model_id: str | None
    prompt_tokens: int
    completion_tokens: int
    retrieval_ms: float
    generation_ms: float
    error: str | None
    grounded: bool | None
    model_answer: str | None
    why: str
    quote: dict | None  # {"text", "source": 0-based index into sources}
    sources: Sequence[SourceRecord]
    curated_id: int | None  # the founders' curated answer given instead of one from the documents


class ReaderIdentity(Protocol):
    """Who a reader is, as the deck's access mode learnt it (app/reader_access/passes.py's ReaderPass is one)."""

    access: str
    email: str
    name: str | None
    link_id: int | None


class Opened(Enum):
    """What opening a session found."""

    OTHER_DECK = "the session belongs to another deck"
    OTHER_READER = "the session belongs to another reader"  # a shared browser: the next person starts anew
    OPENED = "opened (new or known)"
    NAMED = "the reader was named on it just now"  # a gate's or a link's reader, on this session


# A locked or briefly unreachable database gets a few tries before the caller hears of it.
RETRY_WAITS_S = (0.2, 0.5, 1.0)


def retried(method: Callable) -> Callable:
    """Every write: a locked or briefly unreachable database is tried again, the same way for each."""
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


def _fill(turn: Turn, result: TurnRecord) -> None:
    """Copy an answer's outcome onto its turn."""
    turn.answer, turn.refused, turn.model_id = result.answer, result.refused, _fit(result.model_id, 200)
    turn.prompt_tokens, turn.completion_tokens = result.prompt_tokens, result.completion_tokens
    turn.retrieval_ms, turn.generation_ms = result.retrieval_ms, result.generation_ms
    turn.error, turn.grounded, turn.model_answer = result.error, result.grounded, result.model_answer
    turn.decided = _fit(result.why, 200) or None
    turn.curated_id = result.curated_id
    turn.quote = result.quote["text"] if result.quote else None
    turn.quote_rank = result.quote["source"] + 1 if result.quote else None
    turn.sources = [
        TurnSource(rank=i + 1, doc=_fit(s.doc, 255), page=s.page, kind=s.kind, title=_fit(s.title, 255),
                   score=s.score, used=s.used, snippet=s.snippet)
        for i, s in enumerate(result.sources)
    ]


class LogWrites:
    """The log's writes; `sessions` is the log's sessionmaker."""

    sessions: sessionmaker

    def record_turn(self, session_id: str, deck: str, question: str, result: TurnRecord) -> int:
        """Store one turn (creating its session on first use) exactly once, however often it is tried;
        returns the turn id."""
        return self._store_turn(uuid.uuid4().hex, session_id, deck, question, result, None)

    def begin_turn(self, session_id: str, deck: str, question: str, unfinished: str) -> int:
        """Store a question before it is answered, with the error `unfinished` until `finish_turn`.

        A server killed while streaming (deploy, OOM, power) leaves the question logged with it.
        """
        return self._store_turn(uuid.uuid4().hex, session_id, deck, question, None, unfinished)

    @retried
    def _store_turn(self, key: str, session_id: str, deck: str, question: str, result: TurnRecord | None,
                    unfinished: str | None) -> int:
        with self.sessions.begin() as db:
            # An earlier try's COMMIT may have gone through with only its answer lost: it is this turn.
            stored = db.scalar(select(Turn.id).where(Turn.write_key == key))
            if stored is not None:
                return stored
            turn = self._new_turn(db, session_id, deck, question)
            turn.write_key = key
            if result is not None:
                _fill(turn, result)
            else:
                turn.error = unfinished
            db.flush()
            return turn.id

    @retried
    def finish_turn(self, turn_id: int, result: TurnRecord) -> bool:
        """Complete a turn stored by `begin_turn` with its answer, sources, timings and any error;
        False when it is gone (purged while the model answered)."""
        with self.sessions.begin() as db:
            turn = db.get(Turn, turn_id)
            if turn is None:
                return False
            _fill(turn, result)
            return True

    @retried
    def open_session(self, session_id: str, deck: str, reader: ReaderIdentity | None = None) -> Opened:
        """Create the session unless it exists (a reader opening the deck, before any question) and note
        who the reader is, once known."""
        with self.sessions.begin() as db:
            return _open_session(db, session_id, deck, reader)

    @retried
    def record_views(self, session_id: str, deck: str, reader: ReaderIdentity | None,
                     views: Sequence[tuple[str, int, float]]) -> Opened:
        """Slides a reader looked at, as (document, page, seconds), on their session (opened if new)."""
        with self.sessions.begin() as db:
            opened = _open_session(db, session_id, deck, reader)
            if opened in (Opened.OPENED, Opened.NAMED):
                db.add_all(SlideView(session_id=session_id, doc=_fit(doc, 255), page=page, seconds=seconds)
                           for doc, page, seconds in views)
            return opened

    @staticmethod
    def _new_turn(db: Session, session_id: str, deck: str, question: str) -> Turn:
        _add_session_once(db, session_id, deck)
        turn = Turn(session_id=session_id, question=question)
        db.add(turn)
        return turn

    @retried
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

    @retried
    def record_handoff(self, session_id: str, turn_id: int, email: str) -> str | None:
        """A reader's e-mail for the founders, on a turn of theirs the documents did not answer; returns
        the turn's question (None: no such unanswered turn).

        The question is the turn's own (a client cannot put other words in the owner's inbox), and a
        second request for the same turn replaces the e-mail.
        """
        with self.sessions.begin() as db:
            turn = db.scalar(select(Turn).where(Turn.id == turn_id, Turn.session_id == session_id,
                                                Turn.refused.is_(True) | Turn.grounded.is_(False)))
            if turn is None:
                return None
            earlier = db.scalar(select(Handoff).where(Handoff.turn_id == turn_id))
            if earlier is not None:
                earlier.email = email
            else:
                db.add(Handoff(session_id=session_id, turn_id=turn_id, question=turn.question, email=email))
            return turn.question

    @retried
    def set_handoff_state(self, handoff_id: int, state: str) -> bool:
        """The founders' progress on a hand-off: open, replied or closed; False: no such hand-off."""
        with self.sessions.begin() as db:
            handoff = db.get(Handoff, handoff_id)
            if handoff is None:
                return False
            handoff.state = state
            return True

    def purge(self, before: datetime, dry_run: bool = False) -> tuple[int, int]:
        """Delete the turns asked before `before` with every row of theirs, and the sessions they leave
        empty; returns (sessions, turns). A reader who comes back to an old session keeps today's turns."""
        old_turns = select(Turn.id).where(Turn.created_at < before)
        recent = select(Turn.id).where(Turn.session_id == ChatSession.id, Turn.created_at >= before)
        recent_views = select(SlideView.id).where(SlideView.session_id == ChatSession.id,
                                                  SlideView.created_at >= before)
        emptied = select(ChatSession.id).where(ChatSession.created_at < before, ~recent.exists(),
                                               ~recent_views.exists())
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
                # Notifications quote readers' questions and addresses: they go with the turns.
                delete(Notification).where(Notification.created_at < before),
                delete(SlideView).where((SlideView.created_at < before) | SlideView.session_id.in_(emptied_ids)),
                delete(TurnSource).where(TurnSource.turn_id.in_(old_turns)),
                delete(Turn).where(Turn.created_at < before),
                delete(ChatSession).where(ChatSession.id.in_(emptied_ids)),
            ):
                # Nothing is loaded in this session, so there are no objects to keep in step.
                db.execute(statement.execution_options(synchronize_session=False))
            return counts


def _open_session(db: Session, session_id: str, deck: str, reader: ReaderIdentity | None) -> Opened:
    _add_session_once(db, session_id, deck)
    session = db.get(ChatSession, session_id)
    if session is None or session.deck != deck:
        return Opened.OTHER_DECK
    if reader is not None and session.reader_email is None:
        session.access, session.reader_email = reader.access, _fit(reader.email, 254)
        session.reader_name, session.link_id = _fit(reader.name, 200), reader.link_id
        return Opened.NAMED
    if reader is not None and session.reader_email.lower() != reader.email.lower():
        return Opened.OTHER_READER
    return Opened.OPENED


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
