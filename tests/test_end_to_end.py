"""The product's happy path with real parts: the example deck, MiniLM, FAISS, SmolLM2 and SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.generation.embedded import embedded_model_path
from app import create_app
from app.eval.metrics import answer_matches, shown_text
from app.models import Turn
from app.services import Services
from tests.conftest import app_config
from tests.helpers.questions import ANSWERABLE


@pytest.mark.parametrize("question, fact, doc, page", ANSWERABLE)
def test_answer_states_the_fact_and_cites_its_page(client, question, fact, doc, page):
    response = client.post("/api/chat", json={"deck": "example", "question": question})
    assert response.status_code == 200
    body = response.get_json()
    assert not body["refused"] and body["grounded"] is True
    # The reader is shown the answer and, under it, the documents' own line that supports it.
    assert answer_matches(fact, shown_text(body["answer"], body["quote"])), body
    assert any(s["doc"] == doc and s["page"] == page for s in body["sources"]), body["sources"]
    quoted = body["sources"][body["quote"]["source"]]
    assert (quoted["doc"], quoted["page"]) == (doc, page) and quoted["used"] is True
    assert all(part in quoted["snippet"] for part in body["quote"]["text"].split(" / "))  # a short line with its neighbours


def test_a_question_asking_how_fast_is_answered_with_the_rate_its_neighbour_line_states(client):
    """Typed as any number, "How fast is the robot?" was answered "One" from "One robot per ship"; then,
    typed as a rate, refused, the rate being on the line after the one that matched ("MantaBot M2 is a
    magnetic crawler robot ..." / "It cleans 1,500 square meters of hull per hour ...")."""
    body = client.post("/api/chat", json={"deck": "example", "question": "How fast is the robot?"}).get_json()
    assert not body["refused"] and body["answer"].startswith("1,500 square meters of hull per hour \u2014"), body
    quoted = body["sources"][body["quote"]["source"]]
    assert (quoted["doc"], quoted["page"]) == ("pitch_deck.pdf", 3) and "1,500 square meters" in body["quote"]["text"]


def test_a_question_asking_how_heavy_or_how_deep_is_answered_with_the_figure_and_its_unit(client):
    """Untyped, "How heavy is the robot?" quoted the business model: the deck writes "weighs 68 kg", never
    "heavy" (app/rag/idioms.py), and a weight is a figure with its unit (app/rag/answer_type.py)."""
    for question, fact in (("How heavy is the robot?", "68 kg"), ("How deep can the robot work?", "25 m")):
        body = client.post("/api/chat", json={"deck": "example", "question": question}).get_json()
        assert not body["refused"] and body["answer"].startswith(f"{fact} \u2014"), body["answer"]
        quoted = body["sources"][body["quote"]["source"]]
        assert quoted["doc"] == "whitepaper.pdf" and fact in body["quote"]["text"]


def test_readers_words_for_a_rate_and_for_runway_are_answered_with_the_figure(client):
    """"How fast do the brushes turn?" was refused beside "turn at 180 rpm" (no rate unit), and "How long
    will the money last?" refused: the deck writes "24 months of runway" (app/rag/idioms.py)."""
    for question, fact in (("How fast do the brushes turn?", "180 rpm"), ("How long will the money last?", "24 months")):
        body = client.post("/api/chat", json={"deck": "example", "question": question}).get_json()
        assert not body["refused"] and body["answer"].startswith(f"{fact} \u2014"), body["answer"]


def test_a_title_the_question_names_is_no_part_of_the_name_answering_it(client):
    """"Who is the advisor?" quoted the COO: "Advisor Captain Jonas Ebbesen" was taken for the question's
    own words, not a name (app/rag/someone.py)."""
    body = client.post("/api/chat", json={"deck": "example", "question": "Who is the advisor?"}).get_json()
    assert not body["refused"] and "Jonas Ebbesen" in body["answer"], body["answer"]


def test_an_email_address_is_found_under_the_decks_contact_label(client):
    """The deck writes "Contact: Maren Okafor, invest@example.com", never "email": "What is their email
    address?" was refused (no question word found in the evidence; app/rag/refusal_model.py)."""
    for question in ("What is their email address?", "What is the company's email?"):
        body = client.post("/api/chat", json={"deck": "example", "question": question}).get_json()
        assert not body["refused"] and body["answer"].startswith("invest@example.com \u2014"), body["answer"]


def test_a_count_is_of_the_word_after_it(client):
    """"How many engineers?" was answered with the 17 employees, "How many vessels are in the addressable
    market?" with the "5,000 gross tons" beside "vessels"."""
    for question, count in (("How many engineers do they have?", "11"),
                            ("How many vessels are in the addressable market?", "55,000")):
        body = client.post("/api/chat", json={"deck": "example", "question": question}).get_json()
        assert not body["refused"] and body["answer"].startswith(f"{count} \u2014"), body["answer"]


def test_a_question_asking_how_often_is_answered_with_a_frequency_or_not_at_all(client):
    """Typed as any number, "How often is the hull cleaned?" was answered "1,500" from "It cleans 1,500
    square meters of hull per hour"."""
    body = client.post("/api/chat", json={"deck": "example", "question": "How often are hulls cleaned by divers?"}).get_json()
    assert not body["refused"] and body["answer"].startswith("every 12 to 24 months \u2014"), body["answer"]
    body = client.post("/api/chat", json={"deck": "example", "question": "How often is the hull cleaned?"}).get_json()
    assert "1,500" not in body["answer"].split("\u2014")[0], body["answer"]


def test_how_the_product_works_is_not_matched_by_the_word_work(client):
    """"How does the robot work?" quoted "a working depth of 25 m" beside "How many people work at ...":
    "how does X work" asks how, and its "work" no longer picks lines (app/rag/units.py); elsewhere "work"
    still counts ("Can it work at night?" is answered by the crawler "working in zero visibility")."""
    body = client.post("/api/chat", json={"deck": "example", "question": "How does the robot work?"}).get_json()
    assert not body["refused"] and "magnetic crawler robot that cleans the hull" in body["answer"], body["answer"]
    assert "employees" not in body["answer"]
    body = client.post("/api/chat", json={"deck": "example", "question": "Can it work at night?"}).get_json()
    assert not body["refused"] and "keeps working in zero visibility" in body["answer"], body["answer"]


def test_a_question_about_profit_finds_where_the_deck_says_when_it_breaks_even(client):
    """The deck never writes "profit": "Is the company profitable?" quoted the patents line."""
    body = client.post("/api/chat", json={"deck": "example", "question": "When will they be profitable?"}).get_json()
    assert not body["refused"] and body["answer"].startswith("Q3 2028 \u2014"), body["answer"]
    body = client.post("/api/chat", json={"deck": "example", "question": "Is the company profitable?"}).get_json()
    assert "EBITDA break-even expected in Q3 2028" in body["answer"] and "patent" not in body["answer"], body["answer"]


@pytest.mark.parametrize("question, shown", [
    # "60 robots" answered it: a team's size is written as a head count.
    ("How big is the team?", "17 \u2014 \u201cWe have 17 full-time employees"),
    # The coverage planner that "splits the hull into lanes" answered it.
    ("How is the money split?", "The documents say: \u201cUse of funds: 45% engineering"),
    # Asking who, it quoted "Data is stored in EU data centres in Frankfurt" for naming a place.
    ("Who owns the hull data?", "The documents say: \u201cThe shipowner owns all hull data"),
    # "Revenue 2027: $3.4 million" answered it: revenue now is written as recurring revenue, as of a date.
    ("What is the current revenue?", "$310,000 \u2014 \u201cARR of $310,000 as of February 2026."),
    # Naming no year, it was answered with one projected year's figure: the years are quoted together.
    ("What is the revenue?", "The documents say: \u201cRevenue 2027: $3.4 million / Revenue 2028: $9.8 million / "),
    # The competition slide's "Diver teams: cheap per job ..." answered it: a company's advantage is its moat.
    ("What is the competitive advantage?", "The documents say: \u201cOur moat: data from every cleaning session"),
    # "the size of a large suitcase" (the deck unit) answered it.
    ("What are the unit economics?", "The documents say: \u201cThree-year contracts, billed quarterly in advance."),
    # Typed as a span of time, it was answered "within 0.5 seconds" (the crawler stopping).
    ("How long is the tether?", "60 m \u2014 \u201cThe crawler is connected to the deck unit by a 60 m tether"),
    ("How long is the runway?", "24 months \u2014"),
    # Refused: the deck writes "rules" and "guidelines", never "regulations".
    ("What regulations drive demand?", "The documents say: \u201cThe capture system is designed around the IMO"),
    # The warranty's "whole contract term" answered it: a round's terms are its instrument and its cap.
    ("What are the terms of the round?", "The documents say: \u201cRaising $4.5 million seed on a SAFE"),
    ("How much of the round goes to sales?", "15% \u2014 \u201cUse of funds: 45% engineering, 30% fleet deployment, 15% sales"),
    # Of two figures on a line, the one nearest the question's words, by stem ("takes 2.5 hours") and past
    # "of 39" ("completed 38 of 39 planned sessions").
    ("How long does recharging take?", "2.5 hours \u2014"),
    ("How many sessions were completed in the trial?", "38 \u2014"),
])
def test_readers_questions_on_the_sample_deck_find_the_line_that_answers(client, question, shown):
    body = client.post("/api/chat", json={"deck": "example", "question": question}).get_json()
    assert not body["refused"] and body["answer"].startswith(shown), body["answer"]


@pytest.mark.parametrize("question", ["What do they do?", "What is the product?", "What does Tidewater Robotics do?",
                                      "Tell me about the company"])
def test_what_the_company_does_is_answered_from_the_decks_cover(client, question):
    """The whitepaper's byline answered it ("Tidewater Robotics - Engineering Team - Version 1.3"): the pitch
    deck's cover says what the company does, under its name."""
    body = client.post("/api/chat", json={"deck": "example", "question": question}).get_json()
    assert not body["refused"] and "Autonomous hull-cleaning robots for ocean cargo ships" in body["answer"], body["answer"]
    assert any(s["doc"] == "pitch_deck.pdf" and s["page"] == 1 for s in body["sources"])
    assert "Engineering Team" not in body["answer"]


def test_a_question_about_now_that_only_a_target_answers_is_refused_with_the_passage(client):
    """A target ("450 ships under contract by end of 2029") and "17 employees today" both answered it."""
    body = client.post("/api/chat", json={"deck": "example", "question": "How many ships are under contract today?"}).get_json()
    assert body["refused"] and body["answer"].startswith("The documents do not say this clearly."), body["answer"]


def test_a_date_whose_line_says_nothing_the_question_asks_is_refused_with_the_passage(client):
    """"When will they launch in Asia?" was answered "2030" from "SOM: $96 million by 2030", beside "Asia"."""
    body = client.post("/api/chat", json={"deck": "example", "question": "When will they launch in Asia?"}).get_json()
    assert body["refused"] and "2030" not in body["answer"], body["answer"]


def test_a_date_about_someone_in_another_role_is_refused(client):
    """"When did the CTO join?" was answered with the year the COO joined; the COO's is still answered."""
    ask = client.post
    body = ask("/api/chat", json={"deck": "example", "question": "When did the CTO join?"}).get_json()
    assert body["refused"] and not body["answer"].startswith("2024"), body["answer"]
    body = ask("/api/chat", json={"deck": "example", "question": "When did the COO join?"}).get_json()
    assert not body["refused"] and body["answer"].startswith("2024"), body["answer"]


def test_a_question_for_the_price_finds_it_where_the_deck_calls_it_a_subscription(client):
    """The deck never writes "price" or "cost": those questions were refused (p(answerable) 0.03) and
    are searched with the deck's words of the same measure (app/rag/measure.py)."""
    for question in ("What is the price?", "How much do customers pay?"):
        body = client.post("/api/chat", json={"deck": "example", "question": question}).get_json()
        assert not body["refused"] and body["answer"].startswith("$48,000 \u2014"), body["answer"]


def test_a_question_for_a_role_is_answered_by_the_line_naming_its_holder(client):
    """"Who is the head of sales?" quoted the CEO's line ("ex-head of fleet performance"): a person in another
    role does not answer; the deck names no head of sales, so it is refused with the closest passage."""
    body = client.post("/api/chat", json={"deck": "example", "question": "Who is the head of sales?"}).get_json()
    assert body["refused"] is True and body["answer"].startswith("The documents do not say this clearly."), body["answer"]
    body = client.post("/api/chat", json={"deck": "example", "question": "Who is the COO?"}).get_json()
    assert not body["refused"] and body["answer"].startswith("The documents say: \u201cCOO Priya Raman"), body["answer"]


@pytest.mark.parametrize("question", ["What is the customer acquisition cost?", "What is the CAC?"])
def test_a_metric_the_deck_does_not_state_is_refused_not_answered_with_a_fee(client, question):
    """The sample deck's onboarding fee ("$6,500") answered it: a cost, but not the cost of winning a customer."""
    body = client.post("/api/chat", json={"deck": "example", "question": question}).get_json()
    assert body["refused"] is True and "6,500" not in body["answer"], body["answer"]


def test_question_the_documents_do_not_answer_is_refused(client):
    body = client.post("/api/chat", json={"deck": "example", "question": "Who won the 2018 FIFA World Cup?"}).get_json()
    assert body["refused"] is True
    assert "do not say" in body["answer"]


def test_every_turn_is_logged_with_its_sources_and_timings(tmp_path, example_index, embedder, generator):
    app = create_app(app_config(tmp_path, example_index) | {"WRITE_ANSWERS": True},
                     make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))
    body = app.test_client().post("/api/chat", json={"deck": "example", "question": "Who is the CTO?"}).get_json()
    with Session(app.extensions["deckchat"].log.engine) as db:
        turn = db.get(Turn, body["message_id"])
        assert turn.answer == body["answer"] and turn.refused == body["refused"]
        assert turn.model_id == embedded_model_path().name
        assert turn.prompt_tokens > 0 and turn.completion_tokens > 0
        assert turn.retrieval_ms > 0 and turn.generation_ms > 0 and turn.error is None
        assert [(s.doc, s.page) for s in turn.sources] == [(s["doc"], s["page"]) for s in body["sources"]]
        assert db.scalars(select(Turn)).all() == [turn]


def test_an_answer_decided_without_the_model_is_logged_as_such(client, app):
    body = client.post("/api/chat", json={"deck": "example", "question": ANSWERABLE[0][0]}).get_json()
    with Session(app.extensions["deckchat"].log.engine) as db:
        turn = db.get(Turn, body["message_id"])
        assert turn.answer == body["answer"] and "30 April 2026" in turn.answer
        assert turn.model_id is None and turn.completion_tokens == 0 and turn.retrieval_ms > 0


def test_a_right_answer_is_grounded_and_marks_the_source_it_used(client, app):
    body = client.post("/api/chat", json={"deck": "example", "question": "When does the seed round close?"}).get_json()
    assert body["grounded"] is True, body["answer"]
    used = [s for s in body["sources"] if s["used"]]
    assert any(s["doc"] == "faq.md" and s["page"] == 7 for s in used)
    assert all("30" in s["snippet"] or "April" in s["snippet"] for s in used)
    with Session(app.extensions["deckchat"].log.engine) as db:  # the owner sees the same in the log
        turn = db.get(Turn, body["message_id"])
        assert turn.grounded is True and [s.used for s in turn.sources] == [s["used"] for s in body["sources"]]
