"""The on-disk index format: FAISS vectors, a chunk store and a manifest per deck.

Layout under the index folder::

    .builds/<deck>.<build_id>/index.faiss, chunks.jsonl, manifest.json
    <deck> -> .builds/<deck>.<build_id>     (symlink; replaced atomically)

A build is written completely into its own folder, then the deck's symlink is swapped with one
rename, so readers see either the old index or the new one, never a half-written one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ingest.chunk import Chunk

if TYPE_CHECKING:
    from collections.abc import Iterator

    import faiss

# faiss is imported where an index is read or written: the web process's pages, health and admin
# only list decks and read manifests, and `flask --help` should not wait for it.

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
BUILDS = ".builds"
LOCKS = ".locks"  # one lock file per deck (deck_lock)
_DECK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class IndexNotBuilt(Exception):
    """The deck has no index yet (HTTP 503: run `flask ingest`)."""


def is_valid_deck_name(name: str) -> bool:
    """Deck names are folder names: letters, digits, '-' and '_' only (no path tricks)."""
    return bool(_DECK_NAME.fullmatch(name))


@dataclass
class DeckIndex:
    """A deck's index loaded in memory."""

    deck: str
    build_id: str
    manifest: dict
    chunks: list[Chunk]
    faiss_index: faiss.Index
    root: Path | None = None  # the build folder it was read from

    def search_rows(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Rows of the top-k chunks by inner product (cosine on normalised vectors)."""
        scores, ids = self.faiss_index.search(query.reshape(1, -1).astype("float32"), k)
        # FAISS pads with -1 when the index holds fewer than k vectors.
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def search(self, query: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        """Top-k chunks by inner product, best first."""
        return [(self.chunks[i], s) for i, s in self.search_rows(query, k)]

    def vectors(self, rows: list[int]) -> np.ndarray:
        """The stored vectors of the given rows."""
        if not rows:
            return np.zeros((0, self.faiss_index.d), dtype="float32")
        return np.vstack([self.faiss_index.reconstruct(row) for row in rows])


def deck_path(index_dir: Path, deck: str) -> Path:
    """Where a deck's current index is reached (a symlink to its build)."""
    if not is_valid_deck_name(deck):
        raise ValueError(f"invalid deck name {deck!r}")
    return index_dir / deck


def read_manifest(index_dir: Path, deck: str) -> dict | None:
    """The deck's current manifest, or None when it was never built."""
    path = deck_path(index_dir, deck) / "manifest.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # damaged: treated as never built, so the next ingest rebuilds
        log.warning("deck %s: unreadable manifest %s (%s)", deck, path, exc)
        return None


def list_decks(index_dir: Path) -> list[str]:
    """Names of decks that have a built index."""
    if not index_dir.is_dir():
        return []
    return sorted(
        p.name for p in index_dir.iterdir()
        if is_valid_deck_name(p.name) and (p / "manifest.json").is_file()
    )


def load_deck_index(index_dir: Path, deck: str) -> DeckIndex:
    """Load a deck's current index from disk; IndexNotBuilt when there is none."""
    return load_build(deck_path(index_dir, deck).resolve(), deck)


def load_build(root: Path, deck: str) -> DeckIndex:
    """Load one build folder (the current one, or a staged one not yet swapped in)."""
    import faiss

    manifest_file = root / "manifest.json"
    if not manifest_file.is_file():
        raise IndexNotBuilt(f"deck {deck!r} has no index: run `flask ingest`")
    try:
        manifest = json.loads(manifest_file.read_text())
        chunks = read_chunks(root)
        index = faiss.read_index(str(root / "index.faiss"))
        build_id = manifest["build_id"]
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:  # faiss reports damage as RuntimeError
        # The details (paths) go to the server log; readers get what the owner must do.
        log.error("deck %s: index in %s is damaged: %s: %s", deck, root, type(exc).__name__, exc)
        raise IndexNotBuilt(f"deck {deck!r} index is damaged: run `flask ingest` to rebuild it") from exc
    if index.ntotal != len(chunks):
        raise IndexNotBuilt(f"deck {deck!r} index is inconsistent: run `flask ingest` to rebuild it")
    return DeckIndex(deck, build_id, manifest, chunks, index, root)


def read_chunks(build_dir: Path) -> list[Chunk]:
    """A build's chunks in index order (OSError, ValueError or TypeError when the file is damaged)."""
    with open(build_dir / "chunks.jsonl", encoding="utf-8") as fh:
        return [Chunk(**json.loads(line)) for line in fh if line.strip()]


def current_build(index_dir: Path, deck: str) -> Path:
    """The folder of the deck's build now being served."""
    return deck_path(index_dir, deck).resolve()


def write_deck_index(index_dir: Path, deck: str, chunks: list[Chunk], vectors: np.ndarray,
                     manifest: dict) -> Path:
    """Write a complete build beside the current one, then swap it in atomically."""
    build_dir = stage_build(index_dir, deck, chunks, vectors, manifest)
    publish_build(index_dir, deck, build_dir)
    return build_dir


def stage_build(index_dir: Path, deck: str, chunks: list[Chunk], vectors: np.ndarray, manifest: dict) -> Path:
    """Write a complete build into its own folder without serving it yet."""
    import faiss

    build_id = uuid.uuid4().hex[:12]
    build_dir = index_dir / BUILDS / f"{deck}.{build_id}"
    build_dir.mkdir(parents=True)
    try:
        index = faiss.IndexFlatIP(vectors.shape[1] if len(vectors) else manifest["embedder"]["dimension"])
        if len(vectors):
            index.add(vectors.astype("float32"))
        faiss.write_index(index, str(build_dir / "index.faiss"))
        with open(build_dir / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        full_manifest = {"format": FORMAT_VERSION, "deck": deck, "build_id": build_id, **manifest,
                         "chunk_count": len(chunks)}
        (build_dir / "manifest.json").write_text(json.dumps(full_manifest, indent=2))
        _fsync_dir(build_dir)
    except BaseException:
        discard_build(build_dir)
        raise
    return build_dir


@contextlib.contextmanager
def deck_lock(index_dir: Path, deck: str) -> Iterator[None]:
    """One build of a deck at a time, across processes (`flask ingest` and the admin's re-index): a build
    published meanwhile would remove the other's staged folder, and its swap would serve nothing."""
    locks = index_dir / LOCKS
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{deck}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("%s: waiting for another build of this deck to finish", deck)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish_build(index_dir: Path, deck: str, build_dir: Path) -> None:
    """Make a staged build the deck's current index (one atomic rename)."""
    if not (build_dir / "manifest.json").is_file():  # never point readers at nothing
        raise IndexNotBuilt(f"staged build {build_dir} is incomplete or was removed; run `flask ingest` again")
    previous = _current_target(index_dir, deck)
    _swap_link(index_dir, deck, build_dir)
    # Keep the previous build too: a request may still be reading it.
    _remove_old_builds(index_dir / BUILDS, deck, keep={build_dir.name, previous})


def discard_build(build_dir: Path) -> None:
    """Remove a staged build that will not be served."""
    shutil.rmtree(build_dir, ignore_errors=True)


def _swap_link(index_dir: Path, deck: str, build_dir: Path) -> None:
    link = index_dir / deck
    tmp_link = index_dir / f".{deck}.{uuid.uuid4().hex[:8]}.tmp"
    os.symlink(os.path.relpath(build_dir, index_dir), tmp_link)
    if link.exists() and not link.is_symlink():
        # An index folder from before symlinked builds (or copied by hand): move it aside.
        link.rename(index_dir / BUILDS / f"{deck}.legacy-{uuid.uuid4().hex[:8]}")
    os.replace(tmp_link, link)  # atomic on POSIX: readers see old or new, never neither
    _fsync_dir(index_dir)


def _current_target(index_dir: Path, deck: str) -> str:
    return Path(os.readlink(index_dir / deck)).name if (index_dir / deck).is_symlink() else ""


def _remove_old_builds(builds: Path, deck: str, keep: set[str]) -> None:
    for old in builds.glob(f"{deck}.*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Page pictures (rendered at ingest by ingest/page_images.py), read by the deck page.
PAGES_DIR = "pages"  # in a build: pages/<file number>/<page number>.webp, file numbers as in the manifest
SLIDE_FILES = "slides.json"  # in PAGES_DIR: the PDFs whose pages are landscape, i.e. slides


def page_image_path(build_dir: Path, file_number: int, page: int) -> Path:
    return build_dir / PAGES_DIR / str(file_number) / f"{page}.webp"


def page_html_path(build_dir: Path, file_number: int, page: int) -> Path:
    """A Markdown section as formatted text (ingest/section_html.py), beside the pictures."""
    return build_dir / PAGES_DIR / str(file_number) / f"{page}.html"


def slide_files(build_dir: Path) -> list[str]:
    """The build's PDFs that are slide decks ([] for a build from before pictures)."""
    try:
        return json.loads((build_dir / PAGES_DIR / SLIDE_FILES).read_text())
    except (OSError, ValueError):
        return []
