"""Incremental re-indexing, per-file limits, and an ingest killed mid-way."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from app.config import REPO_ROOT
from ingest.chunking import PageChunker
from ingest.isolation import IsolatedLoader
from ingest.loaders import LoadError
from ingest.pipeline import DeckIngester, IngestLimits
from ingest.store import load_deck_index, read_manifest
from tests.conftest import make_ingester
from tests.loaders_for_isolation import crashing_loader, hanging_loader


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.texts = inner, []
        self.model_id, self.dimension = inner.model_id, inner.dimension

    def embed(self, texts):
        self.texts.extend(texts)
        return self.inner.embed(texts)

    def token_ids(self, text):
        return self.inner.token_ids(text)


@pytest.fixture
def deck_folder(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name, text in [("a.md", "# A\n\nAlpha raised $1M."), ("b.md", "# B\n\nBeta has 12 staff."),
                       ("c.txt", "Gamma sells kites.")]:
        (source / name).write_text(text)
    return source


def test_only_changed_files_are_re_embedded_and_deleted_ones_disappear(tmp_path, deck_folder, embedder):
    counting = CountingEmbedder(embedder)
    ingester = DeckIngester(tmp_path / "idx", counting, PageChunker(embedder.token_ids, 256, 32), progress=False)
    ingester.ingest("d", deck_folder)
    before = {c.id: c for c in load_deck_index(tmp_path / "idx", "d").chunks}
    counting.texts.clear()
    (deck_folder / "b.md").write_text("# B\n\nBeta has 40 staff.")
    (deck_folder / "c.txt").unlink()
    report = ingester.ingest("d", deck_folder)
    assert counting.texts == ["B\nBeta has 40 staff."]
    assert {f.name: f.reused for f in report.files} == {"a.md": True, "b.md": False}
    index = load_deck_index(tmp_path / "idx", "d")
    assert sorted(c.doc for c in index.chunks) == ["a.md", "b.md"]
    assert index.chunks[0] == before["a.md:0"]
    # the reused vector is the one embedded the first time, at its new position
    hits = index.search(embedder.embed([before["a.md:0"].text])[0], 1)
    assert hits[0][0].doc == "a.md" and hits[0][1] > 0.99


def test_changed_embedder_or_chunk_settings_force_a_rebuild_with_a_message(tmp_path, deck_folder, embedder):
    make_ingester(tmp_path / "idx", embedder).ingest("d", deck_folder)
    smaller = DeckIngester(tmp_path / "idx", embedder, PageChunker(embedder.token_ids, 128, 16), progress=False)
    report = smaller.ingest("d", deck_folder)
    assert report.status == "built" and "rebuilding every file" in report.message
    assert not any(f.reused for f in report.files)
    assert read_manifest(tmp_path / "idx", "d")["chunking"] == {"chunk_tokens": 128, "overlap": 16}


def test_a_file_over_the_size_limit_is_skipped(tmp_path, deck_folder, embedder):
    (deck_folder / "huge.txt").write_text("x " * 600_000)
    ingester = DeckIngester(tmp_path / "idx", embedder, PageChunker(embedder.token_ids, 256, 32),
                            progress=False, limits=IngestLimits(max_file_mb=1))
    report = ingester.ingest("d", deck_folder)
    skipped = {f.name: f.skipped for f in report.files if f.skipped}
    assert list(skipped) == ["huge.txt"] and "DECKCHAT_MAX_FILE_MB" in skipped["huge.txt"]


def test_a_parser_that_hangs_is_stopped_and_the_next_file_still_loads(tmp_path, deck_folder):
    with IsolatedLoader(timeout_s=2, load=hanging_loader) as loader:
        started = time.monotonic()
        with pytest.raises(LoadError, match="longer than 2 s"):
            loader.load(deck_folder / "a.md")
        assert time.monotonic() - started < 30
    with IsolatedLoader(timeout_s=30) as loader:
        assert loader.load(deck_folder / "a.md").pages[0].title == "A"
    with IsolatedLoader(timeout_s=30, load=crashing_loader) as loader, pytest.raises(ValueError, match="parser bug"):
        loader.load(deck_folder / "a.md")


def test_an_ingest_killed_mid_way_leaves_the_previous_index_serving(index_copy, tmp_path):
    before = read_manifest(index_copy, "example")
    big = tmp_path / "big"
    big.mkdir()
    for i in range(40):
        (big / f"part{i:02}.txt").write_text(" ".join(f"Sentence {j} of part {i} about hull cleaning."
                                                       for j in range(400)))
    env = os.environ | {"DECKCHAT_INDEX_DIR": str(index_copy), "DECKCHAT_INSTANCE_DIR": str(tmp_path / "inst")}
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "ingest", "--deck", "example",
                             "--source", str(big)], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(8)  # loading done, embedding ~600 chunks under way
    assert proc.poll() is None, "the ingest finished before it could be killed; give it more work"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert read_manifest(index_copy, "example") == before
    index = load_deck_index(index_copy, "example")
    assert index.faiss_index.ntotal == before["chunk_count"]
    assert {c.doc for c in index.chunks} == {"pitch_deck.pdf", "whitepaper.pdf", "faq.md"}


def test_two_builds_of_one_deck_at_once_take_turns_and_leave_a_served_index(deck_folder, tmp_path, embedder):
    """`flask ingest` and the admin's re-index may start together. The second waits for the first: a build
    published while another was staged used to remove the staged folder, whose swap then served nothing."""
    import threading

    from ingest.pipeline import GateVerdict

    class SlowGate:  # the first build lingers between staging and publishing (as a real gate does)
        def __init__(self, done: threading.Event | None):
            self.done = done

        def check(self, deck, questions, staged, current):
            if self.done is not None:
                self.done.wait(5)  # the other build finishes meanwhile, unless it waits its turn
            return GateVerdict(True, "ok")

    (deck_folder / "qa.jsonl").write_text("")
    index_dir, second_done, reports = tmp_path / "index", threading.Event(), {}

    def build(name, gate):
        ingester = make_ingester(index_dir, embedder)
        ingester.gate = gate
        reports[name] = ingester.ingest("deck", deck_folder, rebuild=True)
        if name == "second":
            second_done.set()

    first = threading.Thread(target=build, args=("first", SlowGate(second_done)))
    first.start()
    time.sleep(1.0)  # the first is staged and at its gate
    second = threading.Thread(target=build, args=("second", SlowGate(None)))
    second.start()
    first.join(60)
    second.join(60)
    assert {name: r.status for name, r in reports.items()} == {"first": "built", "second": "built"}
    index = load_deck_index(index_dir, "deck")
    assert index.faiss_index.ntotal == len(index.chunks) > 0


def test_flask_ingest_with_nothing_changed_decides_without_embedder_parsers_or_migrations(tmp_path, deck_folder,
                                                                                          embedder):
    """A second `make run` starts in seconds: the manifest and the files' hashes say nothing changed."""
    import json
    import shutil

    content, index_dir = tmp_path / "content", tmp_path / "index"
    shutil.copytree(deck_folder, content / "deck")
    assert make_ingester(index_dir, embedder).ingest("deck", content / "deck").status == "built"
    probe = ("from click.testing import CliRunner\nfrom app import create_app\nimport json, sys\n"
             "result = create_app().test_cli_runner().invoke(args=['ingest'])\n"
             "print(result.output)\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "DECKCHAT_INSTANCE_DIR": str(tmp_path / "instance"),
           "DECKCHAT_CONTENT_DIR": str(content), "DECKCHAT_INDEX_DIR": str(index_dir)}

    def run() -> tuple[str, set[str]]:
        out = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                             check=True).stdout.strip().splitlines()
        return "\n".join(out[:-1]), set(json.loads(out[-1]))

    output, loaded = run()
    assert "deck: unchanged" in output
    assert not loaded & {"sentence_transformers", "torch", "alembic", "pptx", "pypdfium2", "llama_index"}, loaded
    (content / "deck" / "a.md").write_text("# A\n\nAlpha raised $2M.")
    output, loaded = run()
    assert "deck: built" in output and "sentence_transformers" in loaded  # a change is built as before


