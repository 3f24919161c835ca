"""Personal links in the log's database: created, listed, revoked, and checked on every use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app.models import ReaderLink, as_utc, utcnow


@dataclass(frozen=True)
class LinkInfo:
    id: int
    deck: str
    email: str
    name: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if as_utc(self.expires_at) <= utcnow() else "active"


def _info(row: ReaderLink) -> LinkInfo:
    return LinkInfo(row.id, row.deck, row.email, row.name, row.created_at, row.expires_at, row.revoked_at)


class ReaderLinks:
    """The personal links; `sessions` is the conversation log's sessionmaker (the same database)."""

    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def create(self, deck: str, email: str, name: str | None, days: float) -> LinkInfo:
        with self.sessions.begin() as db:
            row = ReaderLink(deck=deck, email=email, name=name, created_at=utcnow(),
                             expires_at=utcnow() + timedelta(days=days))
            db.add(row)
            db.flush()
            return _info(row)

    def list(self, deck: str | None = None) -> list[LinkInfo]:
        query = select(ReaderLink).order_by(ReaderLink.id.desc())
        if deck:
            query = query.where(ReaderLink.deck == deck)
        with self.sessions() as db:
            return [_info(row) for row in db.scalars(query)]

    def revoke(self, link_id: int, deck: str | None = None) -> LinkInfo | None:
        """Revoke a link at once (its next use gets a 404); None when there is no such link (of `deck`)."""
        with self.sessions.begin() as db:
            row = db.get(ReaderLink, link_id)
            if row is None or (deck is not None and row.deck != deck):
                return None
            row.revoked_at = row.revoked_at or utcnow()
            return _info(row)

    def usable(self, link_id: int, deck: str) -> LinkInfo | None:
        """The link when it exists for this deck and is neither revoked nor expired."""
        with self.sessions() as db:
            row = db.get(ReaderLink, link_id)
        if row is None or row.deck != deck:
            return None
        info = _info(row)
        return info if info.state == "active" else None
