"""Cleaner text at ingest: running headers and page numbers left out, Markdown as text, HTML menus dropped."""

from __future__ import annotations

from ingest.boilerplate import is_identifier, without_boilerplate
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
    # Inline code keeps its marks: it says the words are a command to type (app/rag/verdict.py reads them).
    assert [line for line in text.split("\n") if line] == ["See the docs and logo.", "pip install x", "Bold and `code`."]
    assert as_text("Run `` then ` xxd `.") == "Run  then `xxd`."


def test_html_inline_code_keeps_its_marks_and_a_code_block_does_not(tmp_path):
    page = tmp_path / "faq.html"
    page.write_text("<html><body><main><h1>Keys</h1><p>I suggest running <code>xxd</code>, then <a href='/x'>"
                    "<code>locale -a</code></a>.</p><pre><code>env TERM=wezterm nvim</code></pre><table><tr><td>"
                    "<code>NO_COLOR</code></td><td>no colours</td></tr></table></main></body></html>")
    text = "\n".join(p.text for p in load_html(page).pages)
    assert "I suggest running `xxd`, then `locale -a`." in text
    assert "env TERM=wezterm nvim" in text and "`env" not in text
    assert "`NO_COLOR` | no colours" in text


def test_html_navigation_named_by_role_or_class_is_dropped(tmp_path):
    page = tmp_path / "w.html"
    page.write_text('<html><body><div class="sidebar-menu"><a href="/">Home</a> <a href="/x">Docs</a></div>'
                    '<div role="navigation">Previous Next</div><main><h1>Whitepaper</h1><p>Our protocol '
                    'settles in 2 seconds.</p><div class="section-header">Design</div></main></body></html>')
    text = "\n".join(p.text for p in load_html(page).pages)
    assert "settles in 2 seconds" in text and "Design" in text
    assert "Home" not in text and "Previous" not in text


def test_the_documents_own_header_is_kept_and_the_sites_banner_dropped(tmp_path):
    """A header inside the main content is the paper's title block (Quarto's "title-block-header": title,
    author, date), so "When was it published?" has its answer; the site's header above it is chrome."""
    page = tmp_path / "paper.html"
    page.write_text('<body><header id="quarto-header"><a href="/">HiveSight</a> Benchmarks</header><main>'
                    '<header id="title-block-header"><h1 class="title">What does it buy?</h1>'
                    '<div>Published</div><p class="date">July 7, 2026</p></header>'
                    '<h2>1 Introduction</h2><p>We evaluate 63 items.</p></main></body>')
    pages = load_html(page).pages
    assert [p.title for p in pages] == ["What does it buy?", "1 Introduction"]
    assert "July 7, 2026" in pages[0].text and "Benchmarks" not in "\n".join(p.text for p in pages)
    # Pandoc's title block is the paper's wherever the page sets it (here a landing page's plain <div>)
    page.write_text('<body><nav><a href="/">Gyroscope</a></nav><div class="container">'
                    '<header id="title-block-header"><h1 class="title">Litepaper</h1>'
                    '<p class="author">Ariah Klages-Mundt</p><p class="date">November 2020</p></header>'
                    '<h1>Abstract</h1><p>A new class of stablecoin.</p></div></body>')
    pages = load_html(page).pages
    assert [p.title for p in pages] == ["Litepaper", "Abstract"]
    assert "November 2020" in pages[0].text and "Klages-Mundt" in pages[0].text


