"""A real gunicorn (one worker, threads) serving wsgi:app on a loopback port, for the HTTP and browser tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import load_config
from cluster.app_instance import AppInstance, clean_environment, start_instance
from cluster.ports import free_port

__all__ = ["PROCESSES", "free_port", "gunicorn"]

PROCESSES: dict[str, AppInstance] = {}  # base URL -> the running server (a test may kill it)


@contextlib.contextmanager
def gunicorn(instance: Path, index_dir: Path, env: dict[str, str] | None = None, threads: int = 4) -> Iterator[str]:
    """Start the server on `index_dir` (model from the shared cache, preloaded); yields its base URL."""
    env = clean_environment() | {
        "DATABASE_URL": f"sqlite:///{instance / 'deckchat.sqlite3'}",
        "DECKCHAT_INDEX_DIR": str(index_dir),
        "DECKCHAT_INSTANCE_DIR": str(instance),
        "DECKCHAT_MODEL_CACHE_DIR": load_config()["MODEL_CACHE_DIR"],
        "DECKCHAT_PRELOAD_MODEL": "1",
    } | (env or {})
    try:
        server = start_instance(env, instance / "gunicorn.log", threads=threads)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    PROCESSES[server.base_url] = server
    try:
        yield server.base_url
    finally:
        PROCESSES.pop(server.base_url, None)
        server.stop()
