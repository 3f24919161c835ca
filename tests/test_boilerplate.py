"""Cleaner text at ingest: running headers and page numbers left out, Markdown as text, HTML menus dropped."""

from __future__ import annotations

from ingest.boilerplate import without_boilerplate
from ingest.loaders.base import Page
from ingest.loaders.html import load_html
from ingest.loaders.markdown import as_text


def deck(*bodies: str) -> list[Page]:
    return [Page("d.pdf", n, "page", body.split("\n")[0], body) for n, body in enumerate(bodies, 1)]


def test_a_running_header_and_page_numbers_are_left_out_and_are_no_title():
    pages = deck("Seed Round 2024 | Confidential\nThe Ask\nRaising $2M\n1/4",
                 "Seed Round 2024 | Confidential\nTeam\nAna Ruiz, CEO\n2/4",
                 "Seed Round 2024 | Confidential\nMarket\n$4B serviceable\n3/4",
                 "Seed Round 2024 | Confidential\nTraction\n178 customers\n4/4")
    cleaned, dropped = without_boilerplate(pages)
    assert dropped == 8
    assert [p.title for p in cleaned] == ["The Ask", "Team", "Market", "Traction"]
    assert all("Confidential" not in p.text and "/4" not in p.text for p in cleaned)
    assert cleaned[0].text == "The Ask\nRaising $2M"


def test_a_line_on_a_few_pages_only_stays():
    pages = deck("Team\nAna Ruiz", "Market\nAna Ruiz", "Ask\n$2M", "Roadmap\nQ4 2025", "Contact\nmail")
    cleaned, dropped = without_boilerplate(pages)
    assert dropped == 0 and cleaned == pages


def test_markdown_becomes_the_text_a_reader_sees():
    text = as_text("See [the docs](https://x.io/docs) and ![logo](a.png).\n```bash\npip install x\n```\n"
                   "**Bold** and `code`.\n[1]: https://example.com")
    assert [line for line in text.split("\n") if line] == ["See the docs and logo.", "pip install x", "Bold and code."]


def test_html_navigation_named_by_role_or_class_is_dropped(tmp_path):
    page = tmp_path / "w.html"
    page.write_text('<html><body><div class="sidebar-menu"><a href="/">Home</a> <a href="/x">Docs</a></div>'
                    '<div role="navigation">Previous Next</div><main><h1>Whitepaper</h1><p>Our protocol '
                    'settles in 2 seconds.</p><div class="section-header">Design</div></main></body></html>')
    text = "\n".join(p.text for p in load_html(page).pages)
    assert "settles in 2 seconds" in text and "Design" in text
    assert "Home" not in text and "Previous" not in text
