"""A throwaway PostgreSQL server on loopback: the log tests' database, and the local cluster's.

The binaries come from PATH or Debian's /usr/lib/postgresql/<version>/bin (`make postgres` installs
them). PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (or
`nobody`). Its data directory is a temp dir, it listens on 127.0.0.1 only, on a free port, with
trust auth; `stop()` stops it and deletes its files. Without binaries, or when it cannot start,
`start_server()` raises PostgresUnavailable saying why and what to install.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cluster.ports import free_port

INSTALL_HINT = "install Debian's postgresql (`make postgres`, or apt-get install postgresql)"
# A zone far from UTC: times the log reads back must still be UTC whatever the server's TimeZone.
SERVER_TIMEZONE = "Asia/Kolkata"
START_TIMEOUT_S = 30
_database_numbers = itertools.count(1)


class PostgresUnavailable(Exception):
    """No PostgreSQL server could be started here; the message says why and what to install."""


def find_bin_dir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres: on PATH first, else Debian's newest version."""
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    debian = Path("/usr/lib/postgresql")
    versions = [p for p in debian.glob("*/bin") if p.parent.name.isdigit()] if debian.is_dir() else []
    candidates += sorted(versions, key=lambda p: int(p.parent.name), reverse=True)
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _server_user() -> pwd.struct_passwd | None:
    """The unprivileged account to run as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and there is no `postgres` or `nobody` user to run PostgreSQL as")


@dataclass
class PostgresServer:
    """One running server; `create_database()` gives each test an empty database of its own."""

    bin_dir: Path
    root: Path
    user: pwd.struct_passwd | None
    port: int = 0
    startup_s: float = 0.0
    log_file: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_file = self.root / "server.log"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float) -> subprocess.CompletedProcess:
        """A PostgreSQL tool, as the server's user; output captured for the error message."""
        owner = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []} if self.user else {}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "HOME": str(self.root)}
        return subprocess.run([str(self.bin_dir / args[0]), *args[1:]], capture_output=True, text=True,
                              timeout=timeout, env=env, cwd=self.root, check=False, **owner)

    def _log_tail(self, lines: int = 20) -> str:
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def start(self) -> None:
        """initdb, then pg_ctl start on a free loopback port (a taken port is retried twice)."""
        began = time.perf_counter()
        done = self._run("initdb", "-D", str(self.data_dir), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                         "--locale=C", "--no-sync", timeout=120)
        if done.returncode != 0:
            raise PostgresUnavailable(f"initdb failed ({done.returncode}): {(done.stderr or done.stdout)[-1500:]}")
        for _attempt in range(3):
            self.port = free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c timezone={SERVER_TIMEZONE} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            try:
                done = self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options,
                                 "-w", "-t", str(START_TIMEOUT_S), "start", timeout=START_TIMEOUT_S + 15)
            except subprocess.TimeoutExpired:
                raise PostgresUnavailable(f"PostgreSQL did not start in {START_TIMEOUT_S}s; its log:\n"
                                          f"{self._log_tail()}") from None
            if done.returncode == 0:
                self.startup_s = time.perf_counter() - began
                return
            if "could not bind" not in self._log_tail():
                break
        raise PostgresUnavailable(f"pg_ctl start failed ({done.returncode}): {done.stderr.strip()}\n"
                                  f"server log:\n{self._log_tail()}")

    def stop(self) -> None:
        """Stop the server (fast, then immediate) and delete its files."""
        if (self.data_dir / "postmaster.pid").exists():
            for mode in ("fast", "immediate"):
                try:
                    if self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "-t", "20", "stop",
                                 timeout=30).returncode == 0:
                        break
                except subprocess.TimeoutExpired:
                    continue
        shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"deckchat_{next(_database_numbers)}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def start_server() -> PostgresServer:
    """Start a server, or raise PostgresUnavailable saying why and what to install."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise PostgresUnavailable("the psycopg driver is not installed: .venv/bin/pip install -r requirements.txt "
                                  "-c constraints.txt") from None
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(f"no PostgreSQL server binaries (initdb, pg_ctl, postgres) found: {INSTALL_HINT}")
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="deckchat-pg-"))
    if user:
        os.chown(root, user.pw_uid, user.pw_gid)
    server = PostgresServer(bin_dir, root, user)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server

