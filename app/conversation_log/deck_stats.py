"""The founder's view of one deck: readers, visits, questions and outcomes over time, and per slide.

Read in one pass over the deck's sessions (with their turns, sources, views and hand-offs) and summed
in Python: a deck's log is thousands of rows, not millions, and the sums stay readable here.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload, sessionmaker

from app.models import ChatSession, Handoff, Turn, as_utc

VISIT_GAP = timedelta(minutes=30)  # quiet for longer, and the reader's next move starts a new visit
OUTCOMES = ("answered", "refused", "handed off", "failed")


def reader_key(chat: ChatSession) -> str:
    """Who a session's reader is: their e-mail (gate or link), else the anonymous session itself."""
    return chat.reader_email.lower() if chat.reader_email else chat.id


def outcome(turn: Turn, handed_off: set[int]) -> str:
    if turn.id in handed_off:
        return "handed off"
    if turn.error:
        return "failed"
    return "refused" if turn.refused else "answered"


def visits(chat: ChatSession) -> list[datetime]:
    """When each visit of the session began: its activity split where the reader was away 30 minutes."""
    moments = sorted([as_utc(chat.created_at)] + [as_utc(v.created_at) for v in chat.views]
                     + [as_utc(t.created_at) for t in chat.turns])
    starts = [moments[0]]
    for before, after in zip(moments, moments[1:], strict=False):
        if after - before > VISIT_GAP:
            starts.append(after)
    return starts


@dataclass
class SlideStats:
    doc: str
    page: int
    views: int = 0
    seconds: list[float] = field(default_factory=list)
    cited_by: int = 0  # questions whose answers rest on it
    refused_near: list[str] = field(default_factory=list)  # refused questions whose best source it was

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


@dataclass
class ReaderStats:
    key: str
    email: str | None
    name: str | None
    access: str
    sessions: int = 0
    visits: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    slides_seen: int = 0
    seconds: float = 0.0
    questions: int = 0
    outcomes: Counter = field(default_factory=Counter)


@dataclass
class DeckActivity:
    deck: str
    readers: list[ReaderStats]
    visits: int
    questions: int
    outcomes: Counter
    days: list[tuple[date, int, Counter]]  # each day in the founder's zone: visits begun, outcomes of questions
    slides: dict[tuple[str, int], SlideStats]


class DeckStatsQueries:
    """The dashboard's reads; `sessions` is the log's sessionmaker."""

    sessions: sessionmaker

    def deck_sessions(self, deck: str, reader: str | None = None) -> list[ChatSession]:
        """The deck's sessions, oldest first, with turns, sources and views (one reader's when `reader`)."""
        query = (select(ChatSession).where(ChatSession.deck == deck).order_by(ChatSession.created_at)
                 .options(selectinload(ChatSession.turns).selectinload(Turn.sources),
                          selectinload(ChatSession.views)))
        with self.sessions() as db:
            chats = list(db.scalars(query))
        return [c for c in chats if reader is None or reader_key(c) == reader]

    def handed_off_turns(self, session_ids: list[str]) -> set[int]:
        if not session_ids:
            return set()
        with self.sessions() as db:
            ids = db.scalars(select(Handoff.turn_id).where(Handoff.session_id.in_(session_ids)))
            return {turn_id for turn_id in ids if turn_id is not None}

    def deck_activity(self, deck: str, zone: tzinfo, days: int, today: date | None = None) -> DeckActivity:
        """Everything the deck's dashboard shows; `days` of daily figures ending today (in `zone`)."""
        chats = self.deck_sessions(deck)
        handed_off = self.handed_off_turns([c.id for c in chats])
        today = today or datetime.now(zone).date()
        daily = {today - timedelta(days=n): [0, Counter()] for n in range(days - 1, -1, -1)}
        readers: dict[str, ReaderStats] = {}
        slides: dict[tuple[str, int], SlideStats] = {}
        totals, visit_count = Counter(), 0
        for chat in chats:
            reader = readers.setdefault(reader_key(chat), ReaderStats(reader_key(chat), chat.reader_email,
                                                                     chat.reader_name, chat.access or "public"))
            starts = visits(chat)
            visit_count += len(starts)
            reader.sessions += 1
            reader.visits += len(starts)
            reader.first_seen = min(filter(None, (reader.first_seen, starts[0])))
            last = max([starts[-1], *(as_utc(v.created_at) for v in chat.views),
                        *(as_utc(t.created_at) for t in chat.turns)])
            reader.last_seen = max(filter(None, (reader.last_seen, last)))
            for start in starts:
                if start.astimezone(zone).date() in daily:
                    daily[start.astimezone(zone).date()][0] += 1
            seen = set()
            for view in chat.views:
                slide = slides.setdefault((view.doc, view.page), SlideStats(view.doc, view.page))
                slide.views += 1
                slide.seconds.append(view.seconds)
                seen.add((view.doc, view.page))
                reader.seconds += view.seconds
            reader.slides_seen += len(seen)
            for turn in chat.turns:
                result = outcome(turn, handed_off)
                totals[result] += 1
                reader.questions += 1
                reader.outcomes[result] += 1
                day = as_utc(turn.created_at).astimezone(zone).date()
                if day in daily:
                    daily[day][1][result] += 1
                for source in turn.sources:
                    if source.used and source.page is not None:
                        slides.setdefault((source.doc, source.page), SlideStats(source.doc, source.page)).cited_by += 1
                if result in ("refused", "handed off") and turn.sources and turn.sources[0].page is not None:
                    nearest = turn.sources[0]
                    slides.setdefault((nearest.doc, nearest.page),
                                      SlideStats(nearest.doc, nearest.page)).refused_near.append(turn.question)
        ordered = sorted(readers.values(), key=lambda r: r.last_seen or datetime.min.replace(tzinfo=UTC), reverse=True)
        return DeckActivity(deck, ordered, visit_count, sum(totals.values()), totals,
                            [(day, visits_begun, outcomes) for day, (visits_begun, outcomes) in daily.items()], slides)
