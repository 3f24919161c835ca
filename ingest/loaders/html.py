"""HTML: the page's main text (no scripts, styles or navigation), one Page per heading section."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from ingest.loaders.base import LoadedFile, Page, clean_text, read_text

_NOISE = ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg", "button"]
# Site chrome that generated pages mark by role or name instead of by element.
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "complementary"}
_CHROME_NAME = re.compile(r"(^|[-_\s])(nav|navbar|navigation|menu|sidebar|breadcrumbs?|toc|skip-link|cookie)"
                          r"($|[-_\s])", re.IGNORECASE)
_HEADINGS = ["h1", "h2", "h3", "h4"]
_MARK = "\u0000HEADING\u0000"


@dataclass(frozen=True)
class HtmlSection:
    title: str | None
    text: str  # as indexed: the heading's text on the first line
    fragment: str  # the section's markup as the page had it, heading left out (sanitised before it is shown)


def html_sections(path: Path) -> list[HtmlSection]:
    """The page's main content split at h1-h4 (text before the first heading is a section of its own);
    sections without text are left out, so the n-th is the n-th section indexed."""
    soup = BeautifulSoup(read_text(path), "lxml")
    for tag in soup(_NOISE):
        tag.decompose()
    for tag in soup.find_all(_is_chrome):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for heading in root.find_all(_HEADINGS):
        heading.replace_with(f"\n{_MARK}{' '.join(heading.get_text(' ').split())}\n")  # one line, wrapped or not
    # The text and the markup split at the same marks: one part per heading, in the same order.
    texts, fragments = root.get_text("\n").split(_MARK), root.decode_contents().split(_MARK)
    sections = []
    for number, (text, fragment) in enumerate(zip(texts, fragments, strict=True)):
        raw_title, raw_body = (None, text) if number == 0 else (text.partition("\n")[0], text.partition("\n")[2])
        body = clean_text(raw_body)
        if body:
            title = clean_text(raw_title) if raw_title else None
            sections.append(HtmlSection(title, f"{title}\n{body}" if title else body,
                                        fragment if number == 0 else fragment.partition("\n")[2]))
    return sections


def load_html(path: Path) -> LoadedFile:
    """One Page per section (html_sections)."""
    return LoadedFile([Page(path.name, number, "section", section.title or section.text.split("\n")[0][:200],
                            section.text) for number, section in enumerate(html_sections(path), 1)])


def _is_chrome(tag: Tag) -> bool:
    """Navigation, menus and banners named by role, class or id (not the page's main content)."""
    if tag.name in ("main", "article", "body", "html") or tag.attrs is None:
        return False
    if tag.get("role") in _CHROME_ROLES or tag.get("aria-hidden") == "true":
        return True
    names = " ".join([*(tag.get("class") or []), tag.get("id") or ""])
    return bool(names.strip()) and bool(_CHROME_NAME.search(names))
