"""A deck's folder under the content directory, changed from the admin: files added or replaced only
after they pass the checks `flask ingest` makes (type, size, the parser under its time limit, some text),
so a broken upload never reaches the folder; files deleted; new decks created."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from typing import TYPE_CHECKING

from app.deck_content.settings_file import write_settings
from ingest.content import DECK_SETTINGS, EVAL_QUESTIONS, deck_files, deck_folders
from ingest.store import is_valid_deck_name

if TYPE_CHECKING:
    from ingest.file_check import IngestLimits


RESERVED_NAMES = ("new",)  # /admin/decks/new is the page that creates a deck


class ContentError(Exception):
    """A change refused; the message says why and what to do, and nothing was changed."""


@dataclass(frozen=True)
class DeckFile:
    name: str
    size: int
    modified: datetime


@dataclass(frozen=True)
class Added:
    name: str
    replaced: bool  # a file of that name was there before
    pages: int


class DeckFolder:
    def __init__(self, content_dir: Path, limits: IngestLimits):
        self.content_dir = content_dir
        self.limits = limits

    def path(self, deck: str) -> Path:
        if not is_valid_deck_name(deck):
            raise ContentError("a deck's name uses letters, digits, '-' and '_' only")
        return self.content_dir / deck

    def exists(self, deck: str) -> bool:
        return is_valid_deck_name(deck) and self.path(deck).is_dir()

    def decks(self) -> list[str]:
        """The deck folders, indexed or not."""
        return [p.name for p in deck_folders(self.content_dir)]

    def files(self, deck: str) -> list[DeckFile]:
        """The documents `flask ingest` reads from the deck's folder."""
        folder = self.path(deck)
        if not folder.is_dir():
            return []
        return [DeckFile(p.name, p.stat().st_size, datetime.fromtimestamp(p.stat().st_mtime, UTC))
                for p in deck_files(folder)]

    def create(self, deck: str, title: str) -> None:
        folder = self.path(deck)
        if deck in RESERVED_NAMES:
            raise ContentError(f"{deck!r} names an admin page; choose another name")
        if folder.exists():
            raise ContentError(f"a deck named {deck!r} exists already")
        problems = write_settings(folder / DECK_SETTINGS, deck, {"title": title or deck, "access": "public"})
        if problems:
            raise ContentError("; ".join(problems))

    def add(self, deck: str, upload: FileStorage) -> Added:
        """The uploaded file put in the deck's folder (replacing one of the same name) once it reads."""
        # The parsers load here, not with the web app (tests/test_boundaries.py).
        from ingest.file_check import FileRefused, readable_file
        from ingest.isolation import IsolatedLoader
        from ingest.loaders import LOADERS, is_supported

        folder = self.path(deck)
        if not folder.is_dir():
            raise ContentError(f"no deck {deck!r}: create it first")
        name = secure_filename(upload.filename or "")
        if not name or name in (EVAL_QUESTIONS, DECK_SETTINGS) or name.startswith("."):
            raise ContentError(f"{upload.filename!r} cannot be a document's name; rename the file")
        if Path(name).suffix.lower() != Path(upload.filename or "").suffix.lower():
            raise ContentError(f"{upload.filename!r}: rename the file with Latin letters, digits, '-' or '_'")
        if not is_supported(Path(name)):
            raise ContentError(f"{name}: unsupported file type; DeckChat reads {', '.join(sorted(LOADERS))}")
        # Checked under a hidden name, which `flask ingest` ignores, then moved in whole.
        incoming = folder / f".upload-{secrets.token_hex(8)}{Path(name).suffix.lower()}"
        try:
            upload.save(incoming)
            with IsolatedLoader(self.limits.file_timeout_s) as loader:
                loaded = readable_file(incoming, self.limits, loader)
            replaced = (folder / name).exists()
            os.replace(incoming, folder / name)
        except FileRefused as exc:
            raise ContentError(f"{name}: {exc}; nothing was changed") from None
        except OSError as exc:  # a full disk, a read-only folder, no process for the parser
            raise ContentError(f"{name}: could not be stored ({exc.strerror or exc}); nothing was changed; "
                               f"check the space and rights in {folder}") from None
        finally:
            incoming.unlink(missing_ok=True)
        return Added(name, replaced, len(loaded.pages))

    def delete(self, deck: str, name: str) -> None:
        names = {f.name for f in self.files(deck)}
        if name not in names:
            raise ContentError(f"{deck} has no document named {name!r}")
        if len(names) == 1:  # an index is never built from nothing: the deleted text would keep being served
            raise ContentError(f"{name} is the deck's only document; upload its replacement first")
        try:
            (self.path(deck) / name).unlink()
        except OSError as exc:
            raise ContentError(f"{name} could not be deleted ({exc.strerror or exc})") from None
