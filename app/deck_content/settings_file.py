"""A deck's deck.toml written from the admin's form with tomlkit, so the founder's own comments and the
order of the file survive; checked by the same parser that reads it before anything is written."""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path

import tomlkit
from tomlkit.exceptions import ParseError

from app.widget.deck_settings import MAX_SUGGESTIONS, DeckSettings, parse_deck_settings

# What the form edits, each a deck.toml key; an empty field removes the key (its default applies).
TEXT_FIELDS = ("title", "greeting", "handoff_url", "theme_color", "access")
LIST_FIELDS = ("suggested_questions", "allowed_origins")  # one per line in the form


def form_values(settings: DeckSettings) -> dict[str, str]:
    """What the form shows for settings now in force."""
    return {"title": settings.title, "greeting": settings.greeting, "handoff_url": settings.handoff_url or "",
            "theme_color": settings.theme_color, "access": settings.access,
            "suggested_questions": "\n".join(settings.suggested_questions),
            "allowed_origins": "\n".join(settings.allowed_origins)}


def _values(form: dict[str, str]) -> dict[str, str | list[str]]:
    values: dict[str, str | list[str]] = {key: " ".join(form.get(key, "").split()) for key in TEXT_FIELDS}
    for key in LIST_FIELDS:
        values[key] = [line.strip() for line in form.get(key, "").splitlines() if line.strip()]
    return values


def write_settings(path: Path, deck: str, form: dict[str, str]) -> list[str]:
    """Write the form into deck.toml; nothing is written when a value is invalid (the problems are returned)."""
    values = _values(form)
    problems = []
    if len(values["suggested_questions"]) > MAX_SUGGESTIONS:
        problems.append(f"suggested questions: at most {MAX_SUGGESTIONS}")
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    except (ParseError, UnicodeDecodeError):
        document = tomlkit.document()  # the broken file is replaced whole (the form said so)
    for key, value in values.items():
        if value:
            document[key] = value
        elif key in document:
            del document[key]
    text = tomlkit.dumps(document)
    problems += list(parse_deck_settings(deck, tomllib.loads(text)).problems)
    if problems:
        return problems
    _write_atomically(path, text)
    return []


def _write_atomically(path: Path, text: str) -> None:
    """Readers never see half a file: the settings are read on each request."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".deck-toml-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
