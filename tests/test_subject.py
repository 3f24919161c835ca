"""What a deck is about: the company's name for "What do they do?" (app/rag/subject.py)."""

from __future__ import annotations

import pytest

from app.rag.answer import AnswerPipeline, AnswerSettings
from app.rag.retrieval import FaissRetriever
from app.rag.subject import asks_overview, subject_from_files
from app.rag.units import DeckUnits
from ingest.chunk import Chunk

SLIDES = ["Papermark\nSecure and modern document sharing infrastructure\nwww.papermark.io",
          "Team\nMarc Seitz, Co-Founder of Papermark\nIuliia Shnai, Co-Founder of Papermark",
          "How it works, in short\nPapermark turns your files into shareable links\nProduct updates shipped every week in 2025",
          "Traction\n60+ developers and contributors\nproduction customers in 30 countries"]


def deck(doc: str, slides: list[str] = SLIDES) -> list[Chunk]:
    return [Chunk(f"{doc}:{i}", "d", doc, text, i + 1, "page", text.split("\n")[0]) for i, text in enumerate(slides)]


@pytest.mark.parametrize("question", ["What do they do?", "What does the company do?", "What is the product?",
                                      "What's their product?", "What are they building?", "What is the project about?",
                                      "what does the startup offer", "Tell me about the company", "What is this about?",
                                      "Summarize the deck", "What's the elevator pitch?",
                                      # asked for briefly: the same question
                                      "Briefly, what do they do?", "In one sentence, what does the company do?",
                                      "What is the project about, in one line?", "In a nutshell, what are they building?"])
def test_questions_asking_only_what_the_company_does(question):
    assert asks_overview(question)


@pytest.mark.parametrize("question, asks", [
    ("What does Papermark do?", True), ("What is Papermark?", True), ("Tell me about Papermark", True),
    ("What does Papermark charge?", False), ("What is Papermark's revenue?", False),
    ("What does Papermark offer, in a few words?", True), ("What does Papermark say it provides?", True),
    ("What does Papermark say about security?", False), ("Briefly, what does Papermark charge?", False),
])
def test_a_question_naming_the_company_asks_what_it_does_as_the_general_one_does(question, asks):
    assert asks_overview(question, "Papermark") is asks


@pytest.mark.parametrize("question", ["What do they do with the money?", "What is the product roadmap?",
                                      "What do they do with the money, in short?",
                                      "What does Papermark do?", "Who are they?", "How much is the product?"])
def test_questions_asking_something_more(question):
    assert not asks_overview(question)


def test_the_company_is_named_by_a_file_name_word_the_documents_write_as_a_name():
    assert subject_from_files(deck("papermark_pitch_deck.pdf")) == "Papermark"  # "papermark.io" is an address
    assert subject_from_files(deck("pitch_deck.pdf")) is None  # the file names say only what kind of file
    # A word the documents also write in lower case is a word, not the company's name.
    assert subject_from_files(deck("production_investor_slides.pdf")) is None


def test_an_overview_question_is_searched_with_the_companys_name(embedder):
    units = DeckUnits(deck("papermark_deck.pdf"), embedder.embed)
    assert units.query_for("What is the product?") == "What does Papermark do?"
    assert units.query_for("What is the product roadmap?") != "What does Papermark do?"
    query = units.query_for("What is the product?")
    best = units.rank(query, embedder.embed([query])[0], {}, 3)[0]
    # The line saying what the company does, or the cover's tagline under its title, the name (a title
    # that short heads each of its lines: units.py TITLE_LINE_WORDS).
    assert best.unit.line.startswith(("Papermark turns your files", "Secure and modern document sharing"))
    # Without the name, "product" finds the line that says "Product updates".
    plain = units.without_common_words("What is the product?")
    assert units.rank(plain, embedder.embed([plain])[0], {}, 1)[0].unit.line == "Product updates shipped every week in 2025"


def test_the_owners_title_names_the_company_where_the_deck_uses_its_words(embedder):
    units = DeckUnits(deck("pitch_deck.pdf"), embedder.embed)  # the file names name no company
    assert units.subject is None and units.query_for("What do they do?") == "What do they do?"
    assert units.query_for("What do they do?", title="Papermark") == "What does Papermark do?"
    assert units.query_for("What do they do?", title="Our Seed Deck 2026") == "What do they do?"


def test_what_do_they_do_is_answered_from_the_deck_named_by_its_owner(example_index, embedder):
    """The sample deck's files (pitch_deck.pdf, faq.md, whitepaper.pdf) do not name the company; its
    deck.toml title does. Without it the question names nothing the deck says: it was refused, and is now
    answered from the deck's cover alone."""
    def no_model():
        raise AssertionError("the model must not be asked")

    retriever = FaissRetriever(example_index, embedder)
    unnamed = AnswerPipeline(retriever, no_model, AnswerSettings()).answer("example", "What do they do?")
    assert not unnamed.refused and unnamed.answer.startswith("The documents say: \u201cTidewater Robotics / Autonomous")
    named = AnswerPipeline(retriever, no_model, AnswerSettings(), titles=lambda d: "Tidewater Robotics")
    result = named.answer("example", "What do they do?")
    assert not result.refused and "hull-cleaning" in result.answer


def test_the_cover_line_is_the_longest_statement_on_the_decks_first_page(embedder):
    """"What do they do?" is answered from the cover first; of several documents the deck is the one whose
    first page says least (a whitepaper's is text), and an FAQ has no cover."""
    cover = ("Tidewater Robotics\nAutonomous hull-cleaning robots for ocean cargo ships\nSeed round, March 2026\n"
             "www.tidewater-robotics.com/investors/seed-round-2026")
    paper = ("MantaBot M2: Technical Whitepaper\nThis paper describes the technology inside the MantaBot M2 crawler: "
             "how it finds its way around a hull and how it removes fouling without damaging the paint.")
    chunks = (deck("whitepaper.pdf", [paper, "2. Navigation\nThe crawler maps the hull with sonar."])
              + deck("pitch_deck.pdf", [cover, *SLIDES[1:]])
              + [Chunk("faq:0", "d", "faq.md", "What is the company's whole story, told at length in one answer?", 1,
                       "section", "FAQ")])
    units = DeckUnits(chunks, embedder.embed)
    assert units.cover.line == "Autonomous hull-cleaning robots for ocean cargo ships"  # not the address
    assert DeckUnits(chunks[:2], embedder.embed).cover.line.startswith("This paper describes")
    assert DeckUnits(chunks[-1:], embedder.embed).cover is None


def test_a_cover_statement_ending_with_the_companys_site_is_still_the_cover(embedder):
    """A web address alone says nothing, but a statement that ends with one is still the statement (the
    Papermark cover's one line; it was dropped, so "What does Papermark offer?" found no cover)."""
    cover = "Papermark\nSecure and modern document sharing infrastructure www.papermark.io"
    units = DeckUnits(deck("papermark_deck.pdf", [cover, *SLIDES[1:]]), embedder.embed)
    assert units.cover.line == "Secure and modern document sharing infrastructure www.papermark.io"


def test_a_question_naming_the_company_is_searched_as_the_general_one(embedder):
    """"What does Papermark offer, in a few words?" was searched as written (the answer step took it for an
    overview question, the search did not), so retrieval never looked for the line saying what it does."""
    units = DeckUnits(deck("papermark_deck.pdf"), embedder.embed)
    assert units.query_for("What does Papermark offer, in a few words?") == "What does Papermark do?"
    assert units.query_for("What does Papermark charge?") != "What does Papermark do?"
