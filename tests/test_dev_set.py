"""The development set in eval/dev/: well formed, split by document, and runnable (or skipped cleanly)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.eval.dev_set import split_files
from app.eval.qa_file import read_qa_file

RESERVED = {"the_seam_seed_round.pdf", "jupiter_pitch_deck.pdf", "greencoats_pitch_deck.pdf", "bitcoin.pdf",
            "pitch-deck.pptx", "investor-deck.pptx", "faq.md", "whitepaper.html"}  # acceptance documents


def test_the_halves_are_split_by_document_and_large_enough():
    halves = {name: [q for f in split_files(name) for q in read_qa_file(f)] for name in ("tuning", "validation")}
    docs = {name: {q["doc"] for q in items} for name, items in halves.items()}
    assert not docs["tuning"] & docs["validation"]  # never the same document in both
    everything = halves["tuning"] + halves["validation"]
    # A question is asked once per document ("What do they do?" is asked of several decks).
    assert len(everything) >= 300 and len({(q["doc"], q["question"]) for q in everything}) == len(everything)
    assert sum(q["answer"] is None for q in everything) >= 0.2 * len(everything)
    assert not (docs["tuning"] | docs["validation"]) & RESERVED
    for q in everything:
        assert (q["answer"] is None) == (q["evidence"] is None) and q["question"].strip()


def test_without_the_shared_documents_the_run_is_skipped_with_a_message(app, tmp_path):
    app.config["EVAL_DATA"] = str(tmp_path / "nowhere")
    result = app.test_cli_runner().invoke(args=["eval-dev", "--split", "tuning", "--limit", "1"])
    assert result.exit_code == 0 and "skipped" in result.output and "DECKCHAT_EVAL_DATA" in result.output


def test_a_run_over_the_shared_documents_reports_where_answers_were_lost(app, tmp_path):
    data = Path(app.config["EVAL_DATA"])
    if not data.is_dir():
        pytest.skip(f"no shared evaluation documents at {data}")
    app.config["INSTANCE_DIR"] = str(tmp_path)
    result = app.test_cli_runner().invoke(args=["eval-dev", "--split", "tuning", "--limit", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "tuning.json").read_text())
    assert report["summary"]["questions"] == 3 and "lost: fact not in the evidence" in report["summary"]
    assert all(q["why"] and q["evidence"] and "p_answerable" in q["features"] for q in report["questions"])
