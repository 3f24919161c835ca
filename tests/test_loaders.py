"""Loaders on small files the tests make."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from ingest.loaders import LoadError, clean_text, load_file
from tests.helpers.documents import write_pdf


def test_clean_text_fixes_ligatures_and_hyphenated_line_ends():
    assert clean_text("signi\ufb01cant pro\ufb01t \ufb02ow") == "significant profit flow"
    assert clean_text("docu-\nments  are\n\n\n\nhere") == "documents are\n\nhere"


def test_pdf_gives_one_page_each_with_its_title(tmp_path):
    path = tmp_path / "deck.pdf"
    write_pdf(path, [["Market size", "TAM is $4.2 billion"], ["Team", "Ada Lovelace, CEO"]])
    pages = load_file(path).pages
    assert [(p.number, p.kind, p.title) for p in pages] == [(1, "page", "Market size"), (2, "page", "Team")]
    assert "$4.2 billion" in pages[0].text and "Ada Lovelace" in pages[1].text
    assert all(p.doc == "deck.pdf" for p in pages)


def test_pdf_without_text_has_no_pages(tmp_path):
    path = tmp_path / "blank.pdf"
    write_pdf(path, [[], []])
    assert load_file(path).pages == []


def test_image_only_pages_are_named_in_the_notes(tmp_path):
    path = tmp_path / "deck.pdf"
    write_pdf(path, [["Problem", "Ports are slow"], [], [], ["Team", "Ada"], []])
    loaded = load_file(path)
    assert [p.number for p in loaded.pages] == [1, 4]
    assert loaded.notes == ["pages 2-3, 5: no text layer (image-only slide? OCR the PDF to index it)"]


def test_encrypted_pdf_is_a_load_error_that_says_so(tmp_path):
    pdf = FPDF()
    pdf.set_font("Helvetica", size=14)
    pdf.add_page()
    pdf.cell(0, 10, "Confidential numbers")
    pdf.set_encryption(owner_password="owner", user_password="reader")
    pdf.output(str(tmp_path / "locked.pdf"))
    with pytest.raises(LoadError, match="encrypted or password-protected"):
        load_file(tmp_path / "locked.pdf")


def test_corrupt_pdf_is_a_load_error(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    with pytest.raises(LoadError, match="not a readable PDF"):
        load_file(path)


def test_empty_and_unsupported_files_are_load_errors(tmp_path):
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "deck.key").write_text("keynote")
    with pytest.raises(LoadError, match="empty"):
        load_file(tmp_path / "empty.md")
    with pytest.raises(LoadError, match="unsupported"):
        load_file(tmp_path / "deck.key")


def test_markdown_is_split_into_numbered_sections(tmp_path):
    path = tmp_path / "faq.md"
    path.write_text("# FAQ\n\n## Where are you based?\n\nIn Lisbon.\n\n## Empty heading\n\n"
                    "## How many staff?\n\n```\n# not a heading\n```\nTwelve.\n")
    pages = load_file(path).pages
    assert [(p.number, p.kind, p.title) for p in pages] == [
        (1, "section", "Where are you based?"), (2, "section", "How many staff?")]
    assert pages[0].text == "Where are you based?\nIn Lisbon."
    assert "Twelve." in pages[1].text and "# not a heading" in pages[1].text


def test_markdown_autolinks_keep_their_address_and_tags_go(tmp_path):
    path = tmp_path / "faq.md"
    path.write_text("## Where are the weights?\n\nDownload them from <https://example.org/models>, "
                    "ask <help@example.org> or <mailto:ops@example.org>.<br/> <b>Bold</b> [docs](https://x.y/z)\n")
    text = load_file(path).pages[0].text
    assert text == ("Where are the weights?\nDownload them from https://example.org/models, "
                    "ask help@example.org or ops@example.org. Bold docs")


def test_markdown_definition_lists_emphasis_and_toc_marker_become_text(tmp_path):
    path = tmp_path / "faq.md"
    path.write_text("# General\n\n[TOC]\n\nWhy was it called the injector?\n\n: The name came from "
                    "_Dependency Injection_; see my_var_name.\n\n: Now we call it 0install.\n")
    lines = [line for line in load_file(path).pages[0].text.split("\n") if line.strip()]
    assert lines == ["General", "Why was it called the injector?",
                     "The name came from Dependency Injection; see my_var_name.", "Now we call it 0install."]


def test_markdown_front_matter_and_kramdown_table_of_contents_are_left_out(tmp_path):
    path = tmp_path / "faq.md"
    path.write_text('---\nlast_review_date: "2025-02-08"\n---\n\n# FAQ\n\n* Table of Contents\n{:toc}\n\n'
                    "## How do I stop a formula updating?\n\nRun brew pin.\n{: .note}\n")
    pages = load_file(path).pages
    assert [p.title for p in pages] == ["How do I stop a formula updating?"]
    assert [line for line in pages[0].text.split("\n") if line] == ["How do I stop a formula updating?", "Run brew pin."]


def test_a_markdown_table_is_read_a_row_to_a_line_without_its_delimiter_row(tmp_path):
    path = tmp_path / "whitepaper.md"
    path.write_text("## Token allocation\n\n| Allocation | Percentage |\n|---|:---:|\n| Team | 15% |\n| Mining | 60% |\n")
    lines = [line for line in load_file(path).pages[0].text.split("\n") if line]
    assert lines == ["Token allocation", "Allocation | Percentage", "Team | 15%", "Mining | 60%"]


def test_markdown_comments_quote_marks_rules_and_latex_lines_are_not_text(tmp_path):
    """What the rendered page does not show: an HTML comment (the author's aside), a blockquote's or a
    bullet's marks, a thematic break, a Pandoc whitepaper's LaTeX command lines; front matter after a leading comment is
    still front matter (its CSS was indexed as text)."""
    path = tmp_path / "whitepaper.md"
    path.write_text("<!-- draft: check the figures -->\n---\ntitle: Prova\nstyle: |\n  h1 { color: red; }\n---\n"
                    "\\tableofcontents\n\n# Supply\n\n<!-- TODO: the old figure was 40M -->\n"
                    "> Total supply is 21M tokens.\n\n---\n\n\\newpage\n* **Halving** every 4 years.\n")
    pages = load_file(path).pages
    assert [p.title for p in pages] == ["Supply"]
    assert [line for line in pages[0].text.split("\n") if line] == ["Supply", "Total supply is 21M tokens.",
                                                                      "Halving every 4 years."]


def test_a_marp_deck_is_read_a_slide_to_a_page_with_its_comments_as_speaker_notes(tmp_path):
    """A Markdown slide deck (Marp) is a deck: each "---" starts a slide (not inside code), a heading inside
    a slide is part of it, a comment is the slide's notes unless it is a directive, a table's empty corner
    cell is no word."""
    path = tmp_path / "pitch-deck.md"
    path.write_text("<!-- Render with marp-cli -->\n---\nmarp: true\npaginate: true\n---\n\n<!-- _class: lead -->\n"
                    "# Airbotix\n\n## Teaching kids to code with AI\n\nJoe, Co-Founder & CTO\n\n"
                    "<!--\nSpeaker notes:\nOpen with the one-liner.\nThen the ask.\n-->\n\n---\n\n# Traction\n\n"
                    "|  | AU | CN |\n|--|:--:|:--:|\n| Students | 100+ | 0 |\n\n```\n---\n```\n\n---\n\n# Ask\n\nA$1M pre-seed\n")
    pages = load_file(path).pages
    assert [(p.number, p.kind, p.title) for p in pages] == [(1, "slide", "Airbotix"), (2, "slide", "Traction"),
                                                             (3, "slide", "Ask")]
    assert pages[0].text == ("Airbotix\nTeaching kids to code with AI\n\nJoe, Co-Founder & CTO\n"
                             "Speaker notes: Open with the one-liner.\nThen the ask.")
    assert [line for line in pages[1].text.split("\n") if line] == ["Traction", "AU | CN", "Students | 100+ | 0"]


def test_a_markdown_faq_in_details_blocks_is_a_section_per_question(tmp_path):
    """GitBook and GitHub FAQs set each question as a <details> block under one heading: each is a section
    of its own, headed by its summary; template tags and a heading's own id are not text, and tags between
    two words keep them apart."""
    path = tmp_path / "README.md"
    path.write_text("# Frequently Asked Questions\n\nAbout CIPP.\n\n<details>\n\n<summary>How much does CIPP cost to run?"
                    "</summary>\n\nIt should cost $15 - $20 per month.\n\n{% hint style=\"info\" %}\nHosted is separate.\n"
                    "{% endhint %}\n\n</details>\n\n<details><summary>Can I rebrand it?</summary>\n\nNo, the branding is "
                    "compiled into the code.\n</details>\n\n### Does trash count? {#trash}\n\n<span>Yes</span><span>always"
                    "</span>\n")
    pages = load_file(path).pages
    assert [p.title for p in pages] == ["Frequently Asked Questions", "How much does CIPP cost to run?",
                                        "Can I rebrand it?", "Does trash count?"]
    assert [line for line in pages[1].text.split("\n") if line] == [
        "How much does CIPP cost to run?", "It should cost $15 - $20 per month.", "Hosted is separate."]
    assert pages[3].text.split("\n")[-1] == "Yes always"


def test_a_slidev_deck_is_read_a_slide_to_a_page_as_it_is_shown(tmp_path):
    """A Slidev deck (its own keys in the front matter) is a deck: a slide's own front matter is no slide,
    its HTML is read as shown (entities decoded, a logo's alt text, a component's text attributes, no
    interpolation, page number or style block), and only the comment ending a slide is its notes."""
    path = tmp_path / "slides.md"
    path.write_text(
        "---\ntheme: default\ncolorSchema: dark\ntransition: fade\n---\n\n"
        '<div class="cover"><img src="/logo.svg" alt="Cambra">\n<h1>Ship fast.</h1></div>\n\n---\n'
        "layout: center\nclass: ask\n---\n\n"
        '<div class="eyebrow">{{ $slidev.nav.currentPage }} · Team</div>\n<!-- aside: redo the photos -->\n'
        '<TeamCard photo="/dan.jpg" name="Dan Sotolongo" role="Founder/CEO" :companies="[\'Snowflake\']">\n'
        "<p>Co-created Dynamic Tables.</p>\n</TeamCard>\n"
        '<div class="stat">CAC &lt; $200</div>\n<style>\n.stat { color: red; }\n</style>\n'
        '<div class="page-no">{{ $slidev.nav.currentPage }} / {{ $slidev.nav.total }}</div>\n\n'
        "<!--\nWe met at Snowflake.\n-->\n")
    pages = load_file(path).pages
    assert [(p.number, p.kind, p.title) for p in pages] == [(1, "slide", "Cambra"), (2, "slide", "Team")]
    assert [line for line in pages[0].text.split("\n") if line] == ["Cambra", "Ship fast."]
    assert [line for line in pages[1].text.split("\n") if line] == [
        "Team", "Dan Sotolongo, Founder/CEO", "Co-created Dynamic Tables.", "CAC < $200",
        "Speaker notes: We met at Snowflake."]
    # the deck page shows the slide's words, not its markup escaped, and not its notes
    from ingest.section_html import _formatted_sections
    shown = _formatted_sections(path)[1]
    assert shown.startswith("<h2>Team</h2>") and "CAC &lt; $200" in shown
    assert "&lt;div" not in shown and "Snowflake." not in shown


def test_text_file_and_invalid_encoding(tmp_path):
    (tmp_path / "notes.txt").write_text("Runway: 18 months.\nBurn: $90k per month.")
    pages = load_file(tmp_path / "notes.txt").pages
    assert len(pages) == 1 and pages[0].title == "Runway: 18 months."
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(LoadError, match="UTF-8"):
        load_file(tmp_path / "latin1.txt")


def test_garbled_text_layer_is_reported_not_indexed(tmp_path):
    path = tmp_path / "scanned.pdf"
    write_pdf(path, [["Solution", "J8M< DFE<P", "D8B< DFE<P J?8I<", ":LCKLI< n_\\e kiXm\\c`e^"], ["Team", "Ada, CEO"]])
    loaded = load_file(path)
    assert [p.text for p in loaded.pages] == ["Solution", "Team\nAda, CEO"]
    assert loaded.notes == ["page 1: 3 garbled line(s) left out (custom font encoding; OCR the PDF to index them)"]
