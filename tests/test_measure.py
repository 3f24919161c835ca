"""What a typed question measures, and whether the evidence names it (real embedder, index and decision)."""

from __future__ import annotations

import pytest

from app.rag.answer import AnswerPipeline, AnswerSettings
from app.rag.answer_type import expected_type
from app.rag.measure import (
    deck_measure_words,
    measure_terms,
    measured_words,
    named_thing,
    names_measure,
    states_measured,
)
from app.rag.retrieval import FaissRetriever
from app.rag.units import terms
from tests.conftest import make_ingester


@pytest.mark.parametrize("question, words", [
    ("How many employees does Soldera have?", ["employees"]),
    ("How many times can the enzyme be reused?", []),  # occurrences, stated in any unit ("five batches")
    ("How many seeds went into the Monte Carlo average?", ["seeds"]),
    ("How many digital images related to underserved communities?", ["digital", "images"]),
    ("How many Presidential Libraries does NARA operate?", ["presidential", "libraries"]),
    ("What pre-money valuation is Skyocean seeking?", ["valuation"]),
    ("How much funding are they raising, and at what valuation?", ["funding"]),  # the first money word
    ("At what valuation is Soldera raising its \u20ac2M?", ["valuation"]),  # "raising" is context
    ("What is Papermark's customer churn rate?", ["churn"]),
    ("What is the city's actual historical graduation rate for CS students?", ["graduation"]),
    ("What gross margin does Soldera make on its fees?", ["margin"]),  # the measure noun itself
    ("What is the total supply of SKYT tokens?", ["supply"]),
    ("What is the maximum number of runs the solver performs?", ["runs"]),
    ("What percentage of revenue comes from Europe?", ["revenue"]),
    # a negation or an adverb ends the phrase: the measure is the noun before it, not "can't" or "even"
    ("What share of SMEs can't take part in international trade?", ["smes"]),
    ("What share of producers don't even register for certificates?", ["producers"]),
    ("How many customers don\u2019t renew?", ["customers"]),
    ("How many users already pay?", ["users"]),
    # a verb before its object ends the phrase; a capitalised "-ing" word is a name, no participle
    ("What web framework serves the simulator's API?", ["framework"]),
    ("Which courses see the most capacity-blocked requests?", ["courses"]),
    ("About how many service members leave the military every year?", ["service", "members"]),
    ("Which former Elering chief executive advises Soldera?", ["chief"]),
    ("What happens if Neo4j goes down?", []),  # asks for no thing by name
    ("When does the round close?", []),  # a date: nothing to name
    ("Who is the CTO?", []),
    ("Which OCR engine does Docling use by default?", ["engine"]),  # untyped: the thing asked for
    ("Under what license is the code released?", ["license"]),
    ("What is the mission of the company?", []),
    ("What does Papermark offer?", []),
    # a metric of its own, not its money word's: no fee answers it
    ("What is the customer acquisition cost?", ["acquisition"]),
    ("What is the CAC cost per ship?", ["cac"]),
    ("How much does onboarding cost?", ["cost"]),
])
def test_the_words_naming_what_a_question_measures(question, words):
    assert measured_words(question, expected_type(question)) == words


def test_a_measure_the_deck_never_writes_is_searched_with_the_deck_s_words_for_it():
    """The sample deck states its price as a subscription and a fee, never with "price" or "cost"."""
    deck = terms("Robot-as-a-Service subscription: $48,000 per ship per year. One-time onboarding fee of $6,500. "
                 "Raising $4.5 million seed.")
    assert deck_measure_words("What is the price?", deck) == ["fee", "subscription"]
    assert deck_measure_words("How much do customers pay?", deck) == ["fee", "subscription"]
    assert deck_measure_words("What is the subscription fee?", deck) == []  # the deck writes the word itself
    assert deck_measure_words("How many employees do they have?", deck) == []  # nothing of that measure
    assert deck_measure_words("Who are the founders?", deck) == []
    assert deck_measure_words("How much money are they raising?", deck) == ["raise"]


def test_a_follow_up_is_searched_with_the_deck_s_words_for_its_own_measure_only(example_index, embedder):
    """A follow-up's query is the question before it and the new one (app/rag/followup.py): the money
    asked for before must not pull the funding lines over the one that says when the round closes."""
    query = "How much money is Tidewater Robotics raising? And when does the round close?"
    found = FaissRetriever(example_index, embedder).evidence("example", query, 5, 3,
                                                             question="And when does the round close?")
    assert any("30 April 2026" in hit.unit.line for hit in found.units), [hit.unit.line for hit in found.units]


@pytest.mark.parametrize("question, thing", [
    ("What is the name of Skyocean's native token?", "token"),
    ("What is the native token called?", "token"),
    ("What's the name of their app?", "app"),
    ("What is the revenue?", None),
    ("Who is the CEO?", None),
])
def test_the_thing_whose_name_a_question_asks_for(question, thing):
    assert named_thing(question) == thing


def test_a_line_names_the_measure_by_its_head_or_a_word_of_the_same_measure():
    employees = measure_terms("How many new employees does Acme have?", expected_type("How many employees?"))
    assert names_measure(employees, frozenset(terms("A team of 14 engineers")))
    assert names_measure(employees, frozenset(terms("14 employees in Oslo")))
    assert not names_measure(employees, frozenset(terms("95% of administrative overhead removed")))
    assert not names_measure(employees, frozenset(terms("New customers: 12")))  # "new" is not the measure
    churn = measure_terms("What is the customer churn rate?", expected_type("What is the customer churn rate?"))
    assert not names_measure(churn, frozenset(terms("150% user growth year over year")))
    raising = measure_terms("How much are they raising?", expected_type("How much are they raising?"))
    assert names_measure(raising, frozenset(terms("Seed round: $2M")))  # the same measure, another word
    valuation = measure_terms("At what valuation are they raising?", expected_type("At what valuation are they raising?"))
    assert not names_measure(valuation, frozenset(terms("Raising \u20ac2M to dominate Europe")))
    assert names_measure(valuation, frozenset(terms("$22M valuation cap")))
    # The deck's own common words name nothing (a deck about customers on every page).
    assert measure_terms("How many customers?", expected_type("How many customers?"), {"custom"}) == frozenset()
    assert names_measure(frozenset(), frozenset())  # nothing to check: every line names it


