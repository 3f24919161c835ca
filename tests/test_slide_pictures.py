"""PPTX decks shown as they look: LibreOffice (headless) renders the slides at ingest, hidden ones too, so
each picture sits under the number its text is indexed with; without LibreOffice, the text cards stay."""

from __future__ import annotations

import shutil

import pytest
from pptx import Presentation
from pptx.util import Inches

from app import create_app
from app.services import Services
from ingest import slide_pictures
from ingest.store import current_build, page_image_path
from tests.conftest import app_config, make_ingester

needs_libreoffice = pytest.mark.skipif(
    slide_pictures.soffice() is None,
    reason="no LibreOffice: `make test` installs Debian's libreoffice-impress-nogui when it can (needs apt and root)")


def make_deck(folder):
    folder.mkdir(parents=True)
    deck = Presentation()
    for number, title in enumerate(["Tidewater Robotics", "The Ask: $4.5 million seed", "Appendix"], 1):
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = title
        slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1)).text_frame.text = f"Slide {number} text"
    deck.slides[2]._element.set("show", "0")  # a hidden slide: still indexed, so still pictured
    deck.save(str(folder / "deck.pptx"))


def deck_app(tmp_path, index_dir, embedder, generator):
    return create_app(app_config(tmp_path, index_dir),
                      make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))


@needs_libreoffice
def test_pptx_slides_are_pictured_under_their_own_numbers(tmp_path, embedder, generator):
    make_deck(tmp_path / "content" / "pptxdeck")
    index_dir = tmp_path / "index_store"
    assert make_ingester(index_dir, embedder).ingest("pptxdeck", tmp_path / "content" / "pptxdeck").ok
    build = current_build(index_dir, "pptxdeck")
    assert all(page_image_path(build, 0, page).is_file() for page in (1, 2, 3))
    assert not page_image_path(build, 0, 4).exists()
    page = deck_app(tmp_path, index_dir, embedder, generator).test_client().get("/decks/pptxdeck")
    html = page.get_data(as_text=True)
    assert html.count('src="/decks/pptxdeck/pages/0/') == 3 and "slide 2" in html


def test_without_libreoffice_the_slides_stay_text_cards(tmp_path, embedder, generator, monkeypatch):
    monkeypatch.setattr(slide_pictures, "soffice", lambda: None)
    make_deck(tmp_path / "content" / "pptxdeck")
    index_dir = tmp_path / "index_store"
    assert make_ingester(index_dir, embedder).ingest("pptxdeck", tmp_path / "content" / "pptxdeck").ok
    html = deck_app(tmp_path, index_dir, embedder, generator).test_client().get("/decks/pptxdeck").get_data(as_text=True)
    assert "/decks/pptxdeck/pages/" not in html and "The Ask: $4.5 million seed" in html


@needs_libreoffice
def test_a_failing_conversion_keeps_the_text_and_the_ingest(tmp_path, embedder, monkeypatch):
    monkeypatch.setattr(slide_pictures, "soffice", lambda: shutil.which("false"))  # exits 1
    make_deck(tmp_path / "content" / "pptxdeck")
    index_dir = tmp_path / "index_store"
    assert make_ingester(index_dir, embedder).ingest("pptxdeck", tmp_path / "content" / "pptxdeck").ok
    assert not page_image_path(current_build(index_dir, "pptxdeck"), 0, 1).exists()
