"""Ingest one deck folder: load, chunk, embed, and swap in a new index when all went well."""

from __future__ import annotations

import hashlib
import logging
import sys
import time
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
from ingest.embedding import Embedder
from ingest.file_check import FileRefused, IngestLimits, readable_file
from ingest.isolation import IsolatedLoader
from ingest.page_images import render_deck_pages
from ingest.store import IndexNotBuilt, deck_lock, deck_path, discard_build, load_deck_index, publish_build, read_manifest, stage_build

log = logging.getLogger(__name__)

# How loaders and clean-up turn files into text; a build made by an older version is rebuilt whole.
TEXT_VERSION = 2  # 2: repeated lines (running headers) left out; Markdown as text; HTML menus dropped
# What the deck page shows of a build (ingest/page_images.py); an older build is rebuilt to show it.
PAGES_VERSION = 2  # 2: Markdown and HTML sections formatted, PPTX slides as pictures


@dataclass
class FileReport:
    """What happened to one file."""

    name: str
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    skipped: str | None = None  # the reason, when the file was not indexed
    notes: list[str] = field(default_factory=list)  # pages left out, and why
    reused: bool = False  # unchanged since the last build: chunks and vectors taken from it


@dataclass
class DeckReport:
    """What one deck's ingest did; `ok` is False when any file was skipped or nothing was built."""

    deck: str
    status: str  # "built" | "unchanged" | "failed"
    files: list[FileReport] = field(default_factory=list)
    chunk_count: int = 0
    seconds: float = 0.0
    error: str | None = None
    message: str | None = None  # e.g. why everything was rebuilt
    gate: dict | None = None  # the re-index gate's figures, when the deck has questions

    @property
    def ok(self) -> bool:
        return self.status not in ("failed", "rejected") and not any(f.skipped for f in self.files)

    def summary(self) -> str:
        """One line: what was built (or why not), the files skipped, the gate's figures."""
        if self.status in ("failed", "rejected"):
            text = f"{self.status}: {self.error}; the previous index keeps serving"
        elif self.status == "unchanged":
            text = f"nothing changed ({self.chunk_count} chunks)"
        else:
            text = f"built {self.chunk_count} chunks in {self.seconds:.1f} s"
        skipped = [f"{f.name} ({f.skipped})" for f in self.files if f.skipped]
        if skipped:
            text += "; skipped " + ", ".join(skipped)
        if self.gate and self.status != "rejected":
            text += f"; gate: {self.gate['summary']}"
        return text

    def to_dict(self) -> dict:
        """The report as JSON (`flask ingest --json`, the admin's re-index)."""
        return {"deck": self.deck, "status": self.status, "chunks": self.chunk_count,
                "seconds": round(self.seconds, 3), "error": self.error, "message": self.message,
                "gate": self.gate, "files": [vars(f) for f in self.files], "summary": self.summary()}


@dataclass
class GateVerdict:
    """Whether a staged build may replace the serving one, and the figures that decided it."""

    passed: bool
    summary: str
    figures: dict = field(default_factory=dict)


class ReindexGate(Protocol):
    """Judges a staged build against the serving one (None when there is none) before the swap."""

    def check(self, deck: str, questions: Path, staged: Path, current: Path | None) -> GateVerdict: ...


