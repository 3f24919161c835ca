"""Markdown: one Page per heading section; an FAQ becomes one section per question."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from llama_index.core import Document
from llama_index.core.node_parser import MarkdownNodeParser

from ingest.loaders.base import LoadedFile, Page, clean_text, first_line, read_text

# mkdocs-material admonitions (`??? question "Why?"` with an indented body) are how many FAQs are
# written; a plain Markdown parser reads the body as a code block.
_ADMONITION = re.compile(r'^(?:\?\?\?\+?|!!!)\s*[\w-]+(?:\s+"(?P<title>[^"]*)")?\s*$')


def unfold_admonitions(text: str) -> str:
    """Turn each admonition into a heading followed by its dedented body."""
    out: list[str] = []
    inside = False
    for line in text.split("\n"):
        match = _ADMONITION.match(line)
        if match:
            out.append(f"#### {match.group('title') or 'Note'}")
            inside = True
        elif inside and (line.startswith(("    ", "\t")) or not line.strip()):
            out.append(line[4:] if line.startswith("    ") else line.lstrip("\t"))
        else:
            inside = False
            out.append(line)
    return "\n".join(out)


_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\[[^\]]*\]")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)  # [1]: https://...
_FENCE = re.compile(r"^\s*(```|~~~).*$", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
# Single underscores, not inside a word (snake_case stays): "_Dependency Injection_".
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)_(?![\s_])(.+?)(?<![\s_])_(?!\w)")
# A definition list's answer line (": Zero Install is ...", PHP Markdown Extra and Pandoc), the way
# many FAQs set a question's answer under it; and Python-Markdown's table-of-contents marker.
_DEFINITION = re.compile(r"^:[ \t]+", re.MULTILINE)
_TOC = re.compile(r"^\s*\[TOC\]\s*$", re.MULTILINE | re.IGNORECASE)
# kramdown's table of contents ("* Table of Contents" over "{:toc}") and attribute lines ("{: .note}").
_KRAMDOWN_TOC = re.compile(r"^[ \t]*[*+-][ \t]+[^\n]*\n[ \t]*\{:toc\}[ \t]*$", re.MULTILINE)
_ATTRIBUTES = re.compile(r"^[ \t]*\{:[^}\n]*\}[ \t]*$", re.MULTILINE)
# A pipe table's delimiter row ("|---|:---:|") is layout; a row is its cells between " | ", as PPTX and HTML
# tables are read ("| Team | 15% | 4-year vest |" -> "Team | 15% | 4-year vest").
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$\n?", re.MULTILINE)
_TABLE_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.MULTILINE)
# YAML front matter ("---" / last_review_date: ... / "---") is the site generator's, not the reader's.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_INLINE_CODE = re.compile(r"`([^`]*)`")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
# CommonMark autolinks (<https://...>, <team@example.com>) are shown as their address; without this
# the tag pattern takes them for HTML and "weights from <https://...>" reads "weights from ."
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[A-Za-z]{2,})>")


def as_text(markdown: str) -> str:
    """What a reader of the rendered page sees: no link, image, fence or emphasis syntax."""
    text = _TOC.sub("", _DEFINITION.sub("", _REFERENCE.sub("", _FENCE.sub("", markdown))))
    text = _ATTRIBUTES.sub("", _KRAMDOWN_TOC.sub("", text))
    text = _TABLE_ROW.sub(lambda m: " | ".join(c.strip() for c in m.group(1).split("|")), _TABLE_RULE.sub("", text))
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _INLINE_CODE.sub(lambda m: m.group(1), text)
    text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text)
    text = _UNDERSCORE_EMPHASIS.sub(lambda m: m.group(1), text)
    text = _AUTOLINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    return _HTML_TAG.sub("", text)


def sections(path: Path) -> Iterator[tuple[str | None, str, str]]:
    """Each heading section that has body text, in document order: (title, text, its Markdown)."""
    text = unfold_admonitions(_FRONT_MATTER.sub("", read_text(path), count=1))
    for node in MarkdownNodeParser().get_nodes_from_documents([Document(text=text)]):
        markdown = node.get_content()
        first, _, rest = clean_text(as_text(markdown)).partition("\n")
        title = first.lstrip("#").strip() if first.startswith("#") else None
        body = rest.strip() if title is not None else f"{first}\n{rest}".strip()
        if body:  # a heading with nothing under it (e.g. the document title) answers nothing
            yield title, body, markdown


def load_markdown(path: Path) -> LoadedFile:
    """One Page per heading section that has body text, numbered from 1 in document order."""
    pages = []
    for title, body, _ in sections(path):
        page_text = f"{title}\n{body}" if title else body
        pages.append(Page(path.name, len(pages) + 1, "section", title or first_line(body), page_text))
    return LoadedFile(pages)
