"""Retrieval over a real FAISS index with the real embedder."""

from __future__ import annotations

import json

import pytest

from app.rag.lexical import fuse
from app.rag.retrieval import EmbeddingMismatch, FaissRetriever
from ingest.store import IndexNotBuilt
from tests.conftest import make_ingester


@pytest.mark.parametrize("question, doc, page", [
    ("How much are they raising and at what valuation cap?", "pitch_deck.pdf", 10),
    ("What is the total addressable market?", "pitch_deck.pdf", 4),
    ("What is the battery capacity of the deck unit?", "whitepaper.pdf", 3),
])
@pytest.mark.parametrize("hybrid", [True, False])
def test_the_right_page_is_retrieved_first(example_index, embedder, question, doc, page, hybrid):
    hits = FaissRetriever(example_index, embedder, hybrid=hybrid).retrieve("example", question, 4)
    assert len(hits) == 4 and len({h.chunk.id for h in hits}) == 4
    assert (hits[0].chunk.doc, hits[0].chunk.page) == (doc, page)
    assert all(-1 <= h.score <= 1 for h in hits)
    if not hybrid:
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_reciprocal_rank_fusion_rewards_agreement():
    assert fuse([[1, 2, 3], [3, 1, 4]], 3) == [1, 3, 2]
    assert fuse([[], [7, 8]], 5) == [7, 8]


def test_hybrid_search_finds_an_exact_part_number(tmp_path, embedder):
    source = tmp_path / "src"
    source.mkdir()
    lines = [f"Slide {i}: the robot cleans hull section {i} with soft brushes." for i in range(40)]
    lines.insert(17, "The brush motor has part number ZQ-9031 and lasts two years.")
    (source / "specs.md").write_text("\n\n".join(f"## Part {i}\n\n{line}" for i, line in enumerate(lines)))
    make_ingester(tmp_path / "idx", embedder).ingest("specs", source)
    hits = FaissRetriever(tmp_path / "idx", embedder, hybrid=True).retrieve("specs", "ZQ-9031", 3)
    assert "ZQ-9031" in hits[0].chunk.text


def test_k_larger_than_the_index_returns_what_there_is(tmp_path, embedder):
    source = tmp_path / "src"
    source.mkdir()
    (source / "one.txt").write_text("Only one chunk here about revenue.")
    make_ingester(tmp_path / "idx", embedder).ingest("tiny", source)
    assert len(FaissRetriever(tmp_path / "idx", embedder).retrieve("tiny", "revenue", 10)) == 1


def test_a_rebuilt_index_is_picked_up_without_a_restart(tmp_path, embedder):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.txt").write_text("The company sells boats.")
    ingester = make_ingester(tmp_path / "idx", embedder)
    ingester.ingest("d", source)
    retriever = FaissRetriever(tmp_path / "idx", embedder)
    assert "boats" in retriever.retrieve("d", "what do they sell", 1)[0].chunk.text
    (source / "a.txt").write_text("The company sells kites.")
    ingester.ingest("d", source)
    assert "kites" in retriever.retrieve("d", "what do they sell", 1)[0].chunk.text


def test_missing_deck_and_embedder_mismatch_are_reported(index_copy, embedder):
    retriever = FaissRetriever(index_copy, embedder)
    with pytest.raises(IndexNotBuilt, match="flask ingest"):
        retriever.retrieve("nodeck", "q", 3)
    manifest_file = (index_copy / "example").resolve() / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["embedder"] = {"id": "other-model", "dimension": 768}
    manifest_file.write_text(json.dumps(manifest))
    with pytest.raises(EmbeddingMismatch, match="--rebuild"):
        retriever.retrieve("example", "q", 3)


def test_evidence_units_hold_the_line_that_answers_the_question(example_index, embedder):
    found = FaissRetriever(example_index, embedder).evidence("example", "When does the seed round close?", 5, 2)
    assert len(found.units) == 2
    assert any("30 April 2026" in hit.unit.line for hit in found.units)
    assert all(hit.unit.line != (hit.unit.chunk.title or "") for hit in found.units)  # a title answers nothing
