"""A throwaway Redis on loopback: what instances share (rate limits, the login throttle, notification retries).

Debian's redis-server (`make redis` installs it). It keeps nothing on disk (no snapshots, no
append-only file): the counters it holds are worth losing on a restart.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from cluster.ports import free_port, listening, stop_process, wait_until

INSTALL_HINT = "install Debian's redis-server (`make redis`, or apt-get install redis-server)"


class RedisUnavailable(Exception):
    """No redis-server here, or it would not start; the message says what to install."""


@dataclass
class RedisServer:
    process: subprocess.Popen
    port: int
    workdir: tempfile.TemporaryDirectory

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        stop_process(self.process)
        self.workdir.cleanup()


def start_redis() -> RedisServer:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisUnavailable(f"no redis-server: {INSTALL_HINT}")
    port, workdir = free_port(), tempfile.TemporaryDirectory(prefix="deckchat-redis-")
    process = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                "--appendonly", "no", "--dir", workdir.name],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    server = RedisServer(process, port, workdir)
    try:
        wait_until(lambda: listening(port), process, 15, f"redis-server on port {port}")
    except RuntimeError as exc:
        server.stop()
        raise RedisUnavailable(str(exc)) from None
    return server
