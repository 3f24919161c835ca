"""PPTX, DOCX, HTML and FAQ-style Markdown loaders, and garbled PDF text, on files the tests make."""

from __future__ import annotations

import docx
import pytest
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from ingest.loaders import LoadError, load_file
from ingest.loaders.pdf import is_garbled


def make_pptx(path) -> None:
    deck = Presentation()
    title_only = deck.slide_layouts[5]
    slide = deck.slides.add_slide(title_only)
    slide.shapes.title.text = "Traction"
    group = slide.shapes.add_group_shape()
    box = group.shapes.add_textbox(Inches(1), Inches(2), Inches(4), Inches(1))
    box.text_frame.text = "ARR of $310,000 in grouped box"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(4), Inches(4), Inches(1)).table
    for r, row in enumerate([("Customer", "Ships"), ("Nordlys Shipping", "12")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    slide.notes_slide.notes_text_frame.text = "2:15-3:30. Mention the Maersk pilot."  # a timing cue first
    chart_slide = deck.slides.add_slide(title_only)
    chart_slide.shapes.title.text = "Growth"
    data = CategoryChartData()
    data.categories = ["2025", "2026"]
    data.add_series("Revenue", (1, 3))
    chart = chart_slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1), Inches(6), Inches(4),
                                         data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = "Revenue by year"
    deck.slides.add_slide(deck.slide_layouts[6])  # blank: no text at all
    deck.save(str(path))


def test_pptx_slides_have_titles_groups_tables_charts_and_notes(tmp_path):
    make_pptx(tmp_path / "deck.pptx")
    loaded = load_file(tmp_path / "deck.pptx")
    first, second = loaded.pages
    assert (first.number, first.kind, first.title) == (1, "slide", "Traction")
    assert first.text.split("\n")[0] == "Traction" and first.text.count("Traction") == 1
    assert "ARR of $310,000 in grouped box" in first.text
    assert "Nordlys Shipping | 12" in first.text
    assert "Speaker notes: Mention the Maersk pilot." in first.text
    assert (second.number, second.title) == (2, "Growth") and "Chart: Revenue by year" in second.text
    assert loaded.notes == ["slide 3: no text (image only?)"]


def test_a_grid_of_text_boxes_is_read_a_row_to_a_line_a_team_of_two_rows_box_by_box(tmp_path):
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Results"
    rows = [("Metric", "Single run", "Mean"), ("Graduation rate", "66.1%", "65.8%"), ("On-time rate", "33.5%", "33.5%")]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            # a nudged box stays in its row
            slide.shapes.add_textbox(Inches(1 + 3 * c), Inches(2 + r) + (12_000 if c == 1 else 0), Inches(2),
                                     Inches(0.5)).text_frame.text = value
    slide.shapes.add_textbox(Inches(1), Inches(6), Inches(8), Inches(1)).text_frame.text = "Two thirds graduate."
    team = deck.slides.add_slide(deck.slide_layouts[5])
    team.shapes.title.text = "Team"
    for c, (name, role) in enumerate([("Ana Ruiz", "CEO"), ("Ben Okafor", "CTO")]):
        team.shapes.add_textbox(Inches(1 + 4 * c), Inches(2), Inches(3), Inches(0.5)).text_frame.text = name
        team.shapes.add_textbox(Inches(1 + 4 * c), Inches(3), Inches(3), Inches(0.5)).text_frame.text = role
    deck.save(str(tmp_path / "grid.pptx"))
    results, people = load_file(tmp_path / "grid.pptx").pages
    assert results.text.split("\n") == ["Results", "Metric | Single run | Mean", "Graduation rate | 66.1% | 65.8%",
                                        "On-time rate | 33.5% | 33.5%", "Two thirds graduate."]
    assert people.text.split("\n") == ["Team", "Ana Ruiz", "Ben Okafor", "CEO", "CTO"]


def test_cards_side_by_side_are_read_card_by_card(tmp_path):
    from pptx.enum.shapes import MSO_SHAPE

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "How it works"
    steps = [("1", "Report", "A citizen forwards the message."), ("2", "Verdict", "Red flags in two seconds."),
             ("3", "Graph", "The report joins the ring.")]
    for c, (number, heading, body) in enumerate(steps):
        left = Inches(0.5 + 3 * c)
        slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, Inches(2), Inches(2.8), Inches(3))  # the card
        slide.shapes.add_textbox(left + Inches(0.1), Inches(2.1), Inches(0.5), Inches(0.5)).text_frame.text = number
        slide.shapes.add_textbox(left + Inches(0.7), Inches(2.1), Inches(2), Inches(0.5)).text_frame.text = heading
        slide.shapes.add_textbox(left + Inches(0.1), Inches(3), Inches(2.6), Inches(1)).text_frame.text = body
    slide.shapes.add_textbox(Inches(0.5), Inches(5.5), Inches(8), Inches(0.5)).text_frame.text = "All in one loop."
    # One backdrop alone is no set of cards: its boxes are read as the slide is.
    backdrop = deck.slides.add_slide(deck.slide_layouts[5])
    backdrop.shapes.title.text = "Market"
    backdrop.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(0.5), Inches(2), Inches(9), Inches(4))
    for c, (figure, label) in enumerate([("$308B", "Global market"), ("$60B", "Small businesses")]):
        backdrop.shapes.add_textbox(Inches(1 + 4 * c), Inches(2.5), Inches(3), Inches(0.5)).text_frame.text = figure
        backdrop.shapes.add_textbox(Inches(1 + 4 * c), Inches(3.5), Inches(3), Inches(0.5)).text_frame.text = label
    deck.save(str(tmp_path / "cards.pptx"))
    cards, market = load_file(tmp_path / "cards.pptx").pages
    assert cards.text.split("\n") == ["How it works", "1", "Report", "A citizen forwards the message.", "2", "Verdict",
                                      "Red flags in two seconds.", "3", "Graph", "The report joins the ring.",
                                      "All in one loop."]
    assert market.text.split("\n") == ["Market", "$308B", "$60B", "Global market", "Small businesses"]


