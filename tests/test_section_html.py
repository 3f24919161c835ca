"""Markdown documents shown as formatted text on the deck page: headings, lists, tables, code and links,
with whatever a document's author wrote as HTML or script shown as text, and a long one's contents."""

from __future__ import annotations

from app import create_app
from app.services import Services
from tests.conftest import app_config, make_ingester

FAQ = """# Investor FAQ

## How much are you raising?

We raise **$4.5 million** on a SAFE:

- $1.5 million from [Harbor Light](https://harborlight.example)
- the rest from angels

## Anything else?

<script>alert("owned")</script> <img src=x onerror=alert(1)>
[a trap](javascript:alert(1)) and ![a tracker](https://tracker.example/pixel.png)

```
code stays code
```

## Fees

| ticket | fee |
|---|---|
| $100k | none |
"""


def test_markdown_sections_show_formatted_and_safe(tmp_path, embedder, generator):
    folder = tmp_path / "content" / "faqdeck"
    folder.mkdir(parents=True)
    more = [("Who leads the round?", "Harbor Light Ventures leads it."), ("Where are you based?", "Gothenburg."),
            ("When was the company founded?", "In 2023, by two engineers."), ("Do you hold patents?", "Three filed.")]
    (folder / "faq.md").write_text(FAQ + "".join(f"\n## {q}\n\n{a}\n" for q, a in more))
    index_dir = tmp_path / "index_store"
    assert make_ingester(index_dir, embedder).ingest("faqdeck", folder).ok
    app = create_app(app_config(tmp_path, index_dir),
                     make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))
    html = app.test_client().get("/decks/faqdeck").get_data(as_text=True)
    assert "<strong>$4.5 million</strong>" in html and '<a href="https://harborlight.example">Harbor Light</a>' in html
    assert "<li>the rest from angels</li>" in html and "<td>none</td>" in html and "<code>code stays code" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "onerror=alert(1)>" not in html
    for bad in ('href="javascript:', '<img src="https://tracker', "<script>"):
        assert bad not in html, html[html.find(bad) - 300: html.find(bad) + 100]
    assert html.count("<figcaption>") == 7
    assert 'class="toc"' in html and 'href="#page-0-1">How much are you raising?</a>' in html
