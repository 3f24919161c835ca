"""A deck's widget settings, from `deck.toml` in the deck's content folder (beside its documents).

    title = "Tidewater Robotics"
    greeting = "Ask me anything about our seed round."
    suggested_questions = ["How much are you raising?", "Who are the founders?"]
    allowed_origins = ["https://www.tidewater.example"]   # sites that may embed the widget
    handoff_url = "mailto:founders@tidewater.example"     # else readers may leave their e-mail
    theme_color = "#0b5fff"
    access = "public"       # or "email" (the reader gives an e-mail first) or "link" (personal links only)

Read on each request (cached by modification time), so an owner's edit applies without a restart.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.content import DECK_SETTINGS as SETTINGS_FILE

log = logging.getLogger(__name__)

# An origin is a scheme, a host and maybe a port: nothing that could end a CSP or CORS header value
# (fullmatch: "$" alone would let a trailing newline through into the header).
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{3}([0-9A-Fa-f]{3})?$")
_HANDOFF = re.compile(r"^(https://|http://|mailto:)[^\s\"'<>]+$")
MAX_SUGGESTIONS = 6
ACCESS_MODES = ("public", "email", "link")


@dataclass(frozen=True)
class DeckSettings:
    title: str
    greeting: str = "Ask a question about our deck, FAQ or whitepaper."
    suggested_questions: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()  # none: only this app's own pages may embed the chat
    handoff_url: str | None = None
    theme_color: str = "#1f5f8b"
    access: str = "public"
    problems: tuple[str, ...] = field(default=(), compare=False)  # settings ignored, for the log


def valid_colour(value: str | None) -> bool:
    return bool(value and _COLOUR.fullmatch(value))


def parse_origins(values: list, problems: list[str]) -> list[str]:
    """The valid origins, lower-cased without a trailing slash; each invalid one noted in problems."""
    origins = []
    for origin in values:
        if isinstance(origin, str) and _ORIGIN.fullmatch(origin.rstrip("/")):
            origins.append(origin.rstrip("/").lower())
        else:
            problems.append(f"allowed_origins: {origin!r} is not an origin like https://www.example.com")
    return origins


def parse_deck_settings(deck: str, raw: dict) -> DeckSettings:
    """The settings in a parsed deck.toml, each invalid one replaced by its default and named in `problems`."""
    problems: list[str] = []
    origins = parse_origins(raw["allowed_origins"] if isinstance(raw.get("allowed_origins"), list) else [], problems)
    handoff = raw.get("handoff_url")
    if handoff is not None and not (isinstance(handoff, str) and _HANDOFF.fullmatch(handoff)):
        problems.append(f"handoff_url: {handoff!r} must start with https://, http:// or mailto:")
        handoff = None
    colour = raw.get("theme_color", DeckSettings.theme_color)
    if not (isinstance(colour, str) and valid_colour(colour)):
        problems.append(f"theme_color: {colour!r} must be a hex colour like #1f5f8b")
        colour = DeckSettings.theme_color
    access = raw.get("access", "public")
    if access not in ACCESS_MODES:
        # Fail closed: a typo in a confidential deck's settings must not publish it.
        problems.append(f"access: {access!r} must be one of {', '.join(ACCESS_MODES)}; treated as \"link\"")
        access = "link"
    questions = raw.get("suggested_questions", [])
    questions = tuple(q.strip() for q in questions if isinstance(q, str) and q.strip())[:MAX_SUGGESTIONS] \
        if isinstance(questions, list) else ()
    text = lambda key, default: raw[key].strip() if isinstance(raw.get(key), str) and raw[key].strip() else default  # noqa: E731
    return DeckSettings(title=text("title", deck), greeting=text("greeting", DeckSettings.greeting),
                        suggested_questions=questions, allowed_origins=tuple(origins), handoff_url=handoff,
                        theme_color=colour, access=access, problems=tuple(problems))


class DeckSettingsStore:
    """Settings per deck from `<content dir>/<deck>/deck.toml`; defaults when the file is absent.

    `every_deck_origins` (DECKCHAT_ALLOWED_ORIGINS) may embed every deck, in addition to each deck's own list.
    """

    def __init__(self, content_dir: Path, every_deck_origins: str = ""):
        self.content_dir = content_dir
        problems: list[str] = []
        self.every_deck_origins = tuple(parse_origins([o.strip() for o in every_deck_origins.split(",") if o.strip()],
                                                      problems))
        for problem in problems:
            log.warning("DECKCHAT_ALLOWED_ORIGINS: %s (ignored)", problem)
        self._cache: dict[str, tuple[float, DeckSettings]] = {}

    def get(self, deck: str) -> DeckSettings:
        settings = self.own(deck)
        extra = tuple(o for o in self.every_deck_origins if o not in settings.allowed_origins)
        return replace(settings, allowed_origins=settings.allowed_origins + extra) if extra else settings

    def own(self, deck: str) -> DeckSettings:
        """The deck's own settings, as its deck.toml says (without DECKCHAT_ALLOWED_ORIGINS)."""
        path = self.content_dir / deck / SETTINGS_FILE
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return DeckSettings(title=deck)
        cached = self._cache.get(deck)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            settings = parse_deck_settings(deck, tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            # Fail closed: a broken file must not open the widget to every site, nor a private deck to all.
            problem = f"{path} is not valid TOML ({exc}); using defaults, personal links only"
            settings = DeckSettings(title=deck, access="link", problems=(problem,))
        for problem in settings.problems:
            log.warning("deck %s: %s (ignored; fix %s)", deck, problem, path)
        self._cache[deck] = (mtime, settings)
        return settings

    def all_allowed_origins(self, decks: list[str]) -> set[str]:
        return {origin for deck in decks for origin in self.get(deck).allowed_origins}
