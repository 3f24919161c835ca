"""Follow-up questions: retrieved with the question before them; earlier turns in the prompt, trimmed."""

from __future__ import annotations

import pytest

from app.eval.metrics import answer_matches
from app.rag.followup import is_follow_up, retrieval_query
from app.rag.prompting import PromptBuilder
from tests.fakes import ScriptedGenerator
from tests.helpers.chunks import hit


@pytest.mark.parametrize("question, follow_up", [
    ("And when does it close?", True), ("What about the valuation cap?", True), ("Who leads it?", True),
    ("How much is Tidewater Robotics raising in its seed round and from whom?", False),
    ("What is the battery capacity of the deck unit?", False),
])
def test_follow_ups_are_short_and_refer_back(question, follow_up):
    assert is_follow_up(question) is follow_up


def test_a_follow_up_is_searched_together_with_the_previous_question():
    history = [("How much is the seed round?", "$4.5 million.")]
    assert retrieval_query("And when does it close?", history) == "How much is the seed round? And when does it close?"
    assert retrieval_query("What is the battery capacity?", history) == "What is the battery capacity?"
    assert retrieval_query("And when does it close?", []) == "And when does it close?"


def test_history_is_trimmed_oldest_first_within_its_budget():
    gen = ScriptedGenerator()
    builder = PromptBuilder(gen.prompt_tokens, gen.count_tokens, gen.special_tokens(),
                            800, 2000, history_tokens=12)
    history = [("first question one two", "first answer"), ("second question", "second answer three"),
               ("third question", "third answer")]
    text = gen.render(builder.build("And then?", [hit("Context line.", 0.9)], history).messages)
    assert "first question" not in text
    assert text.index("second question") < text.index("third answer") < text.index("Question: And then?")


def test_a_follow_up_in_a_session_finds_what_it_refers_to(client):
    first = client.post("/api/chat", json={"deck": "example", "question": "How much money is Tidewater Robotics raising?"})
    session = first.get_json()["session_id"]
    follow = client.post("/api/chat", json={"deck": "example", "question": "And when does the round close?",
                                            "session_id": session}).get_json()
    assert any(s["doc"] == "faq.md" and s["page"] == 7 for s in follow["sources"]), follow["sources"]
    assert answer_matches("30 April 2026", follow["answer"]), follow["answer"]


def test_a_follow_up_is_retrieved_with_what_it_refers_to(tmp_path, embedder, generator):
    from app import create_app
    from app.services import Services
    from tests.conftest import app_config, make_ingester

    deck = tmp_path / "fleet"
    deck.mkdir()
    (deck / "products.md").write_text(
        "# Products\n\n## The Harbor robot\n\nThe Harbor robot cleans hulls in port. Its battery lasts 9 hours.\n\n"
        "## The Ocean robot\n\nThe Ocean robot inspects hulls at sea. Its battery lasts 31 hours.\n")
    make_ingester(tmp_path / "idx", embedder).ingest("fleet", deck)
    app = create_app(app_config(tmp_path, tmp_path / "idx"),
                     make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))
    client = app.test_client()
    first = client.post("/api/chat", json={"deck": "fleet", "question": "What does the Harbor robot do?"}).get_json()
    follow = client.post("/api/chat", json={"deck": "fleet", "question": "How long does its battery last?",
                                            "session_id": first["session_id"]}).get_json()
    alone = client.post("/api/chat", json={"deck": "fleet", "question": "How long does its battery last?"}).get_json()
    assert alone["sources"][0]["title"] == "The Ocean robot"  # on its own, "its" could be either robot
    assert follow["sources"][0]["title"] == "The Harbor robot", follow["sources"]
    assert "9" in follow["answer"], follow["answer"]
