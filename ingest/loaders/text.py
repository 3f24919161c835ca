"""Plain text: one page; the chunker splits it by sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.loaders.base import LoadedFile, Page, clean_text, first_line, read_text


def load_text(path: Path) -> LoadedFile:
    """A whole text file as page 1."""
    text = clean_text(read_text(path))
    return LoadedFile([Page(path.name, 1, "page", first_line(text), text)] if text else [])
