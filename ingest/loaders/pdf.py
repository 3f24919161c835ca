"""PDF: one Page per page, with pages whose text layer is garbage reported instead of indexed."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium

from ingest.loaders.base import LoadedFile, LoadError, Page, clean_text, first_line

# A font with a custom encoding extracts as control characters and symbol soup
# ("9ffb\x17iffdj\x17n`k_", "DFE<P"). Real text has few of these characters.
_ODD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\\^`<>{}|~\ue000-\uf8ff]")
_VOWEL = re.compile(r"[aeiouyAEIOUY\u00c0-\u024f]")
SOFT_HYPHEN = "\x02"  # pdfium's mark for a word broken at a line end


# "About", "under" and "over" before a figure are a deck's own symbols ("~$20M", "<5%", ">90%"), no soup:
# a slide's "~$20M" on a line of its own read as garbled and was left out.
_BESIDE_FIGURE = re.compile(r"[~<>](?=\s?[\d$\u20ac\u00a3\u00a5\u20b9])")


def is_garbled(line: str) -> bool:
    """A line with control or private-use characters, symbol soup, or mostly vowel-less words."""
    if any(ord(c) < 32 for c in line):
        return True
    if len(line) < 3:
        return False
    odd = len(_ODD.findall(_BESIDE_FIGURE.sub("", line))) / len(line)
    words = [w for w in re.findall(r"[^\W\d_]{3,}", line) if w.isascii()]
    voweless = sum(1 for w in words if not _VOWEL.search(w)) / len(words) if words else 0.0
    return odd > 0.1 or (len(words) >= 3 and voweless > 0.5)


def _page_text(raw: str) -> tuple[str, int]:
    """Clean text of a page without its garbled lines, and how many lines were dropped."""
    kept, dropped = [], 0
    for line in raw.replace(SOFT_HYPHEN, "").replace("\r\n", "\n").split("\n"):
        if line.strip() and is_garbled(line):
            dropped += 1
        else:
            kept.append(line)
    return clean_text("\n".join(kept)), dropped


def load_pdf(path: Path) -> LoadedFile:
    """One Page per PDF page that has usable text; the first line serves as its title."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise LoadError("encrypted or password-protected PDF: save a copy without a password") from exc
        raise LoadError(f"not a readable PDF ({exc})") from exc
    loaded = LoadedFile([])
    blank: list[int] = []
    try:
        for index in range(len(pdf)):
            text, dropped = _page_text(pdf[index].get_textpage().get_text_bounded())
            if dropped:
                loaded.notes.append(f"page {index + 1}: {dropped} garbled line(s) left out "
                                    "(custom font encoding; OCR the PDF to index them)")
            if text:
                loaded.pages.append(Page(path.name, index + 1, "page", first_line(text), text))
            elif not dropped:
                blank.append(index + 1)
    finally:
        pdf.close()
    if blank and loaded.pages:  # a file with no text at all is skipped as a whole instead
        loaded.notes.append(f"{'page' if len(blank) == 1 else 'pages'} {page_ranges(blank)}: no text layer "
                            "(image-only slide? OCR the PDF to index it)")
    return loaded


def page_ranges(pages: list[int]) -> str:
    """1, 2, 3, 5 -> "1-3, 5"."""
    spans: list[list[int]] = []
    for page in pages:
        if spans and page == spans[-1][1] + 1:
            spans[-1][1] = page
        else:
            spans.append([page, page])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
