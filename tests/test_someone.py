"""Questions asking who, and whether a line names someone: table tests, no model."""

from __future__ import annotations

import pytest

from app.rag.someone import (
    asks_for_person,
    asks_for_someone,
    lowercase_words,
    names_someone,
    proper_words,
    question_words,
    role_holders,
    role_written,
    says_of_role,
)

DECK = lowercase_words("We are raising a pre-seed round. Use of funds: engineering and sales. Our financial "
                       "projections assume trade finance at a low cost. Contact sebastian@skyocean.io")


@pytest.mark.parametrize("question, asks", [
    ("Who is the CEO?", True),
    ("Who is leading the round?", True),
    ("Which companies does Soldera see as its main competitors?", True),
    ("Which former investors backed the company?", True),
    ("Who is the product for?", False),  # a kind of reader, not a name
    ("Who are their customers?", False),
    ("Who owns the hull data?", False),  # a party: "The shipowner owns all hull data"
    ("Who owns the company?", True),
    ("Which courses are failed most often?", False),  # a thing, not someone
    ("What keeps banks from risk-pricing small trade deals?", False),
    # a product is asked for by its name too: "Grounded LLM chat" names no LLM
    ("Which LLM powers the grounded chat?", True),
    ("What web framework serves the API?", True),
    ("Which graph database is the primary store?", True),
    ("What business model do they use?", False),  # a kind of model, answered by "subscription"
])
def test_which_questions_ask_for_someone(question, asks):
    assert asks_for_someone(question) is asks


@pytest.mark.parametrize("text, named", [
    ("Sebastian Gonzalez / CEO/Co-founder", True),  # two capitalised words the deck never writes in lower case
    ("SEBASTIAN GONZALEZ, CEO", True),
    ("The round is led by Maersk and two angels.", True),  # one word inside a sentence
    ("Use of Funds & Financial Projections / Trade Finance", False),  # a title-case heading of the deck's own words
    ("Soldera is an AI agent for REC reporting", False),  # the question's own name; acronyms name no one
    ("Seed round, March 2026", False),  # a date
    ("the struggles of communities in American history", False),  # a nation's adjective
    ("The round funds 24 months of runway to Series A.", False),  # a funding round's stage
    ("Write to sebastian@skyocean.io", False),  # an address is not the deck writing a name
    ("Pre-seed Round Target: 2M", False),  # "round" is the question's word
    ("Multi-agent apps with LLMs and tools", False),  # a plural acronym is no name
    ("The AI-powered future of consulting", False),  # nor a word joined to one
])
def test_a_name_is_capitalised_words_the_deck_never_writes_in_lower_case(text, named):
    asked = question_words("Who is leading Soldera's pre-seed round?")
    assert names_someone(text, asked, DECK) is named


def test_a_title_the_question_names_is_trimmed_from_the_name():
    asked = question_words("Who is the advisor?")
    assert names_someone("Advisor Captain Jonas Ebbesen: 25 years as master", asked, DECK, person=True)
    assert not names_someone("Advisor Board", asked, DECK, person=True)  # one word left: no person's name
    assert not names_someone("Team Arya", question_words("Who is in Team Arya?"), DECK)  # all the question's


def test_an_address_does_not_make_a_name_a_common_word():
    assert "sebastian" not in DECK and "funds" in DECK


@pytest.mark.parametrize("question, person", [
    ("Who is Soldera's CEO?", True),
    ("Who are the other three members of Team Arya?", True),
    ("Who built the simulator?", True),
    ("Which advisor founded Equinix?", True),
    ("Who is leading the round?", False),  # an investor may
    ("Who are Soldera's main competitors?", False),
    ("Which investor backed the startup one of the founders ran?", False),
    ("Which organization are the authors affiliated with?", False),
])
def test_which_questions_ask_for_a_person(question, person):
    assert asks_for_person(question) is person