@pytest.mark.parametrize("question, window, stated", [
    ("How many customers does Soldera have?", "372 GWh(north star) representing 178 customers,", True),
    ("How many customers does Soldera have?", "Customers: 178 / Churn: low", True),  # the noun before it
    ("How many employees does Acme have?", "A team of 14 engineers in Oslo", True),  # a word of the same measure
    # The measure is in the window, but no figure is of it.
    ("How many automated tests does the project include?",
     "Each iteration re-simulates once, capped at 20 runs. / Every change is tested in a sandbox first.", False),
    ("How many departments are using the tool?", "What an 8-cohort steady-state QU CS department reveals", False),
    ("How much are they raising?", "We are raising €2M to dominate Europe", True),
    ("What pass rate is assumed for MATH101?", "Replace assumed pass rates with real records. / 66% graduation", False),
    ("When does the round close?", "Founded in 2021 in Tallinn", True),  # a date: nothing to name, any date
    ("How many customers does Soldera have?", "Acme has many customers", False),  # no figure at all
    # A figure of time beside the word counts time, not it; a count of time is asked for by its unit.
    ("How many robots have been sold?", "we replace a failed robot within 72 hours", False),
    ("How many students were interviewed?", "A student who takes 9 semesters instead of 8 is delayed", False),
    ("How many hours does the robot run?", "A full charge gives the robot 9 hours of cleaning", True),
    ("How many years of experience does the CEO have?", "CEO Maren Okafor: ex-head of fleet performance, 12 years.", True),
    ("How many ships use it?", "1,140 hours logged across 6 ships", True),
    # "one robot per ship" counts robots for each ship, not ships
    ("How many ships use the robot?", "One robot per ship, launched by the crew", False),
    ("How many robots does a ship need?", "One robot per ship, launched by the crew", True),
    # Counted in kinds, the thing counted is the measure; a market is named by its TAM, a supply by its circulation.
    ("How many kinds of objects can it detect?", "detecting and segmenting 200-300 different objects", True),
    ("How many kinds of objects can it detect?", "trained on 5,000 hours of video", False),
    ("How large is the total addressable market?", "TAM: ~US$300B+ by 2030 (global K-12 EdTech)", True),
    ("What is the maximum supply of XETA?", "The total circulation will be 10 billion XETA tokens", True),
    ("How many paid subscribers are they aiming for?", "1,000+ paying subscriptions by month 18", True),
])
def test_a_fact_is_of_the_measure_when_a_word_naming_it_is_beside_it(question, window, stated):
    wanted = expected_type(question)
    assert states_measured(wanted, measure_terms(question, wanted), window) is stated


def test_a_passage_answering_the_documents_own_question_states_its_measure_of_every_fact():
    question = "How many packages are available?"
    wanted = expected_type(question)
    window = "There are currently more than 2000, although the quality varies."
    assert not states_measured(wanted, measure_terms(question, wanted), window)
    assert states_measured(wanted, measure_terms(question, wanted), window, asked="How many packages are there?")
    assert not states_measured(wanted, measure_terms(question, wanted), window, asked="How many users are there?")


DECK = """# Acme Robotics

Acme Robotics automates hull cleaning for cargo ships.

## Results

Automated planning removes 95% of administrative overhead.

Cleaning takes 6 hours instead of 2 days.

## Contact

hello@acme.example
"""


@pytest.fixture(scope="module")
def decks(tmp_path_factory, embedder):
    """The same deck twice; the second also says how many people work there."""
    root = tmp_path_factory.mktemp("measure")
    index_dir = root / "index"
    for name, extra in (("silent", ""), ("staffed", "\n## Team\n\nAcme has 14 employees in Oslo.\n")):
        folder = root / name
        folder.mkdir()
        (folder / "about.md").write_text(DECK + extra)
        assert make_ingester(index_dir, embedder).ingest(name, folder).ok
    return AnswerPipeline(FaissRetriever(index_dir, embedder), lambda: None, AnswerSettings(write_answers=False))


def test_a_figure_of_another_measure_is_no_answer_to_how_many_employees(decks):
    question = "How many employees does Acme have?"
    silent, staffed = decks.answer("silent", question), decks.answer("staffed", question)
    # Both decks state a number; only one names employees with it.
    assert silent.features["typed_stated"] == staffed.features["typed_stated"] == 1.0
    assert silent.features["typed_named_stated"] == 0.0 and staffed.features["typed_named_stated"] == 1.0
    assert staffed.features["p_answerable"] > silent.features["p_answerable"]
    assert not staffed.refused and staffed.answer.startswith("14 \u2014")
    assert "95" not in silent.answer  # refused, or at least not told that 95 people work there


def test_evidence_that_never_names_what_a_question_asks_for_counts_against_answering(decks):
    named = decks.answer("silent", "Which ships does Acme clean?")
    unnamed = decks.answer("silent", "Which software license does Acme use?")
    assert named.features["named"] == 1.0 and unnamed.features["named"] == 0.0
    assert unnamed.features["p_answerable"] < named.features["p_answerable"]
