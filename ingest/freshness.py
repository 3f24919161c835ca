"""Whether a deck's serving build is still current: decided from its manifest and the files' hashes alone,
so that `flask ingest` with nothing changed loads no embedder and no parser (a second `make run` starts
in seconds)."""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path

from ingest.content import deck_files
from ingest.report import DeckReport, FileReport
from ingest.store import IndexNotBuilt, load_deck_index, read_manifest

log = logging.getLogger(__name__)

# How loaders and clean-up turn files into text; a build made by an older version is rebuilt whole.
TEXT_VERSION = 20  # 2: repeated lines (running headers) left out; Markdown as text; HTML menus dropped;
# 3: an HTML heading written over several lines stays whole; 4: lines holding only an object id left out;
# 5: Markdown autolinks kept as their address; 6: a PPTX grid of text boxes read a row to a line, a timing cue
# opening the notes left out; 7: a PPTX card's text boxes read together; 8: a PDF line "~$20M" no longer garbled;
# 9: Markdown definition lists (": answer"), _emphasis_ and [TOC] as text; 10: an HTML paragraph, list item or
# table row one line whatever inline tags it holds, headings without their permalink sign; 11: Markdown's YAML
# front matter and kramdown's {:toc} left out; 12: an HTML page's content wrapped in elements named for its
# menus kept (Read the Docs pages came out empty); 13: a Markdown table's delimiter row and outer pipes left out;
# 14: Markdown comments, blockquote and bullet marks and rules left out, a Marp deck read a slide to a page
# with its notes; 15: an HTML header inside the main content or an article (the document's title, author and
# date) kept; 16: a Slidev deck read a slide to a page, Markdown's HTML entities, component text attributes
# and picture alt text read as shown, <style> and <script> blocks left out; 17: Pandoc's HTML title block kept
# wherever the page puts it; 18: a Markdown <details> block a section headed by its summary, template tags
# ({% hint %}) and heading ids ({#why}) left out, tags between two words keep them apart; 19: a narrow HTML
# table's cells read after their column's header; 20: inline code in Markdown and HTML keeps its
# backticks
# What the deck page shows of a build (ingest/page_images.py); an older build is rebuilt to show it.
PAGES_VERSION = 4  # 2: Markdown and HTML sections formatted, PPTX slides as pictures; 3: a Marp deck's slides;
# 4: a Slidev deck's slides


def sha256_file(path: Path) -> str:
    """Content hash recorded in the manifest, to skip unchanged decks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(source: Path) -> dict[str, str]:
    """The deck folder's documents, name: content hash."""
    return {p.name: sha256_file(p) for p in deck_files(source)}


def chunking_settings(chunk_tokens: int, overlap: int) -> dict:
    """How a build was cut into chunks, as its manifest records it."""
    return {"chunk_tokens": chunk_tokens, "overlap": overlap}


def build_settings(embedder_id: str, chunking: dict) -> dict:
    """What a build depends on besides its files; a build made under other settings is rebuilt whole."""
    return {"embedder": embedder_id, "chunking": chunking, "text": TEXT_VERSION, "pages": PAGES_VERSION}


def manifest_settings(settings: dict, dimension: int) -> dict:
    """The settings as the manifest records them."""
    return {**settings, "embedder": {"id": settings["embedder"], "dimension": dimension}}


def same_settings(manifest: dict, settings: dict, dimension: int | None = None) -> bool:
    """Built under these settings (and with vectors of `dimension`, when the embedder is loaded to say)."""
    embedder = manifest.get("embedder", {})
    return (embedder.get("id") == settings["embedder"] and dimension in (None, embedder.get("dimension"))
            and all(manifest.get(key) == settings[key] for key in ("chunking", "text", "pages")))


def damaged(index_dir: Path, deck: str) -> bool:
    """The serving build cannot be loaded (files deleted or corrupted): rebuild it, do not skip it."""
    try:
        load_deck_index(index_dir, deck)
    except IndexNotBuilt as exc:
        log.warning("%s: %s", deck, exc)
        return True
    return False


def unchanged(index_dir: Path, deck: str, hashes: dict[str, str], settings: dict,
              dimension: int | None = None) -> DeckReport | None:
    """The report for a deck whose serving build holds exactly these files (name: hash) under these
    settings; None when it has to be built."""
    started = time.perf_counter()
    previous = read_manifest(index_dir, deck)
    if not previous or not same_settings(previous, settings, dimension):
        return None
    seen = {f["name"]: f["sha256"] for f in previous.get("files", []) + previous.get("skipped", [])}
    if seen != hashes or damaged(index_dir, deck):
        return None
    return DeckReport(deck, "unchanged", [FileReport(f["name"], skipped=f["reason"]) for f in previous.get("skipped", [])],
                      previous.get("chunk_count", 0), time.perf_counter() - started)
