"""Rate limits per client address and per chat session, counted with the `limits` library.

One CPU answers one question at a time (about a second each with the embedded model), so a single
reader or script must not be able to take the whole machine: questions are limited per address and
per session, the other calls (feedback, hand-off, restoring a session) per address. Counters live in
this process's memory, which is exact for DeckChat's single gunicorn worker; with several instances
they live in the Redis they share (DECKCHAT_REDIS_URL, the `limits` library's Redis storage), so a
reader whose requests land on two instances still gets one quota.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time

from limits import RateLimitItem, parse_many, storage, strategies

from app.errors import RateLimited

log = logging.getLogger(__name__)

LOGIN_LIMIT = "5/minute;30/hour"  # admin login attempts per address (the owner types one password)


def client_key(address: str) -> str:
    """Who is counted: an IPv4 address, or an IPv6 /64 (one subscriber gets a whole /64 to rotate in)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def _parse(value: str, setting: str) -> list[RateLimitItem]:
    if not value.strip() or value.strip() == "0":
        return []  # off
    try:
        return parse_many(value)
    except ValueError as exc:
        raise ValueError(f"{setting}={value!r} is not a rate limit like '20/minute;200/hour' ({exc})") from exc


class RateLimits:
    """The configured limits and their counters (moving windows: no burst at a window's edge)."""

    def __init__(self, per_address_questions: str, per_session_questions: str, per_address_other: str,
                 shared_url: str = ""):
        counters = storage.storage_from_string(shared_url) if shared_url else storage.MemoryStorage()
        self._limiter = strategies.MovingWindowRateLimiter(counters)
        self._lock = threading.Lock()  # test-then-hit must be one step: gunicorn serves from threads
        self._limits = {
            "address": _parse(per_address_questions, "DECKCHAT_RATE_LIMIT_ADDRESS"),
            "session": _parse(per_session_questions, "DECKCHAT_RATE_LIMIT_SESSION"),
            "other": _parse(per_address_other, "DECKCHAT_RATE_LIMIT_OTHER"),
            "login": _parse(LOGIN_LIMIT, "LOGIN_LIMIT"),
        }

    def question(self, address: str, session_id: str) -> None:
        """Count a question; RateLimited when the address or the session has asked too many."""
        self._hit([("address", client_key(address), "questions from your address"),
                   ("session", session_id, "questions in this conversation")])

    def other(self, address: str) -> None:
        self._hit([("other", client_key(address), "requests from your address")])

    def login(self, address: str) -> None:
        """Count an admin login attempt: guessing the password is slow, and cannot take every thread."""
        self._hit([("login", client_key(address), "login attempts from your address")])

    def _hit(self, checks: list[tuple[str, str, str]]) -> None:
        with self._lock:
            try:
                self._test_then_hit(checks)
            except RateLimited:
                raise
            except Exception as exc:  # the shared counters are away: readers are answered, the log says so
                log.warning("rate limits not counted (%s: %s); is DECKCHAT_REDIS_URL reachable?",
                            type(exc).__name__, exc)

    def _test_then_hit(self, checks: list[tuple[str, str, str]]) -> None:
        # Test every limit before counting any: a refused request must not use up another window.
        for kind, key, what in checks:
            for limit in self._limits[kind]:
                if not self._limiter.test(limit, kind, key):
                    reset = self._limiter.get_window_stats(limit, kind, key).reset_time
                    wait = max(1, math.ceil(reset - time.time()))
                    raise RateLimited(f"too many {what} ({limit}): try again in {wait} s", wait)
        for kind, key, _ in checks:
            for limit in self._limits[kind]:
                self._limiter.hit(limit, kind, key)