@pytest.mark.parametrize("text, named", [
    ("Sebastian Gonzalez / CEO/Co-founder", True),
    ("SEBASTIAN GONZALEZ, CEO", True),
    ("Dr Saleh Al Hazbi and Mr Ayman Adil", True),
    ("ET AI Hackathon 2026 \u00b7 PS6 \u00b7 Team Arya + 3", False),  # one word; "Team Arya" is the question's
    ("GitHub Copilot was trained on GitHub.", False),  # a product: a capital inside a word
    ("Use of Funds & Financial Projections", False),  # words the deck writes in lower case
    ("The round is led by Maersk and two angels.", False),  # a company, one word
    # A first name alone, with a role written beside it, as a team slide lists the founders.
    ("Lightman, Co-Founder", True),
    ("Joe, Co-Founder & CTO (ex-Google)", True),
    ("Joe \u2014 Co-Founder & CTO", True),
    ("CEO: Maren", True),
    ("Team, Founders", False),  # a word of the question's
    ("Sales, Head of growth", False),  # a word the deck writes in lower case
])
def test_a_person_is_named_by_two_words_of_a_name(text, named):
    asked = question_words("Who are the members of Team Arya?")
    assert names_someone(text, asked, DECK, person=True) is named


@pytest.mark.parametrize("question, text, written", [
    ("Who is the CEO?", "CEO Maren Okafor: ex-head of fleet performance", True),
    ("Who is the chief executive of Soldera?", "Stenver Jerkku, CEO", True),  # the same role, written short
    ("Who is the CEO?", "Stenver Jerkku, Chief Executive Officer", True),
    ("Who is the head of sales?", "CEO Maren Okafor: ex-head of fleet performance", False),  # another role
    ("Who is the head of sales?", "Jane Doe, Head of Sales", True),
    ("Who is the CFO?", "COO Priya Raman: ran port operations", False),
    ("Who built the simulator?", "Najeeb Barkhad", True),  # no role named: nothing to check
])
def test_a_role_the_question_names_is_written_in_the_answering_line(question, text, written):
    assert role_written(question, text) is written


TEAM_LINES = ["CTO Tomas Lindqvist: built underwater inspection drones at Aquaris Systems.",
              "COO Priya Raman: ran port operations", "Ana Ruiz (CEO), Ben Okafor (CTO) and Chen Li (COO)"]


@pytest.mark.parametrize("question, holders", [
    ("When did the CTO join?", {"tomas", "lindqvist", "ben", "okafor"}),  # role before or after the name
    ("When did the chief operating officer join?", {"priya", "raman", "chen", "li"}),
    ("How many years of experience does the CFO have?", set()),  # no line names one
    ("When was the company founded?", set()),  # no role asked about
])
def test_the_holder_of_a_role_is_the_name_written_beside_it(question, holders):
    assert role_holders(question, TEAM_LINES, lowercase_words("ran port operations built drones")) == holders


def test_a_line_about_someone_else_says_nothing_of_the_role():
    joined = "Priya Raman joined as the third co-founder in early 2024."
    assert not says_of_role("When did the CTO join?", joined, frozenset({"tomas", "lindqvist"}))
    assert says_of_role("When did the COO join?", joined, frozenset({"priya", "raman"}))
    assert says_of_role("When did the CTO join?", "Our CTO joined in 2024.", frozenset({"tomas", "lindqvist"}))
    assert says_of_role("When did the CTO join?", joined, frozenset())  # nobody named in the role: no check


def test_a_word_the_deck_writes_as_a_name_inside_sentences_is_a_name_where_it_opens_a_line():
    """"Which database is a good fit for the cache?" is answered by "Redis is great for the cache backend.":
    one capitalised word opening a line is no name by itself, but this deck writes "Redis" inside sentences
    too, and never in lower case. A title-case heading's capitals ("Use of Funds") say nothing."""
    deck = ("You can use both of them: run Redis, which is easier to install than PostgreSQL.\nUse of Funds & Financial Projections\n"
            "We chose the Pyramid framework.\nRedis is great for the cache backend.\nOur funds go to the team.")
    proper = proper_words(deck)
    assert {"redis", "postgresql", "pyramid"} <= proper and not {"funds", "financial", "use"} & proper
    asked = question_words("Which database is considered a good fit for the caching layer?")
    lowercase = lowercase_words(deck)
    assert names_someone("Redis is great for the cache backend.", asked, lowercase, proper=proper)
    assert not names_someone("Redis is great for the cache backend.", asked, lowercase)
    assert not names_someone("Funds go to the team.", asked, lowercase, proper=proper)  # written so in a heading only
