"""One DeckChat instance: gunicorn with one worker and threads (as `make serve`), on a loopback port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import requests

from app.config import REPO_ROOT
from cluster.ports import free_port, wait_until


def clean_environment() -> dict[str, str]:
    """This process's environment without DeckChat's settings: a developer's own database, model or
    limits must not reach a server started for a test or a benchmark."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("DECKCHAT_") and k != "DATABASE_URL"}
    return inherited | {"HF_HUB_OFFLINE": "1"}


@dataclass
class AppInstance:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL to master and worker at once: a machine lost, with no chance to finish anything."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def start_instance(env: dict[str, str], log_path: Path, threads: int = 4, timeout_s: float = 120) -> AppInstance:
    """Start gunicorn on a free port with exactly `env`; returns once /api/health answers 200."""
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", str(threads),
             "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: master and worker are killed together
        )
    instance = AppInstance(process, port, log_path)
    try:
        wait_until(lambda: requests.get(f"{instance.base_url}/api/health", timeout=10).status_code == 200,
                   process, timeout_s, f"gunicorn on port {port}")
    except RuntimeError as exc:
        instance.kill()
        raise RuntimeError(f"{exc}; its log:\n{log_path.read_text()[-3000:]}") from None
    return instance
