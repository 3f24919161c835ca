"""The notifications not yet delivered, in the log's database: added in one write, delivered by the sender
thread, retried with growing waits, and kept with their last error when retries are given up."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import sessionmaker

from app.models import Notification, utcnow

RETRY_WAITS_S = (30, 120, 600, 1800, 3600, 6 * 3600, 12 * 3600)  # then given up (about a day of tries)


class Outbox:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def add(self, kind: str, channels: list[str], subject: str, body: str, dedupe_key: str | None = None) -> int:
        """One row per channel; with a `dedupe_key`, only the first of its kind ever (the rest are ignored).
        Returns the rows added."""
        added = 0
        with self.sessions.begin() as db:
            insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[db.get_bind().dialect.name]
            for channel in channels:
                # A subject is one line: a mail header cannot hold a line break (a reader's name may try).
                values = {"kind": kind, "channel": channel, "dedupe_key": dedupe_key,
                          "subject": " ".join(subject.split())[:300],
                          "body": body, "created_at": utcnow(), "attempts": 0, "next_attempt_at": utcnow()}
                # RETURNING: a row comes back only when it was added (rowcount is not reliable on every driver).
                statement = insert(Notification).values(**values).on_conflict_do_nothing().returning(Notification.id)
                added += len(db.execute(statement).all())
        return added

    def has(self, dedupe_key: str) -> bool:
        with self.sessions() as db:
            return db.scalar(select(func.count()).where(Notification.dedupe_key == dedupe_key)) > 0

    def due(self, now: datetime, limit: int = 50) -> list[Notification]:
        with self.sessions() as db:
            return list(db.scalars(select(Notification).where(
                Notification.sent_at.is_(None), Notification.failed_at.is_(None),
                Notification.next_attempt_at <= now).order_by(Notification.id).limit(limit)))

    def claim(self, notification_id: int, now: datetime, hold_s: float = 300) -> bool:
        """Take a due notification for this sender: its next try moves `hold_s` on, so another instance's
        sender (or a crash mid-send) cannot send it twice meanwhile. False: another sender took it."""
        with self.sessions.begin() as db:
            result = db.execute(update(Notification).where(
                Notification.id == notification_id, Notification.sent_at.is_(None),
                Notification.next_attempt_at <= now).values(next_attempt_at=now + timedelta(seconds=hold_s)))
            return result.rowcount == 1

    def sent(self, notification_id: int) -> None:
        with self.sessions.begin() as db:
            row = db.get(Notification, notification_id)
            row.attempts += 1
            row.sent_at, row.last_error = utcnow(), None

    def failed(self, notification_id: int, error: str) -> tuple[int, bool]:
        """Note a failed send; returns (attempts so far, whether retries are now given up)."""
        with self.sessions.begin() as db:
            row = db.get(Notification, notification_id)
            row.attempts += 1
            row.last_error = error[:2000]
            if row.attempts > len(RETRY_WAITS_S):
                row.failed_at = utcnow()
                return row.attempts, True
            row.next_attempt_at = utcnow() + timedelta(seconds=RETRY_WAITS_S[row.attempts - 1])
            return row.attempts, False

    def recent(self, limit: int = 50) -> list[Notification]:
        """The newest notifications, delivered or not (the admin shows them)."""
        with self.sessions() as db:
            return list(db.scalars(select(Notification).order_by(Notification.id.desc()).limit(limit)))
