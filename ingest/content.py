"""What a deck's content folder holds besides its documents (read by ingest and by the web app)."""

from __future__ import annotations

from pathlib import Path

DECK_SETTINGS = "deck.toml"  # the widget's settings for the deck (app/widget/deck_settings.py)
# A deck folder's own question set (the `flask eval` format): it gates re-indexing and is never indexed.
EVAL_QUESTIONS = "qa.jsonl"


def deck_files(source: Path) -> list[Path]:
    """The documents of a deck folder, in name order (hidden files, settings and questions left out)."""
    return sorted(p for p in source.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.name not in (EVAL_QUESTIONS, DECK_SETTINGS))
