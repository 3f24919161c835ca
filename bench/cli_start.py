"""How long `flask` commands that need no model take, against the command that loads the answer path.

    .venv/bin/python bench/cli_start.py [--runs 5]

Each command runs in a fresh process (as an operator types it) with FLASK_APP=wsgi; the median wall
time of --runs is printed with its ratio to a baseline measured in the same run: building the app and
loading what every command used to load before the app's parts started lazily (the embedder, the
retriever and the log's migrations). Target: under 1 s for the commands that need none of them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).with_name("flask"))
COMMANDS = [["--help"], ["admin", "set-password", "--help"], ["config"], ["logs", "--help"], ["db", "upgrade"]]
# What every command paid before the app's parts started lazily: the embedder, the retriever and the log.
BASELINE = ("from app import create_app\napp = create_app()\nservices = app.extensions['deckchat']\n"
            "services.embedder, services.retriever, services.log")


def seconds(argv: list[str], env: dict, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FLASK_APP": "wsgi", "HF_HUB_OFFLINE": "1", "DECKCHAT_INSTANCE_DIR": tmp,
               "DECKCHAT_DATABASE_URL": f"sqlite:///{tmp}/log.sqlite3"}
        baseline = seconds([sys.executable, "-c", BASELINE], env, args.runs)
        print(f"{'baseline: app with embedder, retriever and log loaded':58} {baseline:6.2f} s")
        for command in COMMANDS:
            took = seconds([FLASK, *command], env, args.runs)
            print(f"{'flask ' + ' '.join(command):58} {took:6.2f} s  ({took / baseline:.2f} x baseline)")


if __name__ == "__main__":
    main()
