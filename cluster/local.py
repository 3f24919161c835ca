"""The whole cluster on one machine's loopback: PostgreSQL for the log, Redis for what instances share,
llama_cpp.server for the model, N DeckChat instances on one shared index, nginx in front.

Started in dependency order and stopped in reverse, every server's files under one folder. It is what
`make cluster` runs, what the cluster test checks and what `bench/load.py --cluster` measures.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from app.config import REPO_ROOT
from cluster.app_instance import AppInstance, clean_environment, start_instance
from cluster.model_server import CONTEXT_TOKENS, ModelServer, start_model_server
from cluster.nginx import Nginx, start_nginx
from cluster.postgres import PostgresServer, start_server
from cluster.redis import RedisServer, start_redis


class LocalCluster:
    def __init__(self, root: Path, instances: int = 2, content_dir: Path | None = None,
                 index_dir: Path | None = None, settings: dict[str, str] | None = None, threads: int = 8,
                 model_threads: int = 2, port: int | None = None):
        self.root, self.size, self.threads, self.model_threads = root, instances, threads, model_threads
        self.port = port  # nginx's; a free one by default
        self.content_dir = content_dir or REPO_ROOT / "content"
        self.index_dir = index_dir or root / "index_store"
        self.settings = settings or {}  # more DECKCHAT_* settings, the same for every instance
        self.secret_key = secrets.token_hex(32)  # one key: an admin login is valid on every instance
        self.postgres: PostgresServer | None = None
        self.redis: RedisServer | None = None
        self.model: ModelServer | None = None
        self.instances: list[AppInstance] = []
        self.nginx: Nginx | None = None
        self.database_url = ""
        self._stack = ExitStack()

    # Every instance and `flask ingest` see the same settings but for their own instance folder.
    def environment(self, number: int | None = None) -> dict[str, str]:
        folder = self.root / (f"instance-{number}" if number is not None else "ingest")
        folder.mkdir(parents=True, exist_ok=True)
        return clean_environment() | {
            "FLASK_APP": "wsgi",
            "DATABASE_URL": self.database_url,
            "DECKCHAT_REDIS_URL": self.redis.url,
            "DECKCHAT_BACKEND": "openai",
            "DECKCHAT_OPENAI_BASE_URL": self.model.base_url,
            "DECKCHAT_OPENAI_MODEL": self.model.alias,
            "DECKCHAT_OPENAI_CONTEXT_TOKENS": str(CONTEXT_TOKENS),
            "DECKCHAT_INDEX_DIR": str(self.index_dir),
            "DECKCHAT_CONTENT_DIR": str(self.content_dir),
            "DECKCHAT_INSTANCE_DIR": str(folder),
            "DECKCHAT_SECRET_KEY": self.secret_key,
            "DECKCHAT_PROXY_HOPS": "1",  # nginx in front: the reader's address comes from X-Forwarded-For
            "DECKCHAT_PRELOAD_MODEL": "1",  # the embedder and each deck loaded before the first reader
        } | self.settings

    def flask(self, *args: str, timeout_s: float = 600) -> subprocess.CompletedProcess:
        """A `flask` command (ingest, db upgrade, ...) on the cluster's index, content and log."""
        return subprocess.run([sys.executable, "-m", "flask", *args], cwd=REPO_ROOT, env=self.environment(),
                              capture_output=True, text=True, timeout=timeout_s, check=False)

    def ingest(self, *args: str) -> subprocess.CompletedProcess:
        done = self.flask("ingest", *args)
        if done.returncode != 0:
            raise RuntimeError(f"flask ingest failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
        return done

    def __enter__(self) -> LocalCluster:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.postgres = start_server()
            self._stack.callback(self.postgres.stop)
            self.database_url = self.postgres.create_database()
            self.redis = start_redis()
            self._stack.callback(self.redis.stop)
            self.model = start_model_server(self.root / "model-server.log", threads=self.model_threads)
            self._stack.callback(self.model.stop)
            migrated = self.flask("db", "upgrade")  # once, before the instances (they would wait on its lock)
            if migrated.returncode != 0:
                raise RuntimeError(f"flask db upgrade failed:\n{migrated.stderr[-3000:]}")
            self.ingest()
            with ThreadPoolExecutor(self.size) as starting:  # each loads its embedder: together, not in turn
                self.instances = list(starting.map(self._start_instance, range(self.size)))
            self.nginx = start_nginx(self.root / "nginx", [i.address for i in self.instances], self.port)
            self._stack.callback(self.nginx.stop)
        except BaseException:
            self._stack.close()
            raise
        return self

    def _start_instance(self, number: int) -> AppInstance:
        environment = self.environment(number)
        instance = start_instance(environment, Path(environment["DECKCHAT_INSTANCE_DIR"]) / "gunicorn.log",
                                  threads=self.threads)
        self._stack.callback(instance.stop)
        return instance

    def __exit__(self, *exc) -> None:
        self._stack.close()

    @property
    def base_url(self) -> str:
        return self.nginx.base_url
