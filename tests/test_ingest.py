"""Ingest: index format, skipping bad files, unchanged decks, safe swap, the CLI's exit status."""

from __future__ import annotations

import json
import shutil
import threading

from app import create_app
from app.services import Services
import numpy as np
import pytest

from ingest.embedding import SentenceTransformerEmbedder, native_bfloat16
from ingest.store import list_decks, load_deck_index, read_manifest
from tests.conftest import EXAMPLE_DECK, app_config, make_ingester
from tests.fakes import ScriptedGenerator
from tests.helpers.documents import write_pdf


def test_example_deck_index_has_manifest_chunks_and_vectors(example_index, embedder):
    manifest = read_manifest(example_index, "example")
    assert manifest["embedder"] == {"id": "all-MiniLM-L6-v2", "dimension": 384}
    assert manifest["built_at"].endswith("+00:00")
    names = sorted(f["name"] for f in manifest["files"])
    assert names == sorted(p.name for p in EXAMPLE_DECK.iterdir() if p.suffix in {".pdf", ".md"})
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])
    index = load_deck_index(example_index, "example")
    assert index.faiss_index.ntotal == len(index.chunks) == manifest["chunk_count"]
    deck_pages = {c.page for c in index.chunks if c.doc == "pitch_deck.pdf"}
    assert deck_pages == set(range(1, 11))  # one chunk (at least) per slide
    assert all(c.deck == "example" and c.text for c in index.chunks)
    assert len({c.id for c in index.chunks}) == len(index.chunks)


def test_long_pages_are_split_within_the_embedder_limit(tmp_path, embedder):
    source = tmp_path / "src"
    source.mkdir()
    sentences = " ".join(f"Sentence number {i} says the runway is {i} months." for i in range(200))
    (source / "long.txt").write_text(sentences)
    make_ingester(tmp_path / "idx", embedder).ingest("long", source)
    chunks = load_deck_index(tmp_path / "idx", "long").chunks
    assert len(chunks) > 3
    assert all(len(embedder.token_ids(c.text)) <= 256 for c in chunks)
    assert all(c.page == 1 and c.doc == "long.txt" for c in chunks)


