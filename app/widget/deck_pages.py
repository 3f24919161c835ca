"""What the deck page shows of a deck's current build: page pictures, or text cards without them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.store import current_build, page_html_path, page_image_path, read_chunks, read_manifest, slide_files


@dataclass(frozen=True)
class DeckPage:
    doc: str
    page: int
    title: str
    text: str  # the page's text, shown when there is no picture (and as the picture's alt text)
    file_number: int
    has_image: bool
    label: str  # "slide 3", "page 3", "section 3"
    html: str | None = None  # a Markdown section as formatted text (safe: ingest/section_html.py)


def deck_documents(index_dir: Path, deck: str) -> list[tuple[str, list[DeckPage]]]:
    """The build's documents in manifest order, slides and pages first, each with its pages."""
    manifest = read_manifest(index_dir, deck) or {}
    build = current_build(index_dir, deck)
    texts: dict[tuple[str, int], list[str]] = {}
    titles: dict[tuple[str, int], str] = {}
    kinds: dict[str, str] = {name: "slide" for name in slide_files(build)}
    for chunk in read_chunks(build):
        key = (chunk.doc, chunk.page or 1)
        titles.setdefault(key, chunk.title or "")
        kinds.setdefault(chunk.doc, chunk.kind or "page")
        if not texts.get(key) or chunk.text not in texts[key][-1]:  # overlapping chunks repeat text
            texts.setdefault(key, []).append(chunk.text)
    documents = []
    for number, entry in enumerate(manifest.get("files", [])):
        name = entry["name"]
        pages = sorted(p for d, p in texts if d == name)
        documents.append((name, [DeckPage(name, p, titles[(name, p)], "\n".join(texts[(name, p)]), number,
                                          page_image_path(build, number, p).is_file(), f"{kinds[name]} {p}",
                                          _html(page_html_path(build, number, p)))
                                 for p in pages]))
    # The deck itself first: files with pictures, then the rest (FAQ, notes) as text.
    return sorted(documents, key=lambda d: not any(p.has_image for p in d[1]))


def _html(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def page_image(index_dir: Path, deck: str, file_number: int, page: int) -> Path | None:
    path = page_image_path(current_build(index_dir, deck), file_number, page)
    return path if path.is_file() else None


def slide_documents(index_dir: Path, deck: str) -> list[str]:
    """Documents whose pages readers should see called slides."""
    return slide_files(current_build(index_dir, deck))
