"""The generation queue: one model answers at a time; a bounded number of readers wait their turn."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from app.errors import Overloaded


class GenerationQueue:
    """Admits at most one answering and `waiting` waiting chat requests; the rest are turned away.

    A reader turned away gets 503 with Retry-After at once instead of a request that times out
    behind a long queue on a one-worker server.
    """

    def __init__(self, waiting: int, retry_after_s: int = 5):
        self.capacity = waiting + 1
        self.retry_after_s = retry_after_s
        self._depth = 0
        self._lock = threading.Lock()

    @property
    def depth(self) -> int:
        """Chat requests in the building: the one answering and those waiting."""
        return self._depth

    def enter(self) -> None:
        """Take a place, or raise Overloaded when all are taken."""
        with self._lock:
            if self._depth >= self.capacity:
                raise Overloaded(f"the service is busy ({self._depth} questions ahead); "
                                 f"try again in {self.retry_after_s} seconds", self.retry_after_s)
            self._depth += 1

    def leave(self) -> None:
        with self._lock:
            self._depth -= 1

    @contextmanager
    def place(self) -> Iterator[None]:
        """Hold a place for the duration of the block."""
        self.enter()
        try:
            yield
        finally:
            self.leave()
