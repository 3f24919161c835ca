"""Pictures of a PDF's pages (and of a PPTX deck's slides) for the deck page (`/decks/<deck>`), rendered
once at ingest time."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from ingest.section_html import HTML_SUFFIXES, MARKDOWN_SUFFIXES, write_section_html
from ingest.slide_pictures import SLIDE_SUFFIXES, slide_count, slides_as_pdf
from ingest.store import PAGES_DIR, SLIDE_FILES, page_image_path, slide_files

log = logging.getLogger(__name__)

WIDTH_PX = 1200  # sharp on a laptop's half screen; a sample slide is then 18-30 KB as WebP, a dense page ~80 KB
MAX_HEIGHT_PX = 2400
MAX_PAGES = 300  # a long report's appendix is not worth the disk; its text is still indexed
QUALITY = 80


def render_pdf_pages(pdf_path: Path, build_dir: Path, file_number: int) -> tuple[int, bool]:
    """Render up to MAX_PAGES pages as WebP: (how many, whether most pages are landscape).

    A page that fails is left out and logged."""
    out = build_dir / PAGES_DIR / str(file_number)
    out.mkdir(parents=True, exist_ok=True)
    pdf = pdfium.PdfDocument(str(pdf_path))
    rendered = landscape = 0
    count = min(len(pdf), MAX_PAGES)
    try:
        for index in range(count):
            page = pdf[index]
            landscape += page.get_width() > page.get_height()
            try:
                # A tall, narrow page (a receipt, a poster) is bounded by its height instead.
                scale = min(WIDTH_PX / max(page.get_width(), 1), MAX_HEIGHT_PX / max(page.get_height(), 1))
                image = page.render(scale=scale).to_pil()
                image.convert("RGB").save(page_image_path(build_dir, file_number, index + 1), "WEBP", quality=QUALITY)
                rendered += 1
            except (pdfium.PdfiumError, OSError, ValueError, MemoryError) as exc:
                log.warning("%s page %d: not rendered for the deck page (%s)", pdf_path.name, index + 1, exc)
            finally:
                page.close()
    finally:
        pdf.close()
    return rendered, landscape * 2 > count


def _render_slides(deck_file: Path, build_dir: Path, file_number: int) -> int | None:
    """A PPTX deck's slides as pictures through LibreOffice; None when they cannot be made to match."""
    with tempfile.TemporaryDirectory(prefix="deckchat-slides-") as workdir:
        pdf = slides_as_pdf(deck_file, Path(workdir))
        if pdf is None:
            return None
        pages = len(pdfium.PdfDocument(str(pdf)))
        if pages != slide_count(deck_file):  # pictures under the wrong numbers would mislead the citations
            log.warning("%s: LibreOffice made %d pages for %d slides; slides shown as text", deck_file.name, pages,
                        slide_count(deck_file))
            return None
        return render_pdf_pages(pdf, build_dir, file_number)[0]


def render_deck_pages(source: Path, file_names: list[str], build_dir: Path, previous_build: Path | None = None,
                      unchanged: dict[str, int] | None = None) -> dict[str, int]:
    """Pictures for every PDF among the build's files, and for PPTX decks when LibreOffice is installed;
    {file name: pages rendered}.

    Also records which files are slide decks (PPTX, and PDFs of landscape pages), so readers see
    "slide 7", not "page 7". A file in `unchanged` ({name: its number in `previous_build`}) takes the
    previous build's pictures and sections, linked, not rendered again: rendering is most of a
    re-ingest's time (LibreOffice alone takes seconds a deck)."""
    rendered, slides = {}, []
    previous_slides = set(slide_files(previous_build)) if previous_build and unchanged else set()
    for number, name in enumerate(file_names):
        if previous_build and name in (unchanged or {}):
            pictures = _reuse_pages(previous_build / PAGES_DIR / str(unchanged[name]), build_dir, number)
            if pictures is not None:
                if pictures:
                    rendered[name] = pictures
                if name in previous_slides:
                    slides.append(name)
                continue
        if name.lower().endswith(MARKDOWN_SUFFIXES + HTML_SUFFIXES):
            try:
                write_section_html(source / name, build_dir, number)
            except (OSError, ValueError) as exc:  # the text cards stay
                log.warning("%s: sections not formatted for the deck page (%s)", name, exc)
            continue
        if name.lower().endswith(SLIDE_SUFFIXES):
            try:
                pictures = _render_slides(source / name, build_dir, number)
            except (pdfium.PdfiumError, OSError, ValueError) as exc:
                log.warning("%s: slides not rendered for the deck page (%s)", name, exc)
                pictures = None
            if pictures is not None:
                rendered[name] = pictures
            continue
        if not name.lower().endswith(".pdf"):
            continue
        try:
            rendered[name], landscape = render_pdf_pages(source / name, build_dir, number)
        except (pdfium.PdfiumError, OSError) as exc:  # the text is indexed; only the pictures are missing
            log.warning("%s: pages not rendered for the deck page (%s)", name, exc)
            continue
        if landscape:
            slides.append(name)
    (build_dir / PAGES_DIR).mkdir(exist_ok=True)
    (build_dir / PAGES_DIR / SLIDE_FILES).write_text(json.dumps(slides))
    return rendered


def _reuse_pages(old: Path, build_dir: Path, number: int) -> int | None:
    """Hard-link one file's pictures and sections from the previous build; how many pictures, or None
    when that build has none for it (a render that failed then is tried again)."""
    if not old.is_dir():
        return None
    new = build_dir / PAGES_DIR / str(number)
    new.mkdir(parents=True, exist_ok=True)
    for item in old.iterdir():
        try:
            os.link(item, new / item.name)
        except OSError:  # another file system, or links not allowed: a copy
            shutil.copy2(item, new / item.name)
    return sum(1 for item in new.iterdir() if item.suffix == ".webp")
