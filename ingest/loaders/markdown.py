"""Markdown: one Page per heading section; an FAQ becomes one section per question; a Markdown slide deck
(Marp: `marp: true` in its front matter; Slidev: its own keys there) one Page per slide, its comments the
slide's speaker notes."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from llama_index.core import Document
from llama_index.core.node_parser import MarkdownNodeParser

from ingest.loaders.base import SPEAKER_NOTES, LoadedFile, Page, clean_text, first_line, inline_code, read_text

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


# A collapsed <details> block is how many FAQs on GitHub and GitBook set a question: its <summary> is the
# question, the block its answer. Read as a heading over the answer, each is a section of its own (thirty
# questions had been one section, the question a line inside it).
_SUMMARY = re.compile(r"<details\b[^>]*>\s*<summary\b[^>]*>(.*?)</summary>", re.DOTALL | re.IGNORECASE)
_DETAILS_END = re.compile(r"</details\s*>", re.IGNORECASE)


def unfold_details(text: str) -> str:
    """Turn each <details> block into a heading (its summary) followed by its body."""
    text = _SUMMARY.sub(lambda m: f"\n#### {' '.join(_HTML_TAG.sub(' ', m.group(1)).split())}\n", text)
    return _DETAILS_END.sub("\n", text)


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
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$\n?", re.MULTILINE)
_TABLE_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.MULTILINE)
# YAML front matter ("---" / last_review_date: ... / "---") is the site generator's, not the reader's.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# A blockquote's marks ("> Path to A$1.5M ARR") and a thematic break ("---", "***") are layout, not words.
_QUOTE_MARK = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_RULE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$\n?", re.MULTILINE)
# A bullet's mark ("* ", "- ", "+ ") is the list's layout: the item is the line ("* **Amount**: $3.0M" read
# "* Amount: $3.0M", and was quoted so).
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+(?=\S)", re.MULTILINE)
# Nor is a line holding one LaTeX command, as Pandoc whitepapers write them ("\tableofcontents", "\newpage").
_LATEX_LINE = re.compile(r"^[ \t]*\\[A-Za-z]+(?:\{[^}\n]*\})*[ \t]*$\n?", re.MULTILINE)
_INLINE_CODE = re.compile(r"`([^`]*)`")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
# Tags between two words keep them apart, as the page lays them out: "<span>Open Source</span><span>months
# 0-6</span>" reads "Open Source months 0-6", not "Open Sourcemonths"; elsewhere they leave nothing.
_TAG_RUN = re.compile(f"(?:{_HTML_TAG.pattern})+")


def _tags_gap(match: re.Match[str]) -> str:
    """A space where the tags stand between two words or figures, else nothing."""
    before, after = match.string[match.start() - 1:match.start()], match.string[match.end():match.end() + 1]
    return " " if before and after and not before.isspace() and not after.isspace() \
        and (before.isalnum() or before in "%$)") and (after.isalnum() or after in "$(") else ""


# A site generator's template tags ("{% hint style="info" %}", "{% endcode %}": GitBook, Jekyll) and a heading's
# own id ("### Why? {#why}": Pandoc, kramdown, VitePress) are not shown.
_LIQUID = re.compile(r"\{%-?.*?-?%\}")
_HEADING_ID = re.compile(r"(?<=\S)[ \t]+\{#[\w:.-]+(?:[ \t][^}\n]*)?\}[ \t]*$", re.MULTILINE)
# Neither a <style> nor a <script> block is shown (a Slidev slide's CSS was read as its words).
_HIDDEN_BLOCK = re.compile(r"<(style|script)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
# An HTML picture shows its alt text where it cannot be seen, as a Markdown one does: a cover's logo is the
# company's name (`<img class="title-wordmark" alt="Cambra">`).
_IMAGE_TAG = re.compile(r"<img\b[^>]*?\balt\s*=\s*(?:\"([^\"]+)\"|'([^']+)')[^>]*>", re.IGNORECASE)
# A Vue or MDX component (a capitalised tag) shows what its text attributes hold: a Slidev deck's team slide
# is `<TeamCard name="Dan Sotolongo" role="Founder/CEO">`, read "Dan Sotolongo, Founder/CEO". Bound
# attributes (":segments=...") are code, and the rest (class, src, initials) are layout.
_COMPONENT = re.compile(r"<[A-Z][\w.-]*((?:\s+[:@]?[\w.-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'))?)*)\s*/?>")
_TEXT_ATTRIBUTE = re.compile(r"(?<![:@\w.-])(name|role|title|full-quote|quote|label|caption|text|description|subtitle|"
                             r"author|company|heading)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _component_text(match: re.Match[str]) -> str:
    values = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
              for m in _TEXT_ATTRIBUTE.finditer(match.group(1))}
    if "full-quote" in values:
        values.pop("quote", None)  # the shortened quote repeats part of the full one
    said = ", ".join(v.strip() for v in values.values() if v.strip())
    return f"\n{said}\n" if said else ""


# CommonMark autolinks (<https://...>, <team@example.com>) are shown as their address; without this
# the tag pattern takes them for HTML and "weights from <https://...>" reads "weights from ."
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[A-Za-z]{2,})>")


def as_text(markdown: str) -> str:
    """What a reader of the rendered page sees: no link, image, fence or emphasis syntax."""
    text = _HEADING_ID.sub("", _LIQUID.sub("", markdown))
    text = _TOC.sub("", _DEFINITION.sub("", _REFERENCE.sub("", _FENCE.sub("", text))))
    text = _ATTRIBUTES.sub("", _KRAMDOWN_TOC.sub("", text))
    text = _BULLET.sub("", _LATEX_LINE.sub("", _RULE.sub("", _QUOTE_MARK.sub("", text))))
    # A header row's empty corner cell ("|  | What | Status |") is no word: the row reads "What | Status".
    text = _TABLE_ROW.sub(lambda m: " | ".join(c.strip() for c in m.group(1).split("|")).strip(" |"),
                          _TABLE_RULE.sub("", text))
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _INLINE_CODE.sub(lambda m: inline_code(m.group(1)), text)
    text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text)
    text = _UNDERSCORE_EMPHASIS.sub(lambda m: m.group(1), text)
    text = _AUTOLINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    text = _COMPONENT.sub(_component_text, _HIDDEN_BLOCK.sub("", text))
    text = _IMAGE_TAG.sub(lambda m: f"{m.group(1) or m.group(2)}\n", text)
    # An entity is the character it stands for once the page is rendered ("&lt; $200" reads "< $200").
    return html.unescape(_TAG_RUN.sub(_tags_gap, text))


# An HTML comment is not shown: in a Marp deck it is the slide's presenter notes ("Speaker notes: ..."),
# unless it is a directive ("<!-- _class: lead -->"); elsewhere it is the author's aside ("TODO", a licence
# header) and left out. Kept, "<!--" and the notes read as the slide's words, the front matter after a
# leading comment was not found, and its CSS was indexed as text.
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_DIRECTIVE = re.compile(r"^\s*_?[\w-]+\s*:[^\n]*$")
_LEADING_COMMENTS = re.compile(r"\A\ufeff?(?:\s*<!--.*?-->)*\s*", re.DOTALL)
_MARP = re.compile(r"^marp\s*:\s*true\s*$", re.MULTILINE | re.IGNORECASE)
# A Slidev deck says so by keys of its front matter that only Slidev reads (a site generator's front matter
# has a "title" and a "layout" too), or by its syntax in the slides: "v-click", "{{ $slidev.nav... }}".
_SLIDEV = re.compile(r"^(?:highlighter|drawings|transition|mdc|colorSchema|aspectRatio|canvasWidth|exportFilename|"
                     r"lineNumbers|themeConfig|routerMode|addons|monaco)\s*:", re.MULTILINE)
_SLIDEV_SYNTAX = re.compile(r"\$slidev\b|<v-clicks?\b|\bv-click\b")
# A Slidev slide's own front matter ("---" / "layout: center" / "class: ask" / "---") splits as a slide of
# its own at the "---" lines: it is the next slide's settings, and says nothing.
_SLIDE_SETTING = re.compile(r"^[ \t]*[\w-]+[ \t]*:.*$|^[ \t]+\S.*$|^[ \t]*$")
_SLIDE_SETTING_KEY = re.compile(r"^(?:layout|class|background|transition|clicks|image|hideInToc|routeAlias|zoom|src|"
                                r"level|preload|disabled|hide|dragPos)\s*:", re.MULTILINE)
# Slidev's Vue interpolations ("{{ $slidev.nav.currentPage }}") and slot marks ("::right::") are not words.
# An interpolation goes with the separator beside it: "{{ $slidev.nav.currentPage }} · The Problem" reads "The
# Problem", "{{ page }} / {{ total }}" nothing.
_INTERPOLATION = re.compile(r"\{\{.*?\}\}(?:[ \t]*[\u00b7/|\u2013\u2014-][ \t]*)?|[ \t]*[\u00b7/|\u2013\u2014-][ \t]*\{\{.*?\}\}")
_SLOT = re.compile(r"^[ \t]*::[\w-]+::[ \t]*$", re.MULTILINE)
_TRAILING_COMMENT = re.compile(r"<!--((?:(?!<!--).)*?)-->\s*\Z", re.DOTALL)
_SLIDE_BREAK = re.compile(r"^---[ \t]*$", re.MULTILINE)
_FENCED = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)


_HEADING_MARK = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)
_NOTES_LABEL = re.compile(r"^\s*(?:speaker |presenter )?notes\s*:\s*", re.IGNORECASE)


def _split_title(markdown: str) -> tuple[str | None, str]:
    """A section's heading (None when it does not open with one) and the text under it, as shown."""
    first, _, rest = clean_text(as_text(markdown)).partition("\n")
    title = first.lstrip("#").strip() if first.startswith("#") else None
    return title, rest.strip() if title is not None else f"{first}\n{rest}".strip()