def test_a_re_ingest_keeps_the_unchanged_files_pictures_and_renders_only_the_changed_one(tmp_path, embedder):
    from ingest.store import PAGES_DIR, deck_path, slide_files

    source = tmp_path / "deck"
    shutil.copytree(REPO_ROOT / "content" / "example", source)
    ingester = make_ingester(tmp_path / "idx", embedder)
    ingester.ingest("d", source)
    first = deck_path(tmp_path / "idx", "d").resolve()
    names = [f["name"] for f in read_manifest(tmp_path / "idx", "d")["files"]]
    deck_pictures = sorted((first / PAGES_DIR / str(names.index("pitch_deck.pdf"))).glob("*.webp"))
    assert len(deck_pictures) == 10
    (source / "whitepaper.pdf").write_bytes((source / "whitepaper.pdf").read_bytes() + b"\n")  # changed
    ingester.ingest("d", source)
    second = deck_path(tmp_path / "idx", "d").resolve()
    assert second != first
    kept = second / PAGES_DIR / str(names.index("pitch_deck.pdf"))
    for picture in deck_pictures:  # the same files, linked into the new build, not rendered again
        assert (kept / picture.name).stat().st_ino == picture.stat().st_ino
    paper_before = first / PAGES_DIR / str(names.index("whitepaper.pdf"))
    paper_after = second / PAGES_DIR / str(names.index("whitepaper.pdf"))
    assert sorted(p.name for p in paper_after.glob("*.webp")) == sorted(p.name for p in paper_before.glob("*.webp"))
    assert all((paper_after / p.name).stat().st_ino != p.stat().st_ino for p in paper_before.glob("*.webp"))
    assert slide_files(second) == slide_files(first)  # the deck is still shown as slides
