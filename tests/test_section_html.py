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


WHITEPAPER = """<!doctype html><html><head><title>Harbour Light whitepaper</title>
<style>body { color: red }</style><script>window.tracked = true</script></head>
<body>
<nav class="site-nav"><a href="/">Home</a> <a href="/pricing">Pricing</a> <a href="/blog">Blog</a></nav>
<div class="menu-bar" role="navigation"><ul><li>Products</li><li>Careers</li></ul></div>
<main>
<p>Harbour Light builds sensors for ports.</p>
<section><h2>The
    fleet</h2>
  <p>Each sensor lasts <strong>47 days</strong> on one charge, <em>measured in Rotterdam</em>.</p>
  <ul><li>salt water rated</li><li>serviced twice a year</li></ul>
  <p onclick="steal()">See <a href="https://harbour.example/report" onmouseover="x()">the report</a>,
     <a href="javascript:alert(1)">a trap</a>, <a href="/about">about us</a> and
     <img src="https://tracker.example/p.gif" alt="">.</p>
</section>
<section><h2>Code</h2><pre><code>sensor.calibrate(47)</code></pre>
  <form action="https://evil.example"><input name="card"></form>
  <iframe src="https://evil.example"></iframe>
  <table><tr><th>port</th><th>sensors</th></tr><tr><td>Rotterdam</td><td>120</td></tr></table>
</section>
</main>
<footer>Copyright Harbour Light</footer>
</body></html>"""


def test_html_documents_show_formatted_without_site_menus_or_anything_active(tmp_path, embedder, generator):
    folder = tmp_path / "content" / "htmldeck"
    folder.mkdir(parents=True)
    (folder / "whitepaper.html").write_text(WHITEPAPER)
    index_dir = tmp_path / "index_store"
    assert make_ingester(index_dir, embedder).ingest("htmldeck", folder).ok
    app = create_app(app_config(tmp_path, index_dir),
                     make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))
    page = app.test_client().get("/decks/htmldeck").get_data(as_text=True)
    html = page[page.index("<figure"):page.rindex("</figure>")]  # the document, not the page around it
    assert html.count("<figcaption>") == 3  # the intro and two headed sections, as indexed
    assert "<h2>The fleet</h2>" in html and "<strong>47 days</strong>" in html and "<em>measured in Rotterdam</em>" in html
    assert "<li>salt water rated</li>" in html and "<code>sensor.calibrate(47)</code>" in html
    assert "<th>port</th>" in html and "<td>Rotterdam</td>" in html
    assert 'href="https://harbour.example/report" rel="noopener noreferrer nofollow">the report</a>' in html
    assert "about us</a>" in html and 'href="/about"' not in html  # a link into the author's own site
    for gone in ("Pricing", "Careers", "Copyright Harbour Light", "window.tracked", "color: red", "onclick",
                 "onmouseover", "javascript:", "tracker.example", "<form", "<input", "<iframe", "evil.example"):
        assert gone not in html, gone
    answer = app.test_client().post("/api/chat", json={"deck": "htmldeck",
                                                       "question": "How long does a sensor last on one charge?"})
    assert "47 days" in answer.get_json()["answer"]
