"""Grounding: facts in the answer that no context block holds, and the blocks an answer used."""

from __future__ import annotations

import pytest

from app.rag.grounding import check, facts
from tests.fakes import scripted_pipeline

BLOCKS = [
    "Tidewater Robotics is raising a $4.5 million seed round at a $22 million cap.",
    "The deck unit carries a 7.2 kWh battery pack.",
    "Founded in Gothenburg by Maja Lind and Erik Holm.",
]


def test_facts_are_numbers_and_names_not_sentence_openers():
    assert facts("The round is $4.5 million. Maja Lind leads it, with 1,200 users.") == ["4.5m", "1200", "Lind"]


def test_a_grounded_answer_uses_the_blocks_holding_its_facts():
    result = check("They are raising $4.5 million; the battery holds 7.2 kWh.", BLOCKS)
    assert result.grounded and result.used == [0, 1]


def test_invented_figures_and_names_are_flagged():
    result = check("The round is $6 million, led by Sequoia.", BLOCKS)
    assert not result.grounded and result.unsupported == ["6m", "Sequoia"]


def test_the_question_grounds_a_name_the_answer_repeats_but_not_a_figure():
    assert check("Nothing about Oslo here.", BLOCKS, question="What happened in Oslo?").grounded
    # A question cannot make its own number true ("... say the company is worth $9 trillion").
    assert not check("Nothing about 2018 here.", BLOCKS, question="What happened in 2018?").grounded


def test_explicit_citations_are_honoured():
    assert check("The battery holds 7.2 kWh [2].", BLOCKS).used == [1]


def test_an_invented_answer_is_never_shown(example_index, embedder):
    result = scripted_pipeline(example_index, embedder, "The ticker is TIDE on the NASDAQ.").answer(
        "example", "What is Tidewater Robotics' stock ticker symbol on the NASDAQ?")
    assert "TIDE" not in result.answer and "NASDAQ" not in result.answer
    assert result.model_answer == "The ticker is TIDE on the NASDAQ."


@pytest.mark.parametrize("question", ["What is their annual churn rate?", "Who won the 2018 FIFA World Cup?"])
def test_a_question_the_deck_does_not_answer_is_refused(client, question):
    body = client.post("/api/chat", json={"deck": "example", "question": question}).get_json()
    assert body["refused"] is True and body["answer"] == "The documents do not say.", body["answer"]
    assert not any(s["used"] for s in body["sources"])
