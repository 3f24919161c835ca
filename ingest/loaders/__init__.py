"""Document loaders: one file in, Pages out (one per slide, page or section).

`load_file` picks the loader by extension; every loader raises LoadError with a reason a person can
act on, and returns notes for the ingest report (pages left out, and why).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.loaders.base import LoadedFile, LoadError, Page, clean_text
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.pptx import load_pptx
from ingest.loaders.text import load_text

__all__ = ["LOADERS", "LoadError", "LoadedFile", "Page", "clean_text", "is_supported", "load_file"]

LOADERS: dict[str, Callable[[Path], LoadedFile]] = {
    ".pdf": load_pdf,
    ".pptx": load_pptx,
    ".docx": load_docx,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".txt": load_text,
}


def is_supported(path: Path) -> bool:
    """Whether a loader exists for this file's extension."""
    return path.suffix.lower() in LOADERS


def load_file(path: Path) -> LoadedFile:
    """Load any supported file; raise LoadError with a reason a person can act on."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(f"unsupported file type {path.suffix or '(none)'}; supported: {', '.join(LOADERS)}")
    if path.stat().st_size == 0:
        raise LoadError("empty file")
    return loader(path)