def test_html_paragraphs_and_table_rows_are_one_line_whatever_inline_tags_they_hold(tmp_path):
    page = tmp_path / "w.html"
    page.write_text('<main><h2>Token Reward Pool<a class="hash-link" href="#pool">#</a></h2>\n'
                    '<p><strong>300,000 (300k) DHX</strong>\n tokens (<em>0.3%</em> of the\n genesis supply).</p>'
                    '<ul><li>Lease: <code>48 weeks</code></li><li>Auction: the <a href="/a">31st</a></li></ul>'
                    '<table><tr><th>Chain</th><th>ParaID</th></tr><tr><td>Spreehafen</td><td>2116</td></tr></table>'
                    '<pre>line one\n  line two</pre></main>')
    [pool] = load_html(page).pages
    assert pool.title == "Token Reward Pool"  # no permalink sign
    lines = [line for line in pool.text.split("\n") if line]
    assert lines == ["Token Reward Pool", "300,000 (300k) DHX tokens (0.3% of the genesis supply).", "Lease: 48 weeks",
                     "Auction: the 31st", "Chain | ParaID", "Chain: Spreehafen | ParaID: 2116", "line one", "line two"]


def test_a_narrow_html_tables_cells_are_read_after_their_headers_and_a_wide_ones_are_not(tmp_path):
    """A row of bare figures ("134,553,600 | 16") says nothing of what they are: under a header row of a few
    columns each cell is read after its header; a wide table (and a row short of cells) stays as it was."""
    page = tmp_path / "w.html"
    page.write_text('<main><h2>Rewards</h2><table><thead><tr><th>Incentive/4y</th><th>Gold per block</th></tr></thead>'
                    '<tbody><tr><td>134,553,600</td><td>16</td></tr><tr><td colspan="2">halving</td></tr></tbody></table>'
                    '<table><tr><th>A</th><th>B</th><th>C</th><th>D</th><th>E</th></tr><tr><td>1</td><td>2</td><td>3</td>'
                    '<td>4</td><td>5</td></tr></table></main>')
    lines = [line for line in load_html(page).pages[0].text.split("\n") if line]
    assert lines == ["Rewards", "Incentive/4y | Gold per block", "Incentive/4y: 134,553,600 | Gold per block: 16",
                     "halving", "A | B | C | D | E", "1 | 2 | 3 | 4 | 5"]


def test_a_page_wrapped_in_elements_named_for_its_menus_keeps_its_content(tmp_path):
    """Read the Docs wraps the whole page in "wy-grid-for-nav" and the article in "wy-nav-content"."""
    page = tmp_path / "faq.html"
    page.write_text('<body class="wy-body-for-nav"><div class="wy-grid-for-nav">'
                    '<nav class="wy-nav-side"><a href="/">Home</a> <a href="/x">Install</a></nav>'
                    '<section class="wy-nav-content-wrap"><div class="wy-nav-content"><div role="main">'
                    '<h2>Why the name?<a class="headerlink" href="#why">\u00b6</a></h2>'
                    '<p>It is the flying nimbus of San Goku.</p><div class="sidebar-note">A short aside here.</div>'
                    '</div></div></section></div></body>')
    [section] = load_html(page).pages
    assert section.title == "Why the name?"
    assert "flying nimbus" in section.text and "Install" not in section.text
    assert "A short aside" not in section.text  # a small element named like a menu is still dropped


def test_a_line_holding_only_an_object_id_is_left_out_and_is_no_title():
    # As tagged PDFs from a content system extract: each section's id on a line of its own.
    pages = deck("_4ef1c994-cf53-4e47-af79-52d26e19f5a5\nNational Archives\nCreated in 1934",
                 "People\n{97448ee6f95d11ec8aa631d7fb82ea00}\nBuild our future through our people")
    cleaned, dropped = without_boilerplate(pages)
    assert dropped == 2
    assert [p.title for p in cleaned] == ["National Archives", "People"]
    assert "31d7" not in cleaned[1].text and "4ef1" not in cleaned[0].text


def test_words_numbers_and_short_codes_are_not_identifiers():
    assert is_identifier("_327a105e-ce74-11e3-93c7-a7770ef76435")
    assert is_identifier("e3b0c44298fc1c149afbf4c8996fb924")
    for line in ("Revenue 2024: $4.5M", "1234567890123456", "deadbeefcafebabe", "SKU 4EF1C994", "Facade"):
        assert not is_identifier(line), line
