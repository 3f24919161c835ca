"""The development question set in `eval/dev/`: each document it asks about indexed as a deck of its own.

The questions live in the repo; the documents are third-party files read from the shared evaluation
folder (`DECKCHAT_EVAL_DATA`, default `../shared/eval`), never copied in. Each document is indexed
once into its own index folder (`instance/eval-index`; incremental, so a second run only loads),
and every question is asked of its own document's deck through the same pipeline as the API.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.pipeline import DeckIngester

DEV_DIR = Path(__file__).resolve().parents[2] / "eval" / "dev"
# Where the shared evaluation folder keeps each kind of document.
_SUBFOLDERS = ("decks", "docs", "dev-decks", "more")


class EvalDataMissing(Exception):
    """The shared evaluation documents are not on this machine (a user's fresh clone has none)."""


def deck_for(doc: str) -> str:
    """The deck name a document is indexed under: "dev-" and its name, made a valid deck name."""
    return "dev-" + re.sub(r"[^A-Za-z0-9_-]+", "-", doc)[:58].strip("-")


def find_document(data_dir: Path, doc: str) -> Path:
    """The shared evaluation file of that name."""
    for sub in _SUBFOLDERS:
        path = data_dir / sub / doc
        if path.is_file():
            return path
    raise EvalDataMissing(f"{doc} is not under {data_dir} ({', '.join(_SUBFOLDERS)})")


def split_files(name: str) -> list[Path]:
    """The question files of a split ("tuning", "validation"), or of both ("all")."""
    kinds = ("tuning", "validation") if name == "all" else (name,)
    return [p for kind in kinds for p in sorted(DEV_DIR.glob(f"*{kind}*.jsonl"))]


def index_documents(ingester: DeckIngester, data_dir: Path, docs: set[str], staging: Path) -> dict[str, str]:
    """Index each document as its own deck (unchanged ones are not rebuilt); doc -> deck name."""
    if not data_dir.is_dir():
        raise EvalDataMissing(f"no evaluation documents at {data_dir}: set DECKCHAT_EVAL_DATA "
                              "to the shared eval folder to run the development set")
    decks = {}
    for doc in sorted(docs):
        source = find_document(data_dir, doc)
        deck = deck_for(doc)
        folder = staging / deck
        folder.mkdir(parents=True, exist_ok=True)
        link = folder / doc
        if not link.is_symlink() or link.resolve() != source.resolve():
            link.unlink(missing_ok=True)
            link.symlink_to(source.resolve())
        report = ingester.ingest(deck, folder)
        if report.status == "failed":
            raise EvalDataMissing(f"{doc} could not be indexed: {report.error}")
        decks[doc] = deck
    return decks
