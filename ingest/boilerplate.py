"""Lines that are not text for a reader: running headers, footers and slide numbers (lines that repeat
on most pages of a document), and bare identifiers.

A deck whose every slide carries the round's name and year ("Seed round 2024 | Confidential")
otherwise gets that header as every slide's title and in every chunk, so a question naming the
round or the year matches every slide equally and the slide that answers it loses. Such lines are
left out of the indexed text (the page images still show them).

Tagged PDFs exported from content systems carry each section's object id as a line of its own
("_4ef1c994-cf53-4e47-af79-52d26e19f5a5"): it became the page's title and its digits the answer to
"how many" questions. A line that is nothing but such an id goes the same way.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from ingest.loaders.base import Page, first_line

REPEATED_SHARE = 0.5  # on at least half the pages ...
MIN_PAGES = 3  # ... and on three pages at least
_DIGITS = re.compile(r"\d+")
# A UUID, or a hex string long enough to be a hash, alone on its line (brackets or underscores around it).
_IDENTIFIER = re.compile(r"[_{(\[]*(?:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)"
                         r"[0-9a-f]{16,})[_})\]]*", re.IGNORECASE)


def is_identifier(line: str) -> bool:
    """A line that holds only an object id or hash, no words a reader would ask about."""
    return bool(_IDENTIFIER.fullmatch(line.strip()))


def _key(line: str) -> str:
    """A line with its numbers masked ("Page 3 of 16" and "Page 4 of 16" are the same footer)."""
    return _DIGITS.sub("#", " ".join(line.lower().split()))


def repeated_lines(pages: list[Page]) -> set[str]:
    """Keys of the lines found on most pages of one document."""
    if len(pages) < MIN_PAGES:
        return set()
    counts = Counter(key for page in pages for key in {_key(line) for line in page.text.split("\n") if line.strip()})
    floor = max(MIN_PAGES, REPEATED_SHARE * len(pages))
    return {key for key, n in counts.items() if n >= floor}


def without_boilerplate(pages: list[Page]) -> tuple[list[Page], int]:
    """The pages without their repeated and identifier lines (a page left empty is dropped), and how many
    lines went."""
    repeated = repeated_lines(pages)

    def noise(line: str) -> bool:
        return _key(line) in repeated or is_identifier(line)

    kept, dropped = [], 0
    for page in pages:
        lines = page.text.split("\n")
        body = [line for line in lines if not line.strip() or not noise(line)]
        if len(body) == len(lines) and not (page.title and noise(page.title)):
            kept.append(page)
            continue
        dropped += len(lines) - len(body)
        text = "\n".join(body).strip()
        if not text:
            continue
        title = page.title if page.title and not noise(page.title) else first_line(text)
        kept.append(dataclasses.replace(page, text=text, title=title))
    return kept, dropped
