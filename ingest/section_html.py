"""Markdown sections as formatted text for the deck page (headings, lists, tables, code, links), written
once at ingest beside the page pictures. Safe by construction: markdown-it with raw HTML off (escaped),
its link check (no javascript:, vbscript:, file: or data: links) and no images (the page's CSP would
refuse other sites' pictures anyway)."""

from __future__ import annotations

import logging
from pathlib import Path

from markdown_it import MarkdownIt

from ingest.loaders.markdown import sections
from ingest.store import page_html_path

log = logging.getLogger(__name__)
MARKDOWN_SUFFIXES = (".md", ".markdown")


def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}) \
        .enable("table").enable("strikethrough").disable("image")


def write_section_html(path: Path, build_dir: Path, file_number: int) -> int:
    """Each section of a Markdown file as HTML, numbered as its text is indexed; returns how many."""
    renderer = _renderer()
    written = 0
    for number, (_, _, markdown) in enumerate(sections(path), 1):
        target = page_html_path(build_dir, file_number, number)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(renderer.render(markdown), encoding="utf-8")
        written += 1
    return written
