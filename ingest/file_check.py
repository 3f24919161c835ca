"""Whether one document can be indexed: the checks `flask ingest` makes of every file, also made of a file
uploaded in the admin before it is let into the deck's folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.isolation import IsolatedLoader
from ingest.loaders import LoadedFile, LoadError, is_supported


@dataclass(frozen=True)
class IngestLimits:
    """Per-file guards: a huge file is skipped, a parser that hangs is stopped."""

    max_file_mb: float = 100.0
    file_timeout_s: float = 120.0


class FileRefused(Exception):
    """The file cannot be indexed; the message says why and what to do."""


def readable_file(path: Path, limits: IngestLimits, loader: IsolatedLoader) -> LoadedFile:
    """The file's pages, read in the isolated parser; FileRefused for a wrong type or size, a parser
    failure or timeout, or no text at all."""
    if not is_supported(path):
        raise FileRefused(f"unsupported file type {path.suffix or '(none)'}")
    size_mb = path.stat().st_size / 1e6
    if size_mb > limits.max_file_mb:
        raise FileRefused(f"{size_mb:.0f} MB is over the {limits.max_file_mb:g} MB limit "
                          "(raise DECKCHAT_MAX_FILE_MB to index it)")
    try:
        loaded = loader.load(path)
    except LoadError as exc:
        raise FileRefused(str(exc)) from None
    except Exception as exc:  # a parser bug must not stop the other files
        raise FileRefused(f"could not be read: {type(exc).__name__}: {exc}") from None
    if not loaded.pages:
        raise FileRefused("no extractable text (scanned or image-only? OCR it first)")
    return loaded
