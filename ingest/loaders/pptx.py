"""PowerPoint: one Page per slide with its title, every text frame, tables, chart titles and notes."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.exc import PackageNotFoundError

from ingest.loaders.base import SPEAKER_NOTES, LoadedFile, LoadError, Page, clean_text


def _shape_texts(shapes) -> Iterator[str]:
    """Text of shapes in reading order (top to bottom, left to right), groups included."""
    ordered = sorted(shapes, key=lambda s: ((s.top or 0) // 10_000, s.left or 0))
    for shape in ordered:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shape_texts(shape.shapes)
        elif shape.has_text_frame and shape.text_frame.text.strip():
            yield shape.text_frame.text.replace("\v", "\n")  # a line break inside a paragraph
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                cells = [cell.text.strip() for cell in row.cells]
                if any(cells):
                    yield " | ".join(cells)
        elif getattr(shape, "has_chart", False) and shape.has_chart:
            chart = shape.chart
            if chart.has_title and chart.chart_title.has_text_frame:
                yield f"Chart: {chart.chart_title.text_frame.text}"


def _slide_page(doc: str, number: int, slide) -> Page | None:
    title_shape = slide.shapes.title
    title = clean_text(title_shape.text_frame.text) if title_shape is not None and title_shape.has_text_frame else ""
    title_id = title_shape.shape_id if title_shape is not None else None
    body = [clean_text(t) for t in _shape_texts([s for s in slide.shapes if s.shape_id != title_id])]
    lines = ([title] if title else []) + [t for t in body if t]
    if slide.has_notes_slide:
        notes = clean_text(slide.notes_slide.notes_text_frame.text) if slide.notes_slide.notes_text_frame else ""
        if notes:
            lines.append(f"{SPEAKER_NOTES} {notes}")
    if not lines:
        return None
    return Page(doc, number, "slide", title or lines[0][:200], "\n".join(lines))


def load_pptx(path: Path) -> LoadedFile:
    """One Page per slide with text; image-only slides are noted for the report."""
    try:
        deck = Presentation(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as exc:
        raise LoadError(f"not a readable PPTX ({exc})") from exc
    loaded = LoadedFile([])
    for number, slide in enumerate(deck.slides, 1):
        page = _slide_page(path.name, number, slide)
        if page:
            loaded.pages.append(page)
        else:
            loaded.notes.append(f"slide {number}: no text (image only?)")
    return loaded