def test_docx_sections_follow_headings_with_tables(tmp_path):
    document = docx.Document()
    document.add_paragraph("Confidential whitepaper.")
    document.add_heading("Navigation", level=1)
    document.add_paragraph("Positioning accuracy is 4 cm.")
    document.add_heading("Battery", level=2)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Capacity", "7.2 kWh"
    document.save(str(tmp_path / "paper.docx"))
    pages = load_file(tmp_path / "paper.docx").pages
    assert [(p.number, p.title) for p in pages] == [
        (1, "Confidential whitepaper."), (2, "Navigation"), (3, "Battery")]
    assert pages[1].text == "Navigation\nPositioning accuracy is 4 cm."
    assert pages[2].text == "Battery\nCapacity | 7.2 kWh"


def test_html_keeps_main_text_without_scripts_styles_or_navigation(tmp_path):
    (tmp_path / "faq.html").write_text(
        "<html><head><style>p {color: red}</style><script>alert('x')</script></head><body>"
        "<nav>Home | Blog</nav><main><p>Welcome to our FAQ.</p><h2>Where are you based?</h2>"
        "<p>In <b>Gothenburg</b>.</p><h2>Staff?</h2><ul><li>17 people</li></ul></main>"
        "<footer>(c) 2026</footer></body></html>")
    pages = load_file(tmp_path / "faq.html").pages
    assert [(p.number, p.title) for p in pages] == [(1, "Welcome to our FAQ."), (2, "Where are you based?"),
                                                    (3, "Staff?")]
    assert "Gothenburg" in pages[1].text and "17 people" in pages[2].text
    text = " ".join(p.text for p in pages)
    assert "alert" not in text and "color" not in text and "Home | Blog" not in text and "(c) 2026" not in text


def test_mkdocs_admonition_faq_becomes_one_section_per_question(tmp_path):
    (tmp_path / "faq.md").write_text(
        "# FAQ\n\nIntro.\n\n??? question \"Is Python 3.14 supported?\"\n\n"
        "    Python 3.14 is supported from version 2.59.\n\n"
        "??? question \"Does it run offline?\"\n    Yes, fully offline.\n\nClosing words.\n")
    pages = load_file(tmp_path / "faq.md").pages
    assert [p.title for p in pages] == ["FAQ", "Is Python 3.14 supported?", "Does it run offline?"]
    assert pages[1].text == "Is Python 3.14 supported?\nPython 3.14 is supported from version 2.59."
    assert "Yes, fully offline." in pages[2].text and "Closing words." in pages[2].text


@pytest.mark.parametrize("line, garbled", [
    ("9ffb\x17iffdj\x17n`k_\x17cfZXcj#", True),
    ("DFE<P", True),
    ("Bkd Ckrr Xzpl Tsk", True),
    ("Revenue grew 240% to \u00a355k (May 2024)", False),
    ("\u25cf IoT sensors, GPS and LoRa", False),
    ("TAM: $4.8 billion per year", False),
    ("~$20M", False),  # a figure's own "about" sign, on a line of its own
    ("<5%", False),
    ("~~<>|", True),
])
def test_garbled_text_layer_lines_are_recognised(line, garbled):
    assert is_garbled(line) is garbled


def test_corrupt_office_files_are_load_errors(tmp_path):
    for name in ("deck.pptx", "paper.docx"):
        (tmp_path / name).write_bytes(b"PK\x03\x04 not really a zip")
        with pytest.raises(LoadError, match="not a readable"):
            load_file(tmp_path / name)
