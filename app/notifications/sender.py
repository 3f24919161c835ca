"""The background thread that delivers the outbox, retries what failed, and starts the daily digest.

Readers never wait for it: a request only adds rows and wakes the thread. A send that fails is logged
with what to check and tried again later; one given up is logged as an error and stays in the outbox.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, tzinfo

from app.models import utcnow
from app.notifications.channels import Channel
from app.notifications.outbox import Outbox

log = logging.getLogger(__name__)
POLL_S = 30.0  # retries and the digest hour are checked this often


class Notifier:
    def __init__(self, outbox: Outbox, channels: list[Channel], zone: tzinfo, digest_hour: int,
                 compose_digest: Callable[[datetime], tuple[str, str] | None], poll_s: float = POLL_S):
        self.outbox, self.channels = outbox, {c.name: c for c in channels}
        self.zone, self.digest_hour, self.compose_digest = zone, digest_hour, compose_digest
        self.poll_s = poll_s
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._quiet_day: str | None = None  # a day whose digest found nothing to say

    @property
    def enabled(self) -> bool:
        return bool(self.channels)

    def notify(self, kind: str, subject: str, body: str, dedupe_key: str | None = None) -> None:
        """Queue a message on every channel (once per `dedupe_key`) and wake the sender; never raises."""
        if not self.enabled:
            return
        try:
            if self.outbox.add(kind, list(self.channels), subject, body, dedupe_key):
                self.start()
                self._wake.set()
        except Exception:  # the reader's request goes on; the operator reads why
            log.exception("notification %r could not be queued: %s", kind, subject)

    def start(self) -> None:
        """Start the sender thread once (it delivers what an earlier run left in the outbox, too)."""
        with self._lock:
            if self.enabled and self._thread is None:
                self._thread = threading.Thread(target=self._run, name="notifications", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                self.deliver_due()
                self.digest_if_due()
            except Exception:  # the database away, say: try again at the next poll
                log.exception("notification sender: will try again in %.0f s", self.poll_s)
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def deliver_due(self) -> int:
        """Send every notification whose time has come; returns how many were delivered."""
        delivered, now = 0, utcnow()
        for row in self.outbox.due(now):
            channel = self.channels.get(row.channel)
            if channel is None or not self.outbox.claim(row.id, now):  # switched off since, or another's
                continue
            try:
                channel.send(row.subject, row.body)
            except Exception as exc:  # noqa: BLE001 (any failure of a send is retried the same way)
                attempts, gave_up = self.outbox.failed(row.id, f"{type(exc).__name__}: {exc}")
                if gave_up:
                    log.error("notification %d (%s by %s) given up after %d tries: %s", row.id, row.kind,
                              row.channel, attempts, exc)
                else:
                    log.warning("notification %d (%s by %s) not sent (try %d: %s); retrying later. Check "
                                "DECKCHAT_SMTP_URL / DECKCHAT_WEBHOOK_URL", row.id, row.kind, row.channel,
                                attempts, exc)
                continue
            self.outbox.sent(row.id)
            delivered += 1
        return delivered

    def digest_if_due(self, now: datetime | None = None) -> bool:
        """Queue today's digest of unanswered questions once its hour has come (in the founder's zone)."""
        if self.digest_hour < 0 or not self.enabled:
            return False
        local = (now or utcnow()).astimezone(self.zone)
        key = f"digest:{local.date().isoformat()}"
        if local.hour < self.digest_hour or key == self._quiet_day or self.outbox.has(key):
            return False
        message = self.compose_digest(local)
        if message is None:  # nothing unanswered: no mail today
            self._quiet_day = key
            return False
        self.outbox.add("digest", list(self.channels), *message, dedupe_key=key)
        self._wake.set()
        return True
