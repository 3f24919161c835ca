"""The test session's Redis (cluster/redis.py starts it); the tests that need one skip, saying why, without it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cluster.redis import RedisUnavailable, start_redis


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    try:
        server = start_redis()
    except RedisUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield server.url
    finally:
        server.stop()
