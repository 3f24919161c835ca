"""HTML: the page's main text (no scripts, styles or navigation), one Page per heading section."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Tag

from ingest.loaders.base import LoadedFile, Page, clean_text, inline_code, read_text

_NOISE = ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg", "button"]
# Site chrome that generated pages mark by role or name instead of by element.
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "complementary"}
_CHROME_NAME = re.compile(r"(^|[-_\s])(nav|navbar|navigation|menu|sidebar|breadcrumbs?|toc|skip-link|cookie)"
                          r"($|[-_\s])", re.IGNORECASE)
# An element named like a menu that holds more of the page's words than this is its content's wrapper.
CHROME_SHARE = 0.5
_HEADINGS = ["h1", "h2", "h3", "h4"]
HEADED_COLUMNS = 4  # a table this narrow reads each cell after its column's header
_MARK = "\u0000HEADING\u0000"
# A heading's permalink sign, which generated sites put in the heading ("Lease Duration #", Sphinx's "\u00b6").
_ANCHOR_MARK = re.compile(r"(?:^\s*[#\u00b6\u00a7]+\s+|\s*[#\u00b6\u00a7\U0001f517]+\s*$)")
_BLOCKS = ["p", "div", "li", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote", "table", "section", "article",
           "figure", "figcaption", "caption", "details", "summary", "hr", "main", "center", "address"]
_SPACE = re.compile(r"\s+")


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
        # A header inside the main content or an article is the document's own title block (its title,
        # author and date), not the site's banner; so is Pandoc's and Quarto's "title-block-header" wherever
        # the page puts it (a litepaper set in a landing page's plain <div> lost its authors and date).
        if tag.name == "header" and (tag.find_parent(["main", "article"]) or tag.get("id") == "title-block-header"):
            continue
        tag.decompose()
    # The page's own content first: generated sites wrap it in elements named for their menus
    # (Read the Docs: "wy-grid-for-nav" / "wy-nav-content"), which the chrome test would drop whole.
    root = (soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find(attrs={"itemprop": "articleBody"})
            or soup.find("article") or soup.body or soup)
    words = len(root.get_text(" ").split())
    for tag in root.find_all(_is_chrome):
        if not tag.decomposed and len(tag.get_text(" ").split()) <= CHROME_SHARE * words:
            tag.decompose()
    for heading in root.find_all(_HEADINGS):
        title = _ANCHOR_MARK.sub("", " ".join(heading.get_text(" ").split()))  # one line, wrapped or not
        heading.replace_with(f"\n{_MARK}{title}\n")
    # The text and the markup split at the same marks: one part per heading, in the same order.
    fragments = root.decode_contents().split(_MARK)
    _lay_out(root)
    texts = root.get_text("").split(_MARK)
    sections = []
    for number, (text, fragment) in enumerate(zip(texts, fragments, strict=True)):
        raw_title, raw_body = (None, text) if number == 0 else (text.partition("\n")[0], text.partition("\n")[2])
        body = clean_text(raw_body)
        if body:
            title = clean_text(raw_title) if raw_title else None
            sections.append(HtmlSection(title, f"{title}\n{body}" if title else body,
                                        fragment if number == 0 else fragment.partition("\n")[2]))
    return sections


def _lay_out(root: Tag) -> None:
    """Lines as the page shows them: a paragraph, list item or table row is one line, whatever inline
    links, bold or code it holds, and however its source was wrapped. Joining every text node with a
    line break cut "300,000 (300k) DHX / tokens ( / 0.3% / of the ... genesis token supply)" into five."""
    for text in root.find_all(string=True):
        if not text.find_parent("pre") and not isinstance(text, Comment) and _MARK not in text:
            text.replace_with(_SPACE.sub(" ", str(text)))
    for code in root.find_all("code"):  # inline code marked as Markdown's is (ingest/loaders/base.py)
        if not code.find_parent("pre"):
            code.replace_with(inline_code(code.get_text()))
    for table in root.find_all("table"):
        _rows_as_lines(table)
    for tag in root.find_all("br"):
        tag.replace_with("\n")
    for tag in root.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")


def _rows_as_lines(table: Tag) -> None:
    """Each row one line of its cells between " | "; under a header row of a few columns, each cell after its
    column's header ("Reward gold per block: 16"): a row of bare figures says nothing of what they are."""
    rows = table.find_all("tr")
    cells = [[" ".join(cell.get_text(" ").split()) for cell in row.find_all(["td", "th"])] for row in rows]
    header = cells[0] if rows and rows[0].find("th") and not rows[0].find("td") else None
    labelled = header is not None and 2 <= len(header) <= HEADED_COLUMNS and all(header)
    for number, (row, values) in enumerate(zip(rows, cells, strict=True)):
        if labelled and number > 0 and len(values) == len(header):
            values = [f"{name}: {value}" if value else value for name, value in zip(header, values, strict=True)]
        row.replace_with(f"\n{' | '.join(values)}\n")


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
