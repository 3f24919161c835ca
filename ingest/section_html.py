"""Markdown and HTML sections as formatted text for the deck page (headings, lists, tables, code, links),
written once at ingest beside the page pictures, numbered as their text is indexed.

Markdown is safe by construction: markdown-it with raw HTML off (escaped), its link check (no
javascript:, vbscript:, file: or data: links) and no images (the page's CSP would refuse other sites'
pictures anyway). HTML is the page's own markup with its menus dropped (the loader's section walk),
then cleaned by nh3 (the ammonia sanitiser) to an allow-list of text tags: no script, style, form,
image or event attribute survives, and links keep only http, https and mailto."""

from __future__ import annotations

import html
import logging
from pathlib import Path

import nh3
from markdown_it import MarkdownIt

from ingest.loaders.html import html_sections
from ingest.loaders.markdown import sections
from ingest.store import page_html_path

log = logging.getLogger(__name__)
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
# What markdown-it writes, and no more: the same look for both kinds of document.
_TEXT_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "dl", "dt", "dd", "blockquote",
              "pre", "code", "kbd", "samp", "strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup", "small",
              "mark", "abbr", "q", "cite", "a", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"},
               "ol": {"start"}}


def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}) \
        .enable("table").enable("strikethrough").disable("image")


def _absolute_links_only(tag: str, attribute: str, value: str) -> str | None:
    # A relative link ("/pricing", "//host/x") meant the author's site; inside ours it would lead astray.
    if tag == "a" and attribute == "href" and not value.lower().startswith(("http://", "https://", "mailto:")):
        return None
    return value


def clean_html(fragment: str) -> str:
    """A part of someone's web page reduced to formatted text that is safe to show inside ours."""
    return nh3.clean(fragment, tags=_TEXT_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow", strip_comments=True,
                     attribute_filter=_absolute_links_only).strip()


def _formatted_sections(path: Path) -> list[str]:
    if path.suffix.lower() in HTML_SUFFIXES:
        return [(f"<h2>{html.escape(s.title)}</h2>\n" if s.title else "") + clean_html(s.fragment)
                for s in html_sections(path)]
    renderer = _renderer()
    return [renderer.render(markdown) for _, _, markdown in sections(path)]


def write_section_html(path: Path, build_dir: Path, file_number: int) -> int:
    """Each section of a Markdown or HTML file as HTML, numbered as its text is indexed; returns how many."""
    formatted = _formatted_sections(path)
    for number, section in enumerate(formatted, 1):
        target = page_html_path(build_dir, file_number, number)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(section, encoding="utf-8")
    return len(formatted)
