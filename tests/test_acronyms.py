"""A deck's acronyms and the words a reader spells them out with."""

from __future__ import annotations

from app.rag.acronyms import acronyms_in, spelled_out, with_acronyms


def test_acronyms_are_the_decks_words_in_capitals_that_it_never_writes_in_lower_case():
    text = "€31K ARR, €237K GMV. MiCA license pending. 30% of SMEs. OUR TEAM: our team. AI for EU. SKYT tokens"
    assert acronyms_in(text) == {"arr", "gmv", "mica", "sme", "skyt"}


def test_a_run_of_content_words_with_its_initials_spells_an_acronym_out():
    acronyms = {"arr", "gmv", "tam", "rec"}
    assert spelled_out("What is the current annual recurring revenue?", acronyms) == {
        "arr": ("annual", "recurring", "revenue")}
    assert spelled_out("How many producers register for Renewable Energy Certificates?", acronyms) == {
        "rec": ("renewable", "energy", "certificates")}
    # A chief officer without the "officer"; a chief of another letter is no such title.
    assert spelled_out("Who is the chief executive of Soldera?", {"ceo", "cto"}) == {"ceo": ("chief", "executive")}
    assert spelled_out("Who is the chief technology officer?", {"ceo", "cto"}) == {
        "cto": ("chief", "technology", "officer")}
    assert spelled_out("Who is the chief scientist?", {"ceo", "cto"}) == {}
    # Stop words break a run: "the average monthly" spells nothing.
    assert spelled_out("What is the average monthly total?", {"tam"}) == {}


def test_the_question_carries_the_acronym_beside_the_words_it_spells_out():
    assert with_acronyms("What is the gross merchandise value so far?", {"gmv", "arr"}) == (
        "What is the gross merchandise value (GMV) so far?")
    assert with_acronyms("Who is the CEO?", {"gmv"}) == "Who is the CEO?"
