"""A throwaway Redis on loopback for the tests of what instances share, started once per test session.

`make test` installs Debian's redis-server when it can; without it the tests that need one skip and say
why. It keeps nothing on disk (no snapshots, no append-only file) and stops at the end of the session.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest

INSTALL_HINT = "install Debian's redis-server (`make redis`, or apt-get install redis-server)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(f"no redis-server: {INSTALL_HINT}")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="deckchat-redis-") as workdir:
        server = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                   "--appendonly", "no", "--dir", workdir], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 15
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.skip(f"redis-server did not start on port {port}")
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(10)