def _outside_code(pattern: re.Pattern[str], markdown: str) -> list[re.Match[str]]:
    """The pattern's matches that are not inside a fenced code block (a "---" or "# comment" in code is code)."""
    fences = [m.span() for m in _FENCED.finditer(markdown)]
    return [m for m in pattern.finditer(markdown) if not any(a <= m.start() < b for a, b in fences)]


def _subheadings_as_text(slide: str) -> str:
    """A slide's headings after its first without their marks (outside code): a slide is one page, its
    "### Kids" / "### Parents" are lines of it."""
    headings = _outside_code(_HEADING_MARK, slide)
    for found in reversed(headings[1:]):
        slide = slide[:found.start()] + slide[found.end():]
    return slide


def _is_slide_settings(chunk: str) -> bool:
    """Whether a piece between "---" lines is a Slidev slide's front matter, not a slide."""
    return bool(_SLIDE_SETTING_KEY.search(chunk)) and all(_SLIDE_SETTING.match(line) for line in chunk.split("\n"))


def _slides(markdown: str, slidev: bool = False) -> Iterator[tuple[str | None, str, str]]:
    """A Marp or Slidev deck's slides (split at "---" lines outside code), each with its notes after what it
    shows. Marp reads every comment that is no directive as the notes; Slidev only the one that ends the
    slide, the others being the author's asides."""
    breaks = _outside_code(_SLIDE_BREAK, markdown)
    starts, ends = [0] + [m.end() for m in breaks], [m.start() for m in breaks] + [len(markdown)]
    for start, end in zip(starts, ends, strict=True):
        slide = markdown[start:end]
        if slidev:
            if _is_slide_settings(slide.strip("\n")):
                continue
            last = _TRAILING_COMMENT.search(slide)
            comments = [last.group(1)] if last else []
            slide = _SLOT.sub("", _INTERPOLATION.sub("", slide))
        else:
            comments = _COMMENT.findall(slide)
        notes = [_NOTES_LABEL.sub("", clean_text(comment)) for comment in comments
                 if comment.strip() and not _DIRECTIVE.match(comment)]
        shown = _COMMENT.sub("", slide)
        title, body = _split_title(_subheadings_as_text(shown))
        if slidev:  # its HTML would be shown as markup: the slide's heading and words, a line each
            lines = [line for line in (title, *body.split("\n")) if line]
            shown = f"## {lines[0]}\n\n" + "  \n".join(lines[1:]) if lines else ""
        notes_text = "\n".join(notes)  # as a PPTX slide's: the first line marked, the lines kept
        if notes_text:
            body = f"{body}\n{SPEAKER_NOTES} {notes_text}".strip()
        if title or body:
            yield title, body, shown


