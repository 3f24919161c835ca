"""The test session's PostgreSQL server (cluster/postgres.py starts it); the tests that use it skip, saying
why, where none can be started."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cluster.postgres import PostgresServer, PostgresUnavailable, start_server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = start_server()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        yield server
    finally:
        server.stop()
