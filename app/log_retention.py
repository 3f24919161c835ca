"""Keeping the conversation log no longer than DECKCHAT_RETENTION_DAYS."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from app.conversation_log import SqlConversationLog

log = logging.getLogger(__name__)


def retention_cutoff(days: int, now: datetime | None = None) -> datetime:
    """Midnight UTC `days` days ago: sessions started before it are past the retention."""
    today = (now or datetime.now(UTC)).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days)


class DailyPurge:
    """The retention purge, run at most once a day per process by whichever request comes first."""

    def __init__(self, days: int):
        self.days = days
        self._next_run: datetime | None = None
        self._lock = threading.Lock()  # gunicorn serves requests from several threads

    def run_if_due(self, open_log: Callable[[], SqlConversationLog]) -> tuple[int, int] | None:
        """Purge when a day has passed since the last run; (sessions, turns) removed, or None.
        The log is opened inside the guard: a database that is down fails the purge, not the request."""
        now = datetime.now(UTC)
        with self._lock:  # claim the run, so that concurrent requests do not purge twice
            if self._next_run is not None and now < self._next_run:
                return None
            self._next_run = now + timedelta(days=1)
        try:
            removed = open_log().purge(retention_cutoff(self.days, now))
        except SQLAlchemyError:
            # A reader's request must not fail for housekeeping; tomorrow's run catches up.
            log.exception("the retention purge failed")
            return None
        log.info("retention purge: removed %d sessions and %d turns older than %d days", *removed, self.days)
        return removed


def init_auto_purge(app: Flask) -> None:
    """With RETENTION_DAYS > 0, purge on the first request after start-up and then once a day.

    A check of the time before each request costs next to nothing and needs no background thread
    or scheduler; a purge deletes one day's worth of sessions, quick enough to run in a request.
    """
    days = app.config["RETENTION_DAYS"]
    if days <= 0:
        return  # keep forever: not even the time check
    purge = DailyPurge(days)

    @app.before_request
    def _purge_past_retention() -> None:  # returns nothing: a value would replace the response
        purge.run_if_due(lambda: app.extensions["deckchat"].log)
