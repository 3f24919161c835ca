"""A second start with nothing changed: how long `flask ingest` and the server take until /api/health answers.

    .venv/bin/python bench/restart.py [--runs 3]

In a temporary instance holding the sample deck (built once first), each step runs in a fresh process
as `make run` runs it: `flask ingest` with nothing changed, then gunicorn (one worker, the Makefile's
threads, DECKCHAT_PRELOAD_MODEL=1) until GET /api/health answers. The baseline, measured in the same
run, is what the no-change ingest paid before it decided from the manifest and hashes alone: the app
with its embedder and the log's migrations loaded, then the ingester finding nothing to do. Target
(issue 17): the two steps together within 5 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BASELINE = ("from app import create_app\nfrom app.ingest_cli import make_ingester\nfrom pathlib import Path\n"
            "app = create_app()\nservices = app.extensions['deckchat']\nservices.log\n"
            "ingester = make_ingester(app.config, services.embedder)\n"
            "assert ingester.ingest('example', Path(app.config['CONTENT_DIR']) / 'example').status == 'unchanged'")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed(argv: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def server_until_health(env: dict) -> float:
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([str(BIN / "gunicorn"), "-w", "1", "-k", "gthread", "--threads", "8", "-b",
                               f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env={**env, "DECKCHAT_PRELOAD_MODEL": "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.02)
            if server.poll() is not None:
                raise SystemExit("gunicorn stopped before /api/health answered")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "content" / "example", Path(tmp) / "content" / "example")
        env = {**os.environ, "FLASK_APP": "wsgi", "HF_HUB_OFFLINE": "1", "DECKCHAT_INSTANCE_DIR": tmp,
               "DECKCHAT_CONTENT_DIR": f"{tmp}/content", "DECKCHAT_INDEX_DIR": f"{tmp}/index_store",
               "DECKCHAT_DATABASE_URL": f"sqlite:///{tmp}/log.sqlite3"}
        first = timed([str(BIN / "flask"), "ingest"], env)
        print(f"{'first flask ingest (builds the sample deck)':52} {first:6.2f} s")
        baseline = statistics.median(timed([sys.executable, "-c", BASELINE], env) for _ in range(args.runs))
        ingest = statistics.median(timed([str(BIN / "flask"), "ingest"], env) for _ in range(args.runs))
        serve = statistics.median(server_until_health(env) for _ in range(args.runs))
        print(f"{'baseline: no-change ingest with embedder and log':52} {baseline:6.2f} s")
        print(f"{'flask ingest, nothing changed':52} {ingest:6.2f} s  ({ingest / baseline:.2f} x baseline)")
        print(f"{'gunicorn until /api/health answers':52} {serve:6.2f} s")
        print(f"{'second start, both steps (target 5 s)':52} {ingest + serve:6.2f} s")


if __name__ == "__main__":
    main()