def test_bad_files_are_reported_and_skipped_while_the_rest_is_indexed(tmp_path, embedder):
    source = tmp_path / "src"
    source.mkdir()
    write_pdf(source / "good.pdf", [["Traction", "12 paying fleets"]])
    (source / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (source / "empty.md").write_text("")
    (source / "deck.key").write_bytes(b"\x00\x01")
    report = make_ingester(tmp_path / "idx", embedder).ingest("mixed", source)
    assert not report.ok and report.status == "built"
    skipped = {f.name: f.skipped for f in report.files if f.skipped}
    assert set(skipped) == {"broken.pdf", "empty.md", "deck.key"}
    assert "not a readable PDF" in skipped["broken.pdf"]
    assert [c.doc for c in load_deck_index(tmp_path / "idx", "mixed").chunks] == ["good.pdf"]


def test_unchanged_deck_is_not_rebuilt_and_a_changed_one_is(tmp_path, embedder):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.md").write_text("# A\n\nAlpha raised $1M.")
    ingester = make_ingester(tmp_path / "idx", embedder)
    first = ingester.ingest("d", source)
    build = read_manifest(tmp_path / "idx", "d")["build_id"]
    assert ingester.ingest("d", source).status == "unchanged"
    assert read_manifest(tmp_path / "idx", "d")["build_id"] == build
    (source / "a.md").write_text("# A\n\nAlpha raised $2M.")
    assert ingester.ingest("d", source).status == "built" and first.status == "built"
    assert read_manifest(tmp_path / "idx", "d")["build_id"] != build
    assert ingester.ingest("d", source, rebuild=True).status == "built"


def test_failed_ingest_leaves_the_previous_index_serving(index_copy, embedder, tmp_path):
    before = read_manifest(index_copy, "example")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    report = make_ingester(index_copy, embedder).ingest("example", bad)
    assert report.status == "failed"
    assert read_manifest(index_copy, "example") == before
    assert load_deck_index(index_copy, "example").faiss_index.ntotal == before["chunk_count"]
    assert list((index_copy / ".builds").iterdir()) == [ (index_copy / "example").resolve() ]


def test_flask_ingest_cli_indexes_every_deck_and_exits_nonzero_on_skips(tmp_path, embedder):
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE_DECK, content / "example")
    (content / "second").mkdir()
    (content / "second" / "notes.txt").write_text("The second deck mentions a Series A in 2027.")
    config = app_config(tmp_path, tmp_path / "idx") | {"CONTENT_DIR": str(content)}
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=ScriptedGenerator()))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ingest"])
    assert result.exit_code == 0, result.output
    assert "example: built" in result.output and "second: built" in result.output
    assert list_decks(tmp_path / "idx") == ["example", "second"]
    again = runner.invoke(args=["ingest", "--deck", "second"])
    assert again.exit_code == 0 and "second: unchanged" in again.output
    (content / "second" / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    result = runner.invoke(args=["ingest", "--deck", "second", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report[0]["status"] == "built"
    assert [f["name"] for f in report[0]["files"] if f["skipped"]] == ["broken.pdf"]
    assert runner.invoke(args=["ingest", "--deck", "../x"]).exit_code != 0


def test_without_a_terminal_progress_is_one_plain_line_per_file(tmp_path, embedder, caplog):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.md").write_text("# A\n\nAlpha raised $1M.")
    (source / "b.key").write_text("keynote")
    with caplog.at_level("INFO", logger="ingest.pipeline"):
        make_ingester(tmp_path / "idx", embedder).ingest("d", source)
    lines = [r.getMessage() for r in caplog.records if r.name == "ingest.pipeline"]
    # a.md is embedded (in the embedding thread) while b.key is read: that line may come between
    assert [line for line in lines if "embedded" not in line][:2] == [
        "d: [1/2] a.md: 1 pages, 1 chunks", "d: [2/2] b.key: skipped (unsupported file type .key)"]
    assert "d: a.md: embedded 1/1 chunks" in lines
    assert not any("\r" in line for line in lines)  # no bar redraws in a CI log


def test_flask_ingest_embeds_in_bfloat16_where_the_cpu_has_it_and_the_index_answers_as_in_float32(tmp_path, embedder):
    if not native_bfloat16():
        pytest.skip("this CPU computes no bfloat16 natively (AVX512-BF16 or AMX): ingest stays in float32 here")
    config = app_config(tmp_path, tmp_path / "idx") | {"EMBED_PRECISION": "auto"}
    app = create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=ScriptedGenerator()))
    result = app.test_cli_runner().invoke(args=["ingest", "--deck", "example", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["status"] == "built"  # no model-loading bar in the JSON either
    index = load_deck_index(tmp_path / "idx", "example")
    stored = index.faiss_index.reconstruct_n(0, index.faiss_index.ntotal)
    in_float32 = embedder.embed([c.text for c in index.chunks])
    assert np.min((stored * in_float32).sum(axis=1)) > 0.99  # the bfloat16 vectors, not float32's
    assert np.max(np.abs(stored - in_float32)) > 0  # (they did come from the bfloat16 model)
    for question, page_title in [("How much are they raising?", "The Ask"), ("Who is the CTO?", "Team")]:
        query = embedder.embed([question])  # questions stay float32, as the server embeds them
        _, rows = index.faiss_index.search(query, 1)
        assert page_title in index.chunks[rows[0][0]].title, (question, index.chunks[rows[0][0]].title)


def test_embedders_of_two_precisions_loaded_at_once_each_keep_their_own_dtype():
    # A server preloading its float32 embedder while a command loads a bfloat16 one: transformers sets
    # torch's default dtype while loading, and unserialised loads mixed their layers (found in the
    # cluster test as "mixed dtype" from flask ingest).
    loaded: dict[str, SentenceTransformerEmbedder] = {}

    def load(precision: str) -> None:
        loaded[precision] = SentenceTransformerEmbedder(precision=precision)

    for _ in range(2):
        threads = [threading.Thread(target=load, args=(p,)) for p in ("float32", "bfloat16")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        vectors = {p: e.embed(["The Ask: raising $4.5 million."]) for p, e in loaded.items()}
        assert float(vectors["float32"][0] @ vectors["bfloat16"][0]) > 0.99
