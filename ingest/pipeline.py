"""Ingest one deck folder: load, chunk, embed, and swap in a new index when all went well."""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ingest.chunking import Chunk, PageChunker
from ingest.embedding import Embedder
from ingest.loaders import LoadError, is_supported, load_file
from ingest.store import read_manifest, write_deck_index


@dataclass
class FileReport:
    """What happened to one file."""

    name: str
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    skipped: str | None = None  # the reason, when the file was not indexed
    notes: list[str] = field(default_factory=list)  # pages left out, and why


@dataclass
class DeckReport:
    """What one deck's ingest did; `ok` is False when any file was skipped or nothing was built."""

    deck: str
    status: str  # "built" | "unchanged" | "failed"
    files: list[FileReport] = field(default_factory=list)
    chunk_count: int = 0
    seconds: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed" and not any(f.skipped for f in self.files)


def sha256_file(path: Path) -> str:
    """Content hash recorded in the manifest, to skip unchanged decks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def deck_files(source: Path) -> list[Path]:
    """The files of a deck folder, in name order (hidden files ignored)."""
    return sorted(p for p in source.iterdir() if p.is_file() and not p.name.startswith("."))


class DeckIngester:
    """Builds a deck's index from a folder of documents."""

    def __init__(self, index_dir: Path, embedder: Embedder, chunker: PageChunker,
                 progress: bool | None = None):
        self.index_dir = index_dir
        self.embedder = embedder
        self.chunker = chunker
        # Bars on a terminal; CI logs get the per-file lines of the report instead.
        self.progress = sys.stderr.isatty() if progress is None else progress

    def _settings(self) -> dict:
        return {
            "embedder": {"id": self.embedder.model_id, "dimension": self.embedder.dimension},
            "chunking": self.chunker.settings,
        }

    def ingest(self, deck: str, source: Path, rebuild: bool = False) -> DeckReport:
        """Index `source` as `deck`; the previous index keeps serving unless this succeeds."""
        started = time.perf_counter()
        files = deck_files(source)
        hashes = {p.name: sha256_file(p) for p in files}
        previous = read_manifest(self.index_dir, deck)
        if not rebuild and previous and self._unchanged(previous, hashes):
            still_skipped = [FileReport(f["name"], skipped=f["reason"]) for f in previous.get("skipped", [])]
            return DeckReport(deck, "unchanged", still_skipped, previous.get("chunk_count", 0),
                              time.perf_counter() - started)
        report = DeckReport(deck, "built")
        chunks: list[Chunk] = []
        for path in tqdm(files, desc=f"{deck}: files", unit="file", disable=not self.progress):
            file_report, file_chunks = self._load_and_chunk(deck, path)
            report.files.append(file_report)
            chunks.extend(file_chunks)
        if not chunks:
            report.status, report.error = "failed", "no readable text in any file; index not changed"
            return report
        vectors = self._embed(deck, chunks)
        manifest = {
            **self._settings(),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": [{"name": f.name, "sha256": hashes[f.name], "pages": f.pages, "chunks": f.chunks}
                      for f in report.files if not f.skipped],
            "skipped": [{"name": f.name, "sha256": hashes[f.name], "reason": f.skipped}
                        for f in report.files if f.skipped],
        }
        write_deck_index(self.index_dir, deck, chunks, vectors, manifest)
        report.chunk_count = len(chunks)
        report.seconds = time.perf_counter() - started
        return report

    def _unchanged(self, manifest: dict, hashes: dict[str, str]) -> bool:
        settings = self._settings()
        if manifest.get("embedder") != settings["embedder"] or manifest.get("chunking") != settings["chunking"]:
            return False
        seen = {f["name"]: f["sha256"] for f in manifest.get("files", []) + manifest.get("skipped", [])}
        return seen == hashes

    def _load_and_chunk(self, deck: str, path: Path) -> tuple[FileReport, list[Chunk]]:
        started = time.perf_counter()
        report = FileReport(path.name)
        if not is_supported(path):
            report.skipped = f"unsupported file type {path.suffix or '(none)'}"
            return report, []
        try:
            loaded = load_file(path)
        except LoadError as exc:
            report.skipped = str(exc)
            return report, []
        except Exception as exc:  # a parser bug must not stop the other files
            report.skipped = f"could not be read: {type(exc).__name__}: {exc}"
            return report, []
        report.notes = loaded.notes
        if not loaded.pages:
            report.skipped = "no extractable text (scanned or image-only? OCR it first)"
            return report, []
        chunks = self.chunker.chunk(deck, loaded.pages)
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
        return np.vstack(parts)
