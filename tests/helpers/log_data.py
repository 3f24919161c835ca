"""Conversation logs seeded with known sessions, and their row counts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.conversation_log import SqlConversationLog
from app.models import ChatSession, Feedback, Handoff, Turn, TurnSource
from app.rag.result import AnswerResult

LONG_AGO = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)
SOURCE = {"doc": "faq.md", "page": None, "kind": "md", "title": "Round", "score": 0.7}
ONE_SESSION = {"chat_session": 1, "turn": 2, "turn_source": 1, "feedback": 1, "handoff": 1}  # seed_session's rows


def seed_session(log: SqlConversationLog, session_id: str, started: datetime | None = None) -> None:
    """A session with two turns, a source, a thumbs-down and a hand-off request: a row in every table."""
    first = log.record_turn(session_id, "example", "How much are you raising?",
                            AnswerResult("Two million.", False, sources=[SOURCE]))
    second = log.record_turn(session_id, "example", "Who is the CTO?", AnswerResult("The documents do not say.", True))
    assert log.record_feedback(session_id, first, -1, "vague")
    assert log.record_handoff(session_id, second, "reader@example.com")
    if started:
        with Session(log.engine) as db, db.begin():
            db.execute(update(ChatSession).where(ChatSession.id == session_id).values(created_at=started))
            db.execute(update(Turn).where(Turn.session_id == session_id).values(created_at=started))


def row_counts(log: SqlConversationLog) -> dict[str, int]:
    with Session(log.engine) as db:
        return {model.__tablename__: db.scalar(select(func.count()).select_from(model)) or 0
                for model in (ChatSession, Turn, TurnSource, Feedback, Handoff)}


def seeded_log(log: SqlConversationLog) -> None:
    """Four sessions, one of each outcome the owner filters by."""
    log.record_turn("s-refused", "example", "Who won the World Cup?", AnswerResult("The documents do not say.", True))
    ungrounded = AnswerResult("They raise $9 million.", False, model_id="m")
    ungrounded.grounded = False
    log.record_turn("s-ungrounded", "example", "How much do they raise?", ungrounded)
    log.record_turn("s-errored", "other", "When is the launch?", AnswerResult("", False, error="model failed"))
    turn_id = log.record_turn("s-disliked", "example", "Where is the headquarters?", AnswerResult("Gothenburg.", False))
    with Session(log.engine) as db, db.begin():
        db.add(Feedback(turn_id=turn_id, rating=-1, comment="too short"))
