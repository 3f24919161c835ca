"""Sites that tried to show a deck's widget without being allowed: counted per deck and site, so the
owner sees them on the deck's widget page (and can add the ones that are theirs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import sessionmaker

from app.models import RefusedOrigin, utcnow


@dataclass(frozen=True)
class Refusal:
    origin: str
    count: int
    first_seen: datetime
    last_seen: datetime


class RefusedOrigins:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def note(self, deck: str, origin: str) -> None:
        with self.sessions.begin() as db:
            insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[db.get_bind().dialect.name]
            now = utcnow()
            statement = insert(RefusedOrigin).values(deck=deck, origin=origin[:300], count=1, first_seen=now,
                                                     last_seen=now)
            db.execute(statement.on_conflict_do_update(
                index_elements=["deck", "origin"],
                set_={"count": RefusedOrigin.count + 1, "last_seen": now}))

    def list(self, deck: str) -> list[Refusal]:
        with self.sessions() as db:
            rows = db.scalars(select(RefusedOrigin).where(RefusedOrigin.deck == deck)
                              .order_by(RefusedOrigin.last_seen.desc()))
            return [Refusal(r.origin, r.count, r.first_seen, r.last_seen) for r in rows]