def sha256_file(path: Path) -> str:
    """Content hash recorded in the manifest, to skip unchanged decks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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

    def _settings(self) -> dict:
        return {
            "embedder": {"id": self.embedder.model_id, "dimension": self.embedder.dimension},
            "chunking": self.chunker.settings,
            "text": TEXT_VERSION,
            "pages": PAGES_VERSION,
        }

    def ingest(self, deck: str, source: Path, rebuild: bool = False) -> DeckReport:
        """Index `source` as `deck`; the previous index keeps serving unless this succeeds."""
        with deck_lock(self.index_dir, deck):  # another process's build of the deck goes first
            return self._ingest(deck, source, rebuild)

    def _ingest(self, deck: str, source: Path, rebuild: bool) -> DeckReport:
        started = time.perf_counter()
        files = deck_files(source)
        hashes = {p.name: sha256_file(p) for p in files}
        previous = None if rebuild else read_manifest(self.index_dir, deck)
        report = DeckReport(deck, "built")
        if previous and not self._same_settings(previous):
            report.message = ("embedder, chunk, text or page settings changed since the last build "
                              f"({previous.get('embedder', {}).get('id')}, {previous.get('chunking')}): "
                              "rebuilding every file")
            previous = None
        if previous and self._same_files(previous, hashes) and not self._damaged(deck):
            report.status, report.chunk_count = "unchanged", previous.get("chunk_count", 0)
            report.files = [FileReport(f["name"], skipped=f["reason"]) for f in previous.get("skipped", [])]
            report.seconds = time.perf_counter() - started
            return report
        reusable = self._reusable(deck, previous, hashes)
        per_file: list[tuple[list[Chunk], np.ndarray | None]] = []
        with IsolatedLoader(self.limits.file_timeout_s) as loader:
            for number, path in enumerate(tqdm(files, desc=f"{deck}: files", unit="file",
                                               disable=not self.progress), 1):
                if path.name in reusable:
                    file_report, chunks, vectors = reusable[path.name]
                else:
                    (file_report, chunks), vectors = self._load_and_chunk(deck, path, loader), None
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
        vectors = self._vectors(deck, per_file)
        manifest = {
            **self._settings(),
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
        render_deck_pages(source, [f["name"] for f in manifest["files"]], build)
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

    def _vectors(self, deck: str, per_file: list[tuple[list[Chunk], np.ndarray | None]]) -> np.ndarray:
        """Vectors in chunk order: reused ones as they were, the rest embedded now in one pass."""
        fresh = [c for chunks, vectors in per_file if vectors is None for c in chunks]
        fresh_vectors = self._embed(deck, fresh) if fresh else None
        blocks, offset = [], 0
        for chunks, vectors in per_file:
            if vectors is None and chunks:
                vectors = fresh_vectors[offset:offset + len(chunks)]
                offset += len(chunks)
            if chunks:
                blocks.append(vectors)
        return np.vstack(blocks)

    def _damaged(self, deck: str) -> bool:
        """The serving build cannot be loaded (files deleted or corrupted): rebuild it, do not skip it."""
        try:
            load_deck_index(self.index_dir, deck)
        except IndexNotBuilt as exc:
            log.warning("%s: %s", deck, exc)
            return True
        return False

    def _same_settings(self, manifest: dict) -> bool:
        settings = self._settings()
        return all(manifest.get(key) == value for key, value in settings.items())

    @staticmethod
    def _same_files(manifest: dict, hashes: dict[str, str]) -> bool:
        seen = {f["name"]: f["sha256"] for f in manifest.get("files", []) + manifest.get("skipped", [])}
        return seen == hashes

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
            report.notes.append(f"{dropped} repeated line(s) left out of the index (running headers, footers, "
                                "page numbers)")
        chunks = self.chunker.chunk(deck, pages)
        report.pages, report.chunks = len(loaded.pages), len(chunks)
        report.seconds = time.perf_counter() - started
        return report, chunks

    def _embed(self, deck: str, chunks: list[Chunk]) -> np.ndarray:
        batch = 64
        parts = []
        with tqdm(total=len(chunks), desc=f"{deck}: chunks", unit="chunk", disable=not self.progress) as bar:
            for start in range(0, len(chunks), batch):
                parts.append(self.embedder.embed([c.text for c in chunks[start:start + batch]]))
                bar.update(len(parts[-1]))
                done = start + len(parts[-1])
                self.on_progress("embedding", done, len(chunks))
                if not self.progress and (len(parts) % 16 == 0 or done == len(chunks)):
                    log.info("%s: embedded %d/%d chunks", deck, done, len(chunks))
        return np.vstack(parts)
