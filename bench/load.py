"""Load: N simulated readers at once against the real server, one instance or a cluster of them.

    .venv/bin/python bench/load.py [--readers 1,2,4,8,16] [--questions 3] [--url http://127.0.0.1:8000]
    .venv/bin/python bench/load.py --cluster 1,2,4 [--readers 8] [--write-answers]

Without --url or --cluster it ingests the sample deck into a temporary folder and starts its own
gunicorn on a loopback port (the Makefile's settings: 8 threads, DECKCHAT_QUEUE_WAITING=4, the
embedded model in the process). With --cluster it starts the local cluster (cluster/local.py: nginx,
PostgreSQL, Redis, llama_cpp.server on the embedded model) once per instance count, asks through
nginx, and then the single embedded instance in the same run for comparison. Rate limits are off:
every simulated reader comes from 127.0.0.1, which the per-address limit would count as one reader.
Each reader, in its own session, asks --questions questions from the sample deck's question set
through the streaming API, one after the other. By default answers are decided from the documents as
they are for readers (the model is asked only with DECKCHAT_WRITE_ANSWERS=1: --write-answers).

Per N: answers per second, p50/p95 time to first token and to the full answer, queue rejections
(503 + Retry-After), other errors, and whether every completed turn is in the log exactly once.
Ratios are against N=1 (or the one-instance cluster) in the same run. The last line names the
highest N whose p95 time to first token stays under 10 s with every question answered, and counting
only the answered ones (the bounded queue keeps waits short by turning readers away).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
    tag: str = ""  # which server in a run of several (their sessions must not mix in one log)
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


def run_level(base: str, readers: int, questions: list[str], per_reader: int, tag: str = "") -> Level:
    level = Level(readers, tag)
    lock = threading.Lock()

    def reader(number: int) -> None:
        session = f"load-{level.tag}n{readers}-r{number}-{int(time.time() * 1000)}"  # logged_exactly_once finds them by prefix
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


def logged_exactly_once(database_url: str | None, level: Level) -> str:
    """Each answered question is one completed row of its session, and no question has two rows."""
    from sqlalchemy import create_engine, text

    answered = [o for o in level.outcomes if o.status == "answered"]
    if not database_url:
        return "n/a (remote server)"
    engine = create_engine(database_url)
    try:
        with engine.connect() as db:
            rows = db.execute(text("SELECT id, session_id, question, error FROM turn WHERE session_id LIKE :p"),
                              {"p": f"load-{level.tag}n{level.readers}-r%"}).all()
    finally:
        engine.dispose()
    answered_ids = {o.message_id for o in answered}
    complete = {r[0] for r in rows if r[3] is None} & answered_ids
    extra = [r for r in rows if r[0] not in answered_ids]  # a second row for a question, or one left interrupted
    if len(complete) == len(answered) == len(answered_ids) and not extra:
        return "yes"
    return f"NO ({len(answered) - len(complete)} missing, {len(extra)} extra)"


NO_LIMITS = {"DECKCHAT_RATE_LIMIT_ADDRESS": "0", "DECKCHAT_RATE_LIMIT_SESSION": "0", "DECKCHAT_RATE_LIMIT_OTHER": "0"}


def start_server(stack: ExitStack, settings: dict[str, str]) -> tuple[str, str]:
    """One instance with the embedded model in its process, on a fresh index of the sample deck."""
    from ingest.chunking import PageChunker
    from ingest.embedding import SentenceTransformerEmbedder
    from ingest.pipeline import DeckIngester
    from tests.live_server import gunicorn  # the test suite's launcher: same flags as `make serve`

    instance = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="deckchat-load-")))
    embedder = SentenceTransformerEmbedder()
    ingester = DeckIngester(instance / "index_store", embedder, PageChunker(embedder.token_ids, 256, 32),
                            progress=False)
    assert ingester.ingest("example", REPO_ROOT / "content" / "example").ok
    base = stack.enter_context(gunicorn(instance, instance / "index_store", NO_LIMITS | settings, threads=8))
    return base, f"sqlite:///{instance / 'deckchat.sqlite3'}"


def start_cluster(stack: ExitStack, instances: int, settings: dict[str, str]) -> tuple[str, str]:
    from cluster.local import LocalCluster

    root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="deckchat-load-cluster-")))
    content = root / "content"
    shutil.copytree(REPO_ROOT / "content" / "example", content / "example")
    cluster = stack.enter_context(LocalCluster(root, instances, content_dir=content, settings=NO_LIMITS | settings))
    return cluster.base_url, cluster.database_url


HEADER = (f"{'server':>18} {'N':>3} {'answers':>7} {'ans/s':>6} {'ttft p50':>8} {'ttft p95':>8} {'full p50':>8} "
          f"{'full p95':>8} {'rejected':>8} {'errors':>6} {'logged once':>11} {'ratio':>16}")


def report(server: str, level: Level, database_url: str | None, baseline: Level | None) -> None:
    answered = [o for o in level.outcomes if o.status == "answered"]
    ttft = [o.ttft_s for o in answered if o.ttft_s is not None]
    full = [o.total_s for o in answered]
    ratio = ""
    if baseline is not None and baseline is not level:
        rate = len(answered) / level.wall_s
        base_answered = [o for o in baseline.outcomes if o.status == "answered"]
        base_ttft = [o.ttft_s for o in base_answered if o.ttft_s is not None]
        ratio = (f"{rate / (len(base_answered) / baseline.wall_s):.2f}x ans/s, "
                 f"{pct(ttft, 0.95) / pct(base_ttft, 0.95):.2f}x p95")
    print(f"{server:>18} {level.readers:>3} {len(answered):>7} {len(answered) / level.wall_s:>6.2f} "
          f"{pct(ttft, 0.5):>8.2f} {pct(ttft, 0.95):>8.2f} {pct(full, 0.5):>8.2f} {pct(full, 0.95):>8.2f} "
          f"{sum(o.status == 'rejected' for o in level.outcomes):>8} {sum(o.status == 'error' for o in level.outcomes):>6} "
          f"{logged_exactly_once(database_url, level):>11} {ratio:>16}", flush=True)


def one_server(args, questions: list[str], settings: dict[str, str]) -> None:
    with ExitStack() as stack:
        base, database = (args.url.rstrip("/"), None) if args.url else start_server(stack, settings)
        ask(base, questions[0], "load-warm-up")  # the model loaded and warm before timing
        print(HEADER)
        baseline, best, best_unrefused = None, 0, 0
        for readers in [int(n) for n in args.readers.split(",")]:
            level = run_level(base, readers, questions, args.questions)
            baseline = baseline or level
            report("one instance", level, database, baseline)
            answered = [o for o in level.outcomes if o.status == "answered"]
            if pct([o.ttft_s for o in answered if o.ttft_s is not None], 0.95) < TTFT_TARGET_S and answered:
                best = readers
                if not any(o.status != "answered" for o in level.outcomes):
                    best_unrefused = readers
        # The queue keeps waits bounded by turning readers away (503): both ceilings matter.
        print(f"highest N with p95 time to first token under {TTFT_TARGET_S:.0f} s and every question answered: "
              f"{best_unrefused or 'none'}; counting only those answered: {best or 'none'}")


def clusters(args, questions: list[str], settings: dict[str, str]) -> None:
    """The same readers against clusters of each size, then against one embedded instance."""
    print(HEADER)
    baselines: dict[int, Level] = {}
    runs = [(f"cluster of {n}", n) for n in (int(n) for n in args.cluster.split(","))] + [("embedded, 1", 0)]
    for name, instances in runs:
        with ExitStack() as stack:
            if instances:
                base, database = start_cluster(stack, instances, settings)
            else:
                base, database = start_server(stack, settings)
            for warm in range(max(instances, 1) * 2):  # every instance's first question before timing
                ask(base, questions[warm % len(questions)], f"load-warm-up-{warm}")
            for readers in [int(n) for n in args.readers.split(",")]:
                level = run_level(base, readers, questions, args.questions, tag=f"i{instances}")
                baselines.setdefault(readers, level)
                report(name, level, database, baselines[readers])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", default=None, help="comma-separated reader counts, run in turn "
                        "(default 1,2,4,8,16; 8 with --cluster)")
    parser.add_argument("--questions", type=int, default=3, help="questions each reader asks")
    parser.add_argument("--url", help="an already running server (its log is not checked)")
    parser.add_argument("--cluster", help="comma-separated instance counts (like 1,2,4): a local cluster of each")
    parser.add_argument("--write-answers", action="store_true", help="the model writes answers that ask for no figure")
    args = parser.parse_args()
    args.readers = args.readers or ("8" if args.cluster else "1,2,4,8,16")
    settings = {"DECKCHAT_WRITE_ANSWERS": "1"} if args.write_answers else {}
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]
    if args.cluster:
        clusters(args, questions, settings)
    else:
        one_server(args, questions, settings)


if __name__ == "__main__":
    main()
