"""Word: one Page per heading section, paragraphs and tables in document order."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.loaders.base import LoadedFile, LoadError, Page, clean_text


def _is_heading(paragraph: Paragraph) -> bool:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    return style.startswith("Heading") or style == "Title"


def load_docx(path: Path) -> LoadedFile:
    """Sections start at each heading; text before the first heading is a section of its own."""
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"not a readable DOCX ({exc})") from exc
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = clean_text(block.text)
            if text and _is_heading(block):
                sections.append((text, []))
            elif text:
                sections[-1][1].append(text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells = [clean_text(cell.text) for cell in row.cells]
                if any(cells):
                    sections[-1][1].append(" | ".join(cells))
    pages = []
    for title, lines in sections:
        if lines:
            text = "\n".join(([title] if title else []) + lines)
            pages.append(Page(path.name, len(pages) + 1, "section", title or lines[0][:200], text))
    return LoadedFile(pages)
