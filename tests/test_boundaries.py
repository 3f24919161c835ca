"""What the web process and a `flask` command load: the parsers stay in ingest, the models wait for need."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARSERS = ("pptx", "docx", "bs4", "pypdfium2")
ANSWER_PATH = ("faiss", "torch", "sentence_transformers", "llama_index", "llama_cpp", "alembic")


def loaded_after(code: str) -> set[str]:
    """Top-level modules a fresh interpreter has loaded after running `code` in the repository root."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "DECKCHAT_INSTANCE_DIR": "/tmp/deckchat-probe"})
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_web_process_loads_no_document_parser():
    loaded = loaded_after("import wsgi")
    assert not loaded & set(PARSERS), sorted(loaded & set(PARSERS))


def test_building_the_app_loads_no_model_index_or_migrations_until_they_are_needed():
    """`flask admin ...`, `flask logs ...` and `flask --help` build the app; they must not wait for the answer path."""
    loaded = loaded_after("from app import create_app\ncreate_app()")
    assert not loaded & set(ANSWER_PATH + PARSERS), sorted(loaded & set(ANSWER_PATH + PARSERS))
