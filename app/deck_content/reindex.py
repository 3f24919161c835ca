"""Re-indexing a deck in the background from the admin: the same pipeline and gate as `flask ingest`,
run in a thread of the serving process (which has the embedder loaded already), one deck at a time, with
its progress kept for the page to show. Readers are answered from the old index until the new one is
swapped in; a failed or rejected build leaves it serving.

The progress lives in this process (one worker is the design); the outcome goes into the change record,
which every instance reads."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the pipeline (and its parsers) loads when a build runs, not when the page asks how it goes
    from app.deck_content.changes import DeckChanges
    from ingest.pipeline import DeckIngester, Progress

log = logging.getLogger(__name__)

# Makes the ingester a run uses: (progress callback, force past the gate).
IngesterFactory = Callable[["Progress", bool], "DeckIngester"]
FINISHED = ("built", "unchanged", "failed", "rejected")


@dataclass
class ReindexJob:
    deck: str
    who: str
    force: bool = False
    state: str = "queued"  # queued, running, then one of FINISHED
    stage: str = ""  # the pipeline's: reading, embedding, pictures, checking
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.time)
    finished: float | None = None
    again: bool = False  # asked for again while running: it runs once more with what the folder holds then
    report: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class Reindexer:
    def __init__(self, content_dir: Path, make_ingester: IngesterFactory, changes: DeckChanges):
        self.content_dir = content_dir
        self.make_ingester = make_ingester
        self.changes = changes
        self._jobs: dict[str, ReindexJob] = {}
        self._jobs_lock = threading.Lock()
        self._one_at_a_time = threading.Lock()  # two builds at once would share two cores with the readers

    def status(self, deck: str) -> ReindexJob | None:
        return self._jobs.get(deck)

    def start(self, deck: str, who: str, force: bool = False) -> ReindexJob:
        """Start a re-index, or ask the one running to run again once it ends (it would miss a later change)."""
        with self._jobs_lock:
            job = self._jobs.get(deck)
            if job and job.state in ("queued", "running"):
                job.again, job.force = True, job.force or force
                return job
            job = self._jobs[deck] = ReindexJob(deck, who, force)
        threading.Thread(target=self._run, args=(job,), name=f"reindex-{deck}", daemon=True).start()
        self._record(job, "reindex", "re-index started" + (" (past the gate)" if force else ""))
        return job

    def _run(self, job: ReindexJob) -> None:
        with self._one_at_a_time:
            job.state = "running"
            while True:
                state, report = self._build(job)
                self._record(job, f"index {state}", report["summary"])
                # The outcome and another round are decided under the lock start() takes: a change asked
                # for now is either in the next round or starts a job of its own, never lost.
                with self._jobs_lock:
                    if not job.again:
                        job.state, job.report, job.finished = state, report, time.time()
                        return
                    job.again, job.report = False, report

    def _build(self, job: ReindexJob) -> tuple[str, dict]:
        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, done, total

        try:
            report = self.make_ingester(progress, job.force).ingest(job.deck, self.content_dir / job.deck)
        except Exception as exc:  # the serving process stays up, and the owner is told
            log.exception("re-index of %s failed", job.deck)
            return "failed", {"status": "failed", "summary": f"failed: {type(exc).__name__}: {exc}; the previous "
                              f"index keeps serving (run `flask ingest --deck {job.deck}` to see more)"}
        return report.status, report.to_dict()

    def _record(self, job: ReindexJob, action: str, detail: str) -> None:
        try:
            self.changes.record(job.deck, job.who, action, detail)
        except Exception:  # the log's database away: the build goes on, the server log keeps the record
            log.exception("deck %s: change not recorded: %s %s", job.deck, action, detail)
