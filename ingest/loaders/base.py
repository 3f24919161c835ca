"""What every loader produces: Pages, the notes for the ingest report, and shared text clean-up."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """One slide, page or section of a source file, with its 1-based number."""

    doc: str
    number: int
    kind: str  # "slide" | "page" | "section"
    title: str | None
    text: str


@dataclass
class LoadedFile:
    """A file's pages, and what the report should say about pages left out or cleaned."""

    pages: list[Page]
    notes: list[str] = field(default_factory=list)


class LoadError(Exception):
    """A file could not be read; the message says why, for the ingest report."""


# How a slide's speaker notes start inside its text: kept apart from what the slide shows.
SPEAKER_NOTES = "Speaker notes:"


def clean_text(text: str) -> str:
    """Undo extraction artefacts: ligatures, hyphenated line ends, stray whitespace."""
    # NFKC turns presentation forms such as U+FB01 "fi" into plain letters.
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


# Inline code keeps its backticks where it is a literal to type ("running `xxd`", "`--show-settings`"): a
# question for a command, a flag or a setting is answered with it (app/rag/verdict.py). Code that opens with a
# figure is a value set in code type ("Lease: <code>48 weeks</code>") and reads as the figure it is.
_FIGURE_FIRST = re.compile(r"^[\d$\u20ac\u00a3\u00a5\u20b9~<>.,+-]*\d")


def inline_code(code: str) -> str:
    """The text a loader writes for a span of inline code: marked as code, a figure plain, a blank nothing."""
    code = " ".join(code.split())
    return code if not code or _FIGURE_FIRST.match(code) else f"`{code}`"


def first_line(text: str) -> str | None:
    """The first line with a word in it (not a bare page number), as a fallback title."""
    for line in text.split("\n"):
        if re.search(r"[^\W\d_]", line):
            return line.strip()[:200]
    return None


def read_text(path) -> str:
    """A text file as UTF-8 (a BOM is dropped), or LoadError saying where it is not."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
