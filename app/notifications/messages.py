"""The words of each notification: subject and plain-text body (mail and webhook alike)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Protocol


class Unanswered(Protocol):
    deck: str
    question: str
    session_id: str


def handoff(deck_title: str, question: str, email: str, transcript: str) -> tuple[str, str]:
    return (f"[DeckChat] {deck_title}: a reader asks you directly",
            f"The documents did not answer this question, and the reader left an address for your reply.\n\n"
            f"Question: {question}\nReader: {email}\nConversation: {transcript}\n")


def first_visit(deck_title: str, reader: str, access: str, reader_page: str) -> tuple[str, str]:
    how = {"link": "their personal link", "email": "the e-mail gate"}.get(access, access)
    return (f"[DeckChat] {reader} opened {deck_title}",
            f"{reader} opened {deck_title} for the first time (through {how}).\n"
            f"What they look at and ask: {reader_page}\n")


def digest(day: date, questions: Sequence[Unanswered], titles: dict[str, str], admin_page: str) -> tuple[str, str]:
    by_deck: dict[str, list[str]] = defaultdict(list)
    for q in questions:
        by_deck[q.deck].append(q.question)
    lines = [f"{len(questions)} question{'s' if len(questions) != 1 else ''} the documents did not answer "
             f"since the last digest:"]
    for deck, asked in by_deck.items():
        lines.append(f"\n{titles.get(deck, deck)} ({len(asked)}):")
        lines.extend(f"  - {question}" for question in asked[:50])
        if len(asked) > 50:
            lines.append(f"  ... and {len(asked) - 50} more")
    lines.append(f"\nAll of them, grouped by meaning: {admin_page}")
    return f"[DeckChat] Unanswered questions, {day:%a %d %b %Y}", "\n".join(lines) + "\n"
