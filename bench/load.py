"""Load: N simulated readers at once against the real server (gunicorn, one worker, gthread).

    .venv/bin/python bench/load.py [--readers 1,2,4,8,16] [--questions 3] [--url http://127.0.0.1:8000]

Without --url it ingests the sample deck into a temporary folder and starts its own gunicorn on a
loopback port (the Makefile's settings: 8 threads, DECKCHAT_QUEUE_WAITING=4, the embedded model on
llama.cpp), with rate limits off: every simulated reader comes from 127.0.0.1, which the per-address
limit would otherwise count as one reader. Each reader, in its own session, asks --questions
questions from the sample deck's question set through the streaming API, one after the other.

Per N: answers per second, p50/p95 time to first token and to the full answer, queue rejections
(503 + Retry-After), other errors, and whether every completed turn is in the log exactly once.
Ratios are against N=1 in the same run. The last line names the highest N whose p95 time to first
token stays under 10 s with every question answered, and counting only the answered ones (the
bounded queue keeps waits short by turning readers away).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app.config import REPO_ROOT  # noqa: E402

TTFT_TARGET_S = 10.0
QUESTIONS = REPO_ROOT / "tests" / "data" / "example_qa.jsonl"


@dataclass
class Outcome:
    status: str  # "answered", "rejected" (queue full), "error"
    ttft_s: float | None = None
    total_s: float | None = None
    message_id: int | None = None


@dataclass
class Level:
    readers: int
    outcomes: list[Outcome] = field(default_factory=list)
    wall_s: float = 0.0


def ask(base: str, question: str, session_id: str) -> Outcome:
    """One question through /api/chat/stream, timed as a reader sees it."""
    started = time.perf_counter()
    try:
        with requests.post(f"{base}/api/chat/stream", json={"deck": "example", "question": question,
                                                             "session_id": session_id},
                           stream=True, timeout=300) as response:
            if response.status_code == 503 and response.headers.get("Retry-After"):
                return Outcome("rejected")
            if response.status_code != 200:
                return Outcome("error")
            first, event = None, ""
            for line in response.iter_lines(decode_unicode=True):
                if line.startswith("event: "):
                    event = line.removeprefix("event: ")
                    if event in ("token", "done") and first is None:
                        first = time.perf_counter() - started  # a refusal's first words come with done
                elif line.startswith("data: ") and event == "done":
                    done = json.loads(line.removeprefix("data: "))
                    return Outcome("answered", first, time.perf_counter() - started, done["message_id"])
                elif line.startswith("data: ") and event == "error":
                    return Outcome("error")
    except requests.RequestException:
        return Outcome("error")
    return Outcome("error")


def run_level(base: str, readers: int, questions: list[str], per_reader: int) -> Level:
    level = Level(readers)
    lock = threading.Lock()

    def reader(number: int) -> None:
        session = f"load-n{readers}-r{number}-{int(time.time() * 1000)}"  # logged_exactly_once finds them by prefix
        for i in range(per_reader):
            outcome = ask(base, questions[(number * per_reader + i) % len(questions)], session)
            with lock:
                level.outcomes.append(outcome)

    started = time.perf_counter()
    with ThreadPoolExecutor(readers) as pool:
        list(pool.map(reader, range(readers)))
    level.wall_s = time.perf_counter() - started
    return level


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def logged_exactly_once(database: Path, level: Level) -> str:
    """Each answered question is one completed row of its session, and no question has two rows."""
    answered = [o for o in level.outcomes if o.status == "answered"]
    if not database.is_file():
        return "n/a (remote server)"
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT id, session_id, question, error FROM turn WHERE session_id LIKE ?",
                          (f"load-n{level.readers}-r%",)).fetchall()
    answered_ids = {o.message_id for o in answered}
    complete = {r[0] for r in rows if r[3] is None} & answered_ids
    extra = [r for r in rows if r[0] not in answered_ids]  # a second row for a question, or one left interrupted
    if len(complete) == len(answered) == len(answered_ids) and not extra:
        return "yes"
    return f"NO ({len(answered) - len(complete)} missing, {len(extra)} extra)"


def start_server(stack: ExitStack) -> tuple[str, Path]:
    from ingest.chunking import PageChunker
    from ingest.embedding import SentenceTransformerEmbedder
    from ingest.pipeline import DeckIngester
    from tests.live_server import gunicorn  # the test suite's launcher: same flags as `make serve`

    instance = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="deckchat-load-")))
    embedder = SentenceTransformerEmbedder()
    ingester = DeckIngester(instance / "index_store", embedder, PageChunker(embedder.token_ids, 256, 32),
                            progress=False)
    assert ingester.ingest("example", REPO_ROOT / "content" / "example").ok
    env = {"DECKCHAT_RATE_LIMIT_ADDRESS": "0", "DECKCHAT_RATE_LIMIT_SESSION": "0", "DECKCHAT_RATE_LIMIT_OTHER": "0"}
    base = stack.enter_context(gunicorn(instance, instance / "index_store", env, threads=8))
    return base, instance / "deckchat.sqlite3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", default="1,2,4,8,16", help="comma-separated reader counts, run in turn")
    parser.add_argument("--questions", type=int, default=3, help="questions each reader asks")
    parser.add_argument("--url", help="an already running server (its log is not checked)")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]
    with ExitStack() as stack:
        base, database = (args.url.rstrip("/"), Path("/nonexistent")) if args.url else start_server(stack)
        ask(base, questions[0], "load-warm-up")  # the model loaded and warm before timing
        print(f"{'N':>3} {'answers':>7} {'ans/s':>6} {'ttft p50':>8} {'ttft p95':>8} {'full p50':>8} "
              f"{'full p95':>8} {'rejected':>8} {'errors':>6} {'logged once':>11} {'p95 ttft/N=1':>12}")
        baseline, best, best_unrefused = None, 0, 0
        for readers in [int(n) for n in args.readers.split(",")]:
            level = run_level(base, readers, questions, args.questions)
            answered = [o for o in level.outcomes if o.status == "answered"]
            ttft = [o.ttft_s for o in answered if o.ttft_s is not None]
            full = [o.total_s for o in answered]
            p95 = pct(ttft, 0.95)
            baseline = baseline or p95
            print(f"{readers:>3} {len(answered):>7} {len(answered) / level.wall_s:>6.2f} {pct(ttft, 0.5):>8.2f} "
                  f"{p95:>8.2f} {pct(full, 0.5):>8.2f} {pct(full, 0.95):>8.2f} "
                  f"{sum(o.status == 'rejected' for o in level.outcomes):>8} "
                  f"{sum(o.status == 'error' for o in level.outcomes):>6} {logged_exactly_once(database, level):>11} "
                  f"{p95 / baseline:>12.2f}", flush=True)
            if p95 < TTFT_TARGET_S and answered:
                best = readers
                if not any(o.status != "answered" for o in level.outcomes):
                    best_unrefused = readers
        # The queue keeps waits bounded by turning readers away (503): both ceilings matter.
        print(f"highest N with p95 time to first token under {TTFT_TARGET_S:.0f} s and every question answered: "
              f"{best_unrefused or 'none'}; counting only those answered: {best or 'none'}")


if __name__ == "__main__":
    main()
