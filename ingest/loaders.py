"""Document loaders: turn one file into Pages (one per slide, page or section)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from llama_index.core import Document
from llama_index.core.node_parser import MarkdownNodeParser


@dataclass(frozen=True)
class Page:
    """One slide, page or section of a source file, with its 1-based number."""

    doc: str
    number: int
    kind: str  # "slide" | "page" | "section"
    title: str | None
    text: str


class LoadError(Exception):
    """A file could not be read; the message says why, for the ingest report."""


def clean_text(text: str) -> str:
    """Undo PDF extraction artefacts: ligatures, hyphenated line ends, stray whitespace."""
    # NFKC turns presentation forms such as U+FB01 "fi" into plain letters.
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _first_line(text: str) -> str | None:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()[:200]
    return None


def load_pdf(path: Path) -> list[Page]:
    """One Page per PDF page; the first line of text serves as its title."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise LoadError(f"not a readable PDF ({exc})") from exc
    pages = []
    try:
        for index in range(len(pdf)):
            textpage = pdf[index].get_textpage()
            text = clean_text(textpage.get_text_bounded())
            if text:
                pages.append(Page(path.name, index + 1, "page", _first_line(text), text))
    finally:
        pdf.close()
    return pages


def load_markdown(path: Path) -> list[Page]:
    """One Page per heading section that has body text, numbered from 1 in document order."""
    text = _read_text(path)
    nodes = MarkdownNodeParser().get_nodes_from_documents([Document(text=text)])
    pages = []
    for node in nodes:
        first, _, rest = clean_text(node.get_content()).partition("\n")
        title = first.lstrip("#").strip() if first.startswith("#") else None
        body = rest.strip() if title is not None else f"{first}\n{rest}".strip()
        if not body:
            continue  # a heading with nothing under it (e.g. the document title) answers nothing
        page_text = f"{title}\n{body}" if title else body
        pages.append(Page(path.name, len(pages) + 1, "section", title or _first_line(body), page_text))
    return pages


def load_text(path: Path) -> list[Page]:
    """A plain text file is one page; the chunker splits it by sentences."""
    text = clean_text(_read_text(path))
    return [Page(path.name, 1, "page", _first_line(text), text)] if text else []


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


LOADERS: dict[str, Callable[[Path], list[Page]]] = {
    ".pdf": load_pdf,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
}


def is_supported(path: Path) -> bool:
    """Whether a loader exists for this file's extension."""
    return path.suffix.lower() in LOADERS


def load_file(path: Path) -> list[Page]:
    """Load any supported file; raise LoadError with a reason a person can act on."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(f"unsupported file type {path.suffix or '(none)'}")
    if path.stat().st_size == 0:
        raise LoadError("empty file")
    return loader(path)
