"""Shared fixtures: the real embedder and model (loaded once), a built example index, app and client."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app import create_app  # noqa: E402
from app.config import REPO_ROOT, load_config  # noqa: E402
from app.generation.embedded import embedded_model_path  # noqa: E402
from app.generation.loading import load_default_generator  # noqa: E402
from app.services import Services  # noqa: E402
from ingest.chunking import PageChunker  # noqa: E402
from ingest.embedding import SentenceTransformerEmbedder  # noqa: E402
from ingest.pipeline import DeckIngester  # noqa: E402

EXAMPLE_DECK = REPO_ROOT / "content" / "example"


@pytest.fixture(scope="session")
def embedder():
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def generator():
    """The embedded SmolLM2, converted once into the repo's instance/ cache and shared by all tests."""
    return load_default_generator(load_config())


@pytest.fixture(scope="session")
def transformers_generator():
    """The embedded SmolLM2 on the transformers backend (fp32), whatever the default backend is."""
    from app.generation.transformers_backend import TransformersGenerator

    config = load_config()
    return TransformersGenerator(embedded_model_path(), Path(config["MODEL_CACHE_DIR"]), config["THREADS"])


def make_ingester(index_dir: Path, embedder) -> DeckIngester:
    return DeckIngester(index_dir, embedder, PageChunker(embedder.token_ids, 256, 32), progress=False)


@pytest.fixture(scope="session")
def example_index(tmp_path_factory, embedder) -> Path:
    """content/example ingested once as deck 'example'; tests must not modify it."""
    index_dir = tmp_path_factory.mktemp("index_store")
    report = make_ingester(index_dir, embedder).ingest("example", EXAMPLE_DECK)
    assert report.ok, report
    return index_dir


@pytest.fixture
def index_copy(example_index, tmp_path) -> Path:
    """A private copy of the example index, for tests that change it."""
    target = tmp_path / "index_store"
    shutil.copytree(example_index, target, symlinks=True)
    return target


def app_config(tmp_path: Path, index_dir: Path) -> dict:
    return {
        "TESTING": True,
        "INDEX_DIR": str(index_dir),
        "CONTENT_DIR": str(REPO_ROOT / "content"),
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'instance' / 'test.sqlite3'}",
        # Ingest reuses the session's loaded embedder (float32), as a server does; bfloat16 ingest has
        # its own test (tests/test_ingest.py).
        "EMBED_PRECISION": "float32",
    }


@pytest.fixture
def app(tmp_path, example_index, embedder, generator):
    """The app on the real embedded models and the example index."""
    return create_app(app_config(tmp_path, example_index),
                      make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))


@pytest.fixture
def client(app):
    return app.test_client()
