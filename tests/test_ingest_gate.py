"""The re-index gate: a deck's qa.jsonl decides whether a new build may replace the serving one."""

from __future__ import annotations

import json

import pytest

from app import create_app
from app.services import Services
from ingest.store import load_deck_index, read_manifest
from tests.conftest import app_config
from tests.fakes import ScriptedGenerator

SECTIONS = [
    ("Where is the company based?", "Harbourline Freight is headquartered in Rotterdam, the Netherlands."),
    ("How many trucks does it run?", "The fleet counts 340 electric trucks across four depots."),
    ("Who founded the company?", "Ines Vermeulen and Tomas Bakker founded Harbourline in 2019."),
    ("What is the revenue?", "Revenue reached 48 million euros in 2025, up 31 percent."),
    ("What is being raised?", "The Series B round raises 60 million euros at a 400 million valuation."),
    ("Which ports are served?", "Antwerp, Hamburg and Rotterdam port terminals are served daily."),
]
QUESTIONS = [  # gold pages are the FAQ sections above, numbered from 1
    ("In which city is the company headquartered?", 1),
    ("How many electric trucks are in the fleet?", 2),
    ("How much is the Series B round raising?", 5),
    ("Which port terminals does it serve daily?", 6),
]


def write_faq(folder, sections) -> None:
    text = "# FAQ\n\n" + "\n\n".join(f"## {q}\n\n{a}" for q, a in sections) + "\n"
    (folder / "faq.md").write_text(text)


@pytest.fixture
def gated(tmp_path, embedder):
    """A deck folder with its own qa.jsonl, and a CLI runner whose gate looks at the top 2 chunks."""
    content = tmp_path / "content"
    deck = content / "harbour"
    deck.mkdir(parents=True)
    write_faq(deck, SECTIONS)
    (deck / "team.txt").write_text("The team has 85 people, 12 of them engineers.")
    (deck / "qa.jsonl").write_text("".join(
        json.dumps({"doc": "faq.md", "question": q, "answer": "x", "evidence": None, "page_or_slide": page}) + "\n"
        for q, page in QUESTIONS))
    config = app_config(tmp_path, tmp_path / "idx") | {"CONTENT_DIR": str(content), "TOP_K": 2}
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=ScriptedGenerator()))
    return deck, tmp_path / "idx", app.test_cli_runner()


def test_first_build_is_measured_and_qa_file_is_not_indexed(gated):
    deck, index_dir, runner = gated
    result = runner.invoke(args=["ingest", "--deck", "harbour", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)[0]
    assert report["status"] == "built" and report["gate"]["passed"]
    assert report["gate"]["previous"] is None and report["gate"]["new"]["hit_at_2"] == 1.0
    assert sorted(f["name"] for f in report["files"]) == ["faq.md", "team.txt"]  # qa.jsonl: not a document
    assert {c.doc for c in load_deck_index(index_dir, "harbour").chunks} == {"faq.md", "team.txt"}


def test_a_build_that_retrieves_worse_is_kept_out_until_forced(gated):
    deck, index_dir, runner = gated
    assert runner.invoke(args=["ingest", "--deck", "harbour"]).exit_code == 0
    serving = read_manifest(index_dir, "harbour")["build_id"]
    # Reordered sections: every gold page now holds another answer.
    write_faq(deck, list(reversed(SECTIONS)))
    result = runner.invoke(args=["ingest", "--deck", "harbour"])
    assert result.exit_code == 1
    assert "NOT SWAPPED IN" in result.output and "hit_at_1 1.000 -> 0.000" in result.output
    assert "--force" in result.output
    assert read_manifest(index_dir, "harbour")["build_id"] == serving
    assert len(list((index_dir / ".builds").glob("harbour.*"))) == 1  # the rejected build is gone

    forced = runner.invoke(args=["ingest", "--deck", "harbour", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "forced: retrieval got worse" in forced.output
    assert read_manifest(index_dir, "harbour")["build_id"] != serving


def test_an_improving_build_is_swapped_in_and_compared(gated):
    deck, index_dir, runner = gated
    write_faq(deck, SECTIONS[:4] + [("Funding", "Nothing to report yet.")] + SECTIONS[5:])
    assert runner.invoke(args=["ingest", "--deck", "harbour"]).exit_code == 0
    write_faq(deck, SECTIONS)
    result = runner.invoke(args=["ingest", "--deck", "harbour", "--json"])
    assert result.exit_code == 0, result.output
    gate = json.loads(result.output)[0]["gate"]
    assert gate["passed"] and gate["new"]["hit_at_2"] > gate["previous"]["hit_at_2"]


def test_a_malformed_qa_file_keeps_the_old_index_and_names_the_line(gated):
    deck, index_dir, runner = gated
    assert runner.invoke(args=["ingest", "--deck", "harbour"]).exit_code == 0
    serving = read_manifest(index_dir, "harbour")["build_id"]
    (deck / "team.txt").write_text("The team has 90 people now.")
    with open(deck / "qa.jsonl", "a") as fh:
        fh.write("not json\n")
    result = runner.invoke(args=["ingest", "--deck", "harbour"])
    assert result.exit_code == 1 and "qa.jsonl:5" in result.output
    assert read_manifest(index_dir, "harbour")["build_id"] == serving
