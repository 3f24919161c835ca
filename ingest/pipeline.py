"""Ingest one deck folder: load, chunk, embed, and swap in a new index when all went well."""

from __future__ import annotations

import logging
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from collections.abc import Callable
from typing import Protocol

import numpy as np
from tqdm import tqdm

from ingest.boilerplate import without_boilerplate
from ingest.chunk import Chunk
from ingest.chunking import PageChunker
from ingest.content import EVAL_QUESTIONS, deck_files
from ingest.freshness import build_settings, file_hashes, manifest_settings, same_settings, unchanged
from ingest.report import DeckReport, FileReport
from ingest.embedding import Embedder
from ingest.file_check import FileRefused, IngestLimits, readable_file
from ingest.isolation import IsolatedLoader
from ingest.page_images import render_deck_pages
from ingest.store import (IndexNotBuilt, deck_lock, deck_path, discard_build, load_deck_index, publish_build, read_manifest,
                          stage_build)

log = logging.getLogger(__name__)

@dataclass
class GateVerdict:
    """Whether a staged build may replace the serving one, and the figures that decided it."""

    passed: bool
    summary: str
    figures: dict = field(default_factory=dict)


class ReindexGate(Protocol):
    """Judges a staged build against the serving one (None when there is none) before the swap."""

    def check(self, deck: str, questions: Path, staged: Path, current: Path | None) -> GateVerdict: ...


# Called as work goes on: (stage, done, total), stage one of "reading" (files), "embedding" (chunks),
# "pictures" and "checking" (the gate); for a page that shows a background re-index.
Progress = Callable[[str, int, int], None]