def _body(path: Path) -> tuple[str, str | None]:
    """The file's Markdown after its front matter (and any comments before it), and the slide deck format
    its front matter or its syntax makes it ("marp", "slidev"; None: no slide deck)."""
    text = _LEADING_COMMENTS.sub("", read_text(path), count=1)
    front = _FRONT_MATTER.match(text)
    if not front:
        return text, None
    body, settings = text[front.end():], front.group()
    if _MARP.search(settings):
        return body, "marp"
    return body, "slidev" if _SLIDEV.search(settings) or _SLIDEV_SYNTAX.search(body) else None


def sections(path: Path) -> Iterator[tuple[str | None, str, str]]:
    """Each heading section (a slide deck: each slide) that has body text, in document order: (title, text,
    its Markdown as shown)."""
    text, slide_deck = _body(path)
    if slide_deck:
        yield from _slides(text, slidev=slide_deck == "slidev")
        return
    text = unfold_details(unfold_admonitions(_COMMENT.sub("", text)))
    for node in MarkdownNodeParser().get_nodes_from_documents([Document(text=text)]):
        markdown = node.get_content()
        title, body = _split_title(markdown)
        if body:  # a heading with nothing under it (e.g. the document title) answers nothing
            yield title, body, markdown


def is_slide_deck(path: Path) -> bool:
    """Whether the Markdown file is a Marp or Slidev slide deck (its sections are slides)."""
    return _body(path)[1] is not None


def load_markdown(path: Path) -> LoadedFile:
    """One Page per heading section (or slide) that has body text, numbered from 1 in document order."""
    pages = []
    kind = "slide" if is_slide_deck(path) else "section"
    for title, body, _ in sections(path):
        page_text = f"{title}\n{body}" if title else body
        pages.append(Page(path.name, len(pages) + 1, kind, title or first_line(body), page_text))
    return LoadedFile(pages)
