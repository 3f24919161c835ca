"""A real gunicorn (one worker, threads) serving wsgi:app on a loopback port, for the HTTP and browser tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from app.config import REPO_ROOT, load_config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PROCESSES: dict[str, subprocess.Popen] = {}  # base URL -> the gunicorn master, while it runs


@contextlib.contextmanager
def gunicorn(instance: Path, index_dir: Path, env: dict[str, str] | None = None, threads: int = 4) -> Iterator[str]:
    """Start the server on `index_dir` (model from the shared cache, preloaded); yields its base URL."""
    port = free_port()
    # Only this test's settings: a developer's own database or retention must not reach the server.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("DECKCHAT_") and k != "DATABASE_URL"}
    env = inherited | {
        "DATABASE_URL": f"sqlite:///{instance / 'deckchat.sqlite3'}",
        "DECKCHAT_INDEX_DIR": str(index_dir),
        "DECKCHAT_INSTANCE_DIR": str(instance),
        "DECKCHAT_MODEL_CACHE_DIR": load_config()["MODEL_CACHE_DIR"],
        "DECKCHAT_PRELOAD_MODEL": "1",
        "HF_HUB_OFFLINE": "1",
    } | (env or {})
    log_path = instance / "gunicorn.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", str(threads),
             "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a test can kill master and worker at once
        )
        base = f"http://127.0.0.1:{port}"
        PROCESSES[base] = proc
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/api/health", timeout=10).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or busy loading the model
                time.sleep(0.3)
            assert proc.poll() is None, log_path.read_text()
        else:
            proc.kill()
            pytest.fail("gunicorn did not answer within 120 s:\n" + log_path.read_text())
        try:
            yield base
        finally:
            PROCESSES.pop(base, None)
            proc.terminate()
            proc.wait(timeout=30)
