"""What a deck's content folder holds besides its documents (read by ingest and by the web app)."""

from __future__ import annotations

from pathlib import Path

from ingest.store import is_valid_deck_name

DECK_SETTINGS = "deck.toml"  # the widget's settings for the deck (app/widget/deck_settings.py)
# A deck folder's own question set (the `flask eval` format): it gates re-indexing and is never indexed.
EVAL_QUESTIONS = "qa.jsonl"


def deck_files(source: Path) -> list[Path]:
    """The documents of a deck folder, in name order (hidden files, settings and questions left out)."""
    return sorted(p for p in source.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.name not in (EVAL_QUESTIONS, DECK_SETTINGS))


def deck_folders(content_dir: Path) -> list[Path]:
    """The deck folders under the content folder (named as a deck may be), in name order."""
    if not content_dir.is_dir():
        return []
    return sorted(p for p in content_dir.iterdir() if p.is_dir() and is_valid_deck_name(p.name))
