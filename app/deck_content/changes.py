"""The record of what was changed on a deck in the admin, by whom and when (in the log's database, so
every instance shows the same record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app.models import DeckChange

MAX_DETAIL = 4000


@dataclass(frozen=True)
class Change:
    at: datetime
    who: str
    action: str  # created, uploaded, replaced, deleted, settings, reindex started/built/unchanged/failed/rejected
    detail: str


class DeckChanges:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def record(self, deck: str, who: str, action: str, detail: str = "") -> None:
        with self.sessions.begin() as db:
            db.add(DeckChange(deck=deck, who=who[:200], action=action[:40], detail=detail[:MAX_DETAIL]))

    def list(self, deck: str, limit: int = 100) -> list[Change]:
        """The newest first."""
        with self.sessions() as db:
            rows = db.scalars(select(DeckChange).where(DeckChange.deck == deck)
                              .order_by(DeckChange.id.desc()).limit(limit))
            return [Change(row.at, row.who, row.action, row.detail) for row in rows]
