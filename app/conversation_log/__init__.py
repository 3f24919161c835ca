"""The conversation log: every turn, its sources, timings and errors, stored with SQLAlchemy.

database.py makes the engine and migrates it; writes.py stores turns, feedback and hand-offs (each
write retried the same way) and purges; queries.py reads for the widget and the owner;
deck_stats.py sums a deck's readers, visits, questions and slides for its dashboard.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import sessionmaker

from app.conversation_log.database import FIRST_REVISION, MIGRATIONS, make_engine, upgrade_schema
from app.conversation_log.queries import (
    EXPORT_COLUMNS,
    OUTCOMES,
    HandoffRequest,
    LogQueries,
    SessionFilter,
    SessionSummary,
    UnansweredQuestion,
)
from app.conversation_log.deck_stats import DeckActivity, DeckStatsQueries
from app.conversation_log.writes import LogWrites, TurnRecord

__all__ = ["EXPORT_COLUMNS", "DeckActivity", "FIRST_REVISION", "MIGRATIONS", "OUTCOMES", "ConversationLog", "HandoffRequest",
           "SessionFilter", "SessionSummary", "SqlConversationLog", "TurnRecord", "UnansweredQuestion",
           "upgrade_schema"]


class ConversationLog(Protocol):
    def record_turn(self, session_id: str, deck: str, question: str, result: TurnRecord) -> int: ...

    def recent_turns(self, session_id: str, limit: int = 3) -> list[tuple[str, str]]: ...


class SqlConversationLog(LogWrites, LogQueries, DeckStatsQueries):
    """ConversationLog on any SQLAlchemy database (SQLite by default)."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        upgrade_schema(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
