"""What the app tells the founders, from the requests where it happens (a hand-off, a named reader's
arrival) and from the sender thread (the digest): the message, its links, and its once-only key."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from flask import current_app

from app.conversation_log import SessionFilter
from app.models import as_utc
from app.notifications import messages


def _services():
    return current_app.extensions["deckchat"]


def _address(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def handoff_requested(session_id: str, deck: str, question: str, email: str) -> None:
    title = _services().deck_settings.get(deck).title
    _services().notifier.notify("handoff", *messages.handoff(title, question, email,
                                                             _address(f"/admin/sessions/{session_id}")))


def reader_named(deck: str, access: str, email: str, name: str | None) -> None:
    """A reader known by name or e-mail has just opened a session: the founders hear of their first one."""
    title = _services().deck_settings.get(deck).title
    reader = f"{name} <{email}>" if name else email
    page = _address(f"/admin/decks/{deck}/readers/{quote(email.lower())}")
    _services().notifier.notify("first-visit", *messages.first_visit(title, reader, access, page),
                                dedupe_key=f"first-visit:{deck}:{email.lower()}")


def digest_composer(log, deck_settings, public_url: str):
    """The sender thread's digest: the last day's unanswered questions over every deck (None: there were none)."""
    def compose(now: datetime) -> tuple[str, str] | None:
        cutoff = now - timedelta(days=1)
        # Asked in the last day, in sessions of the last month (a returning reader's old session included).
        recent = log.unanswered_questions(1000, SessionFilter(since=now - timedelta(days=30)))
        questions = [q for q in recent if as_utc(q.asked) >= cutoff]
        if not questions:
            return None
        titles = {q.deck: deck_settings.get(q.deck).title for q in questions}
        return messages.digest(now.date(), questions, titles, public_url.rstrip("/") + "/admin/questions")
    return compose
