"""`flask eval`: scoring rules, and a real run over questions on the example deck."""

from __future__ import annotations

import json

from app.eval.metrics import answer_matches, is_hit, normalise, shown_text


def test_normalisation_ignores_case_space_separators_and_currency():
    assert normalise("  $4,500,000  USD ") == "4500000 usd"
    assert answer_matches("$4.5 million", "They raise 4.5 Million.")
    assert answer_matches("30 April 2026", "The round closes on 30 april 2026.")
    assert answer_matches("100,000 cubic feet", "about 100000 cubic feet a year")
    assert not answer_matches("4.5 million", "45 million")
    assert not answer_matches("17", "about 170 people")
    assert not answer_matches("3", "They have two robots [3].")  # a citation mark is not a figure


def test_what_the_reader_is_shown_includes_the_quote():
    quote = {"text": "The round closes on 30 April 2026.", "source": 0}
    assert answer_matches("30 April 2026", shown_text("It closes soon [1].", quote))
    assert not answer_matches("30 April 2026", shown_text("It closes soon [1].", None))


def test_hit_needs_the_right_document_and_page():
    sources = [{"doc": "a.pdf", "page": 3}, {"doc": "faq.md", "page": 2}]
    assert is_hit(sources, "a.pdf", 3) and not is_hit(sources, "a.pdf", 4)
    assert is_hit(sources, "faq.md", None) and not is_hit(sources, "b.pdf", None)


def test_flask_eval_reports_figures_and_writes_detail(app, tmp_path):
    qa = tmp_path / "qa.jsonl"
    lines = [
        {"doc": "faq.md", "question": "Where is the company headquartered?", "answer": "Gothenburg",
         "evidence": None, "page_or_slide": 1},
        {"doc": "pitch_deck.pdf", "question": "Who won the 2018 FIFA World Cup?", "answer": None,
         "evidence": None, "page_or_slide": None},
        # Refused, only just: the closest passage shown holds the fact (the acceptance scorer's "right").
        {"doc": "pitch_deck.pdf", "question": "What is the pricing?", "answer": "$48,000",
         "evidence": None, "page_or_slide": None},
    ]
    qa.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    out = tmp_path / "report.json"
    result = app.test_cli_runner().invoke(args=["eval", str(qa), "--deck", "example", "--k", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "hit_at_5" in result.output and "answer_accuracy" in result.output
    report = json.loads(out.read_text())
    assert report["summary"]["questions"] == 3 and report["summary"]["hit_at_5"] == 1.0
    assert report["summary"]["refusal_accuracy"] == 1.0
    assert report["summary"]["answer_accuracy"] == 0.5 and report["summary"]["false_refusal_rate"] == 0.5
    assert report["summary"]["fact_shown_accuracy"] == 1.0
    assert report["summary"]["grounded_rate"] == 1.0  # the one answer given (Gothenburg) rests on its sources
    assert report["questions"][0]["grounded"] is True
    first = report["questions"][0]
    assert first["hit_at_k"] and len(first["sources"]) == 5 and first["seconds"] > 0


def test_flask_eval_rejects_a_malformed_qa_file(app, tmp_path):
    qa = tmp_path / "qa.jsonl"
    qa.write_text('{"question": "no doc"}\n')
    result = app.test_cli_runner().invoke(args=["eval", str(qa), "--deck", "example"])
    assert result.exit_code != 0 and "qa.jsonl:1" in result.output


def test_flask_eval_can_score_retrieval_alone(app, tmp_path):
    qa = tmp_path / "qa.jsonl"
    qa.write_text(json.dumps({"doc": "whitepaper.pdf", "question": "What is the battery capacity of the deck unit?",
                              "answer": "7.2 kWh", "evidence": None, "page_or_slide": 3}) + "\n")
    out = tmp_path / "report.json"
    result = app.test_cli_runner().invoke(args=["eval", str(qa), "--deck", "example", "--k", "3",
                                                "--retrieval-only", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(out.read_text())["summary"]
    assert summary["hit_at_1"] == 1.0 and summary["hit_at_3"] == 1.0 and summary["answer_accuracy"] is None