class DeckIngester:
    """Builds a deck's index from a folder of documents, re-embedding only what changed."""

    def __init__(self, index_dir: Path, embedder: Embedder, chunker: PageChunker,
                 progress: bool | None = None, limits: IngestLimits | None = None,
                 gate: ReindexGate | None = None, on_progress: Progress | None = None):
        self.index_dir = index_dir
        self.on_progress = on_progress or (lambda stage, done, total: None)
        self.gate = gate
        self.embedder = embedder
        self.chunker = chunker
        self.limits = limits or IngestLimits()
        # Bars on a terminal; CI logs get the per-file lines of the report instead.
        self.progress = sys.stderr.isatty() if progress is None else progress

    def ingest(self, deck: str, source: Path, rebuild: bool = False) -> DeckReport:
        """Index `source` as `deck`; the previous index keeps serving unless this succeeds."""
        with deck_lock(self.index_dir, deck):  # another process's build of the deck goes first
            return self._ingest(deck, source, rebuild)

    def _ingest(self, deck: str, source: Path, rebuild: bool) -> DeckReport:
        started = time.perf_counter()
        settings = build_settings(self.embedder.model_id, self.chunker.settings)
        dimension = self.embedder.dimension
        files = deck_files(source)
        hashes = file_hashes(source)
        if not rebuild and (report := unchanged(self.index_dir, deck, hashes, settings, dimension)) is not None:
            return report
        previous = None if rebuild else read_manifest(self.index_dir, deck)
        report = DeckReport(deck, "built")
        if previous and not same_settings(previous, settings, dimension):
            report.message = ("embedder, chunk, text or page settings changed since the last build "
                              f"({previous.get('embedder', {}).get('id')}, {previous.get('chunking')}): "
                              "rebuilding every file")
            previous = None
        reusable = self._reusable(deck, previous, hashes)
        per_file: list[tuple[list[Chunk], np.ndarray | Future | None]] = []
        # The next file is parsed (in the loader's child process) while this one's chunks are embedded.
        with IsolatedLoader(self.limits.file_timeout_s) as loader, ThreadPoolExecutor(1) as embedding:
            for number, path in enumerate(tqdm(files, desc=f"{deck}: files", unit="file",
                                               disable=not self.progress), 1):
                if path.name in reusable:
                    file_report, chunks, vectors = reusable[path.name]
                else:
                    file_report, chunks = self._load_and_chunk(deck, path, loader)
                    vectors = embedding.submit(self._embed, f"{deck}: {path.name}", chunks) if chunks else None
                report.files.append(file_report)
                per_file.append((chunks, vectors))
                self.on_progress("reading", number, len(files))
                if not self.progress:  # no terminal (CI, a log file): one plain line per file
                    log.info("%s: [%d/%d] %s: %s", deck, number, len(files), path.name,
                             f"skipped ({file_report.skipped})" if file_report.skipped else
                             f"{file_report.pages} pages, {file_report.chunks} chunks"
                             + (" (unchanged)" if file_report.reused else ""))
        chunks = [c for file_chunks, _ in per_file for c in file_chunks]
        if not chunks:
            report.status, report.error = "failed", "no readable text in any file; index not changed"
            return report
        vectors = np.vstack([v.result() if isinstance(v, Future) else v for c, v in per_file if c])
        manifest = {
            **manifest_settings(settings, self.embedder.dimension),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": [{"name": f.name, "sha256": hashes[f.name], "pages": f.pages, "chunks": f.chunks}
                      for f in report.files if not f.skipped],
            "skipped": [{"name": f.name, "sha256": hashes[f.name], "reason": f.skipped}
                        for f in report.files if f.skipped],
        }
        try:
            build = stage_build(self.index_dir, deck, chunks, vectors, manifest)  # removes itself on failure
        # Disk full, quota, permissions (faiss reports a failed write as RuntimeError): nothing served changed.
        except (OSError, RuntimeError) as exc:
            report.status = "failed"
            report.error = (f"could not write the new index ({getattr(exc, 'strerror', None) or exc}): free space "
                            f"or fix access in {self.index_dir} and run `flask ingest` again; the previous index "
                            "keeps serving")
            report.seconds = time.perf_counter() - started
            return report
        report.chunk_count = len(chunks)
        self.on_progress("pictures", 0, 1)
        # Unchanged files keep the serving build's pictures (file numbers are positions in each manifest).
        unchanged_files = {f["name"]: n for n, f in enumerate(previous["files"])
                           if hashes.get(f["name"]) == f["sha256"]} if previous else {}
        serving = deck_path(self.index_dir, deck).resolve() if unchanged_files else None
        render_deck_pages(source, [f["name"] for f in manifest["files"]], build, serving, unchanged_files)
        if self.gate and (source / EVAL_QUESTIONS).is_file():
            current = deck_path(self.index_dir, deck)
            self.on_progress("checking", 0, 1)
            verdict = self.gate.check(deck, source / EVAL_QUESTIONS, build,
                                      current.resolve() if current.exists() else None)
            report.gate = {"passed": verdict.passed, "summary": verdict.summary, **verdict.figures}
            if not verdict.passed:
                discard_build(build)
                report.status, report.error = "rejected", verdict.summary
                report.seconds = time.perf_counter() - started
                return report
        publish_build(self.index_dir, deck, build)
        report.seconds = time.perf_counter() - started
        return report

    def _reusable(self, deck: str, manifest: dict | None, hashes: dict[str, str]) -> dict:
        """Chunks and vectors of files unchanged since the last build, taken from its index."""
        if not manifest:
            return {}
        unchanged = {f["name"]: f for f in manifest.get("files", []) if hashes.get(f["name"]) == f["sha256"]}
        reuse = {f["name"]: (FileReport(f["name"], skipped=f["reason"], reused=True), [], None)
                 for f in manifest.get("skipped", []) if hashes.get(f["name"]) == f["sha256"]}
        if unchanged:
            try:
                index = load_deck_index(self.index_dir, deck)
            except IndexNotBuilt:  # damaged: every file is read and embedded again
                return {}
            vectors = index.faiss_index.reconstruct_n(0, index.faiss_index.ntotal)
            rows: dict[str, list[int]] = {}
            for row, chunk in enumerate(index.chunks):
                rows.setdefault(chunk.doc, []).append(row)
            for name, entry in unchanged.items():
                picked = rows.get(name, [])
                reuse[name] = (FileReport(name, entry["pages"], len(picked), reused=True),
                               [index.chunks[i] for i in picked], vectors[picked])
        return reuse

    def _load_and_chunk(self, deck: str, path: Path, loader: IsolatedLoader) -> tuple[FileReport, list[Chunk]]:
        started = time.perf_counter()
        report = FileReport(path.name)
        try:
            loaded = readable_file(path, self.limits, loader)
        except FileRefused as exc:
            report.skipped = str(exc)
            return report, []
        report.notes = loaded.notes
        pages, dropped = without_boilerplate(loaded.pages)
        if dropped:
            report.notes.append(f"{dropped} line(s) left out of the index (running headers, footers, page numbers "
                                "repeated on most pages; bare object ids)")
        chunks = self.chunker.chunk(deck, pages)
        report.pages, report.chunks = len(loaded.pages), len(chunks)
        report.seconds = time.perf_counter() - started
        return report, chunks

    def _embed(self, what: str, chunks: list[Chunk]) -> np.ndarray:
        """One file's chunks embedded (in the embedding thread), with a progress bar of its own."""
        batch = 64
        parts = []
        with tqdm(total=len(chunks), desc=f"{what}: chunks", unit="chunk", disable=not self.progress) as bar:
            for start in range(0, len(chunks), batch):
                parts.append(self.embedder.embed([c.text for c in chunks[start:start + batch]]))
                bar.update(len(parts[-1]))
                done = start + len(parts[-1])
                self.on_progress("embedding", done, len(chunks))
                if not self.progress and (len(parts) % 16 == 0 or done == len(chunks)):
                    log.info("%s: embedded %d/%d chunks", what, done, len(chunks))
        return np.vstack(parts)
