"""A second company, written here: a PPTX deck whose substance sits in its speaker notes, an HTML whitepaper
with a menu and a Markdown FAQ. Real models, FAISS and SQLite, through the chat API: the answers a reader is
shown, right or refused. Some rules were mended on its questions ("R&D (20%)", "decolourisation", "Series
A", "how many times"), so it guards them; it is no held-out measure (eval/dev's validation half is)."""

from __future__ import annotations

import pytest
from pptx import Presentation

from app import create_app
from app.services import Services
from tests.conftest import app_config, make_ingester

SLIDES = [
    ("Verdalia", ["Enzyme-based recycling for polyester textiles", "Series A, 2026"],
     "Welcome. Verdalia turns old polyester clothes back into virgin-quality fibre using enzymes instead of heat."),
    ("The problem", ["Only 1% of textiles are recycled into new textiles", "Polyester is 54% of global fibre output"],
     "Most discarded polyester ends up in landfill or incineration."),
    ("Traction", ["Pilot plant in Lyon: 400 tonnes per year", "Offtake LOI with two sportswear brands"],
     "The pilot plant has run since September 2025."),
    ("Business model", ["Tolling fee per tonne processed", "Licensing for partner plants"],
     ("We charge brands a tolling fee of 310 euros per tonne. From 2028 we will license the process to partner "
      "plants for a royalty of 6% of revenue.")),
    ("Team", ["Dr. Amira Haddad, CEO", "Julien Morel, CTO", "Sofia Lindgren, CFO"],
     "Amira led enzyme research at a national lab for nine years. Julien scaled two biochemical plants."),
    ("The ask", ["Raising 18 million euros Series A", "Use: first commercial plant (70%), R&D (20%), team (10%)"],
     "The round is led by Greenfield Capital, which has committed 6 million euros. We expect to close in Q2 2026."),
]
WHITEPAPER = """<html><head><title>Verdalia technical whitepaper</title></head><body>
<nav><a href="/">Home</a> <a href="/blog">Blog</a> <a href="/careers">Careers</a></nav>
<h1>Verdalia technical whitepaper</h1>
<h2>1. Process overview</h2><p>Shredded textiles are sorted by near-infrared scanners. The remaining polyester is
fed into stirred reactors where the enzyme depolymerises it within 16 hours.</p>
<h2>2. Enzyme</h2><p>The enzyme is a PETase variant produced by fermentation in yeast. It can be reused for up to
five batches before it loses half its activity.</p>
<h2>3. Emissions</h2><p>An independent life-cycle assessment found 57% lower CO2 emissions per tonne than virgin
polyester.</p>
<h2>4. Limitations</h2><p>Dyed fabrics need an extra decolourisation step, which adds about 40 euros per tonne.</p>
<footer>Copyright Verdalia SAS. All rights reserved.</footer></body></html>"""
FAQ = """# Verdalia FAQ

## Where is Verdalia based?

Verdalia SAS is headquartered in Lyon, France, where the pilot plant also sits.

## Do you hold patents?

We hold two granted patents on the enzyme variant and have four applications pending.
"""


@pytest.fixture(scope="module")
def verdalia(tmp_path_factory, embedder, generator):
    content = tmp_path_factory.mktemp("content")
    deck = content / "verdalia"
    deck.mkdir()
    slides = Presentation()
    for title, bullets, notes in SLIDES:
        slide = slides.slides.add_slide(slides.slide_layouts[1])
        slide.shapes.title.text = title
        body = slide.placeholders[1].text_frame
        body.text = bullets[0]
        for bullet in bullets[1:]:
            body.add_paragraph().text = bullet
        slide.notes_slide.notes_text_frame.text = notes
    slides.save(deck / "deck.pptx")
    (deck / "whitepaper.html").write_text(WHITEPAPER)
    (deck / "faq.md").write_text(FAQ)
    (deck / "deck.toml").write_text('title = "Verdalia"\n')
    index_dir = tmp_path_factory.mktemp("index")
    assert make_ingester(index_dir, embedder).ingest("verdalia", deck).ok
    config = app_config(tmp_path_factory.mktemp("app"), index_dir) | {"CONTENT_DIR": str(content)}
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))
    return app.test_client()


@pytest.mark.parametrize("question, shown", [
    ("How much goes to R&D?", "20% \u2014"),  # a share in a list of uses, not the round's amount
    ("How much are they raising?", "18 million euros \u2014"),
    ("How much has the lead investor committed?", "6 million euros \u2014"),  # from the speaker notes
    ("What does decolourisation cost?", "40 euros \u2014"),  # not the tolling fee found by "cost" alone
    ("What is the tolling fee?", "310 euros \u2014"),
    ("How long does depolymerisation take?", "within 16 hours \u2014"),  # from the HTML whitepaper
    ("How many times can the enzyme be reused?", "five \u2014"),
    ("How much lower are CO2 emissions?", "57% \u2014"),
    ("Where is the company based?", "Lyon, France \u2014"),  # from the FAQ
    ("How many patents have been granted?", "two \u2014"),
])
def test_a_fact_is_answered_from_whichever_document_states_it(verdalia, question, shown):
    body = verdalia.post("/api/chat", json={"deck": "verdalia", "question": question}).get_json()
    assert not body["refused"] and body["answer"].startswith(shown), body["answer"]


def test_who_leads_the_round_is_quoted_from_the_speaker_notes(verdalia):
    body = verdalia.post("/api/chat", json={"deck": "verdalia", "question": "Who leads the round?"}).get_json()
    assert not body["refused"] and "Greenfield Capital" in body["answer"], body["answer"]


def test_what_the_company_does_is_answered_never_refused(verdalia):
    body = verdalia.post("/api/chat", json={"deck": "verdalia", "question": "What do they do?"}).get_json()
    assert not body["refused"] and "polyester" in body["answer"], body["answer"]


@pytest.mark.parametrize("question", ["What is the valuation?", "What is the churn rate?", "When did the CFO join?",
                                      "How many employees do they have?"])
def test_what_the_documents_do_not_say_is_refused(verdalia, question):
    body = verdalia.post("/api/chat", json={"deck": "verdalia", "question": question}).get_json()
    assert body["refused"] and body["answer"].startswith("The documents do not say"), body["answer"]
