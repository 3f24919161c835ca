"""The conversation log schema (SQLAlchemy 2.0 typed models)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


HANDOFF_STATES = ("open", "replied", "closed")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC one (SQLite gives times back without their zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class ChatSession(Base):
    """One reader's conversation with one deck."""

    __tablename__ = "chat_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    deck: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # Who the reader is, when the deck's access mode asked (app/reader_access): "public", "email" or "link".
    access: Mapped[str | None] = mapped_column(String(16))
    reader_email: Mapped[str | None] = mapped_column(String(254), index=True)
    reader_name: Mapped[str | None] = mapped_column(String(200))
    # The reader_link's id; no foreign key, so that SQLite adds the column without rebuilding the table.
    link_id: Mapped[int | None] = mapped_column(Integer)
    turns: Mapped[list[Turn]] = relationship(back_populates="session", order_by="Turn.id")
    views: Mapped[list[SlideView]] = relationship(back_populates="session", order_by="SlideView.id")


class Turn(Base):
    """One question and its answer, with timings, token counts and any error."""

    __tablename__ = "turn"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_session.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    refused: Mapped[bool] = mapped_column(Boolean, default=False)
    model_id: Mapped[str | None] = mapped_column(String(200))
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    retrieval_ms: Mapped[float] = mapped_column(Float, default=0.0)
    generation_ms: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    # False: the answer states a number or name found in no source (None: refusal, error, older turn).
    grounded: Mapped[bool | None] = mapped_column(Boolean)
    # The documents' line shown with the answer, and the rank of the source it comes from.
    quote: Mapped[str | None] = mapped_column(Text)
    quote_rank: Mapped[int | None] = mapped_column(Integer)
    # What the model wrote, kept when the reader was shown something else (a quote or the refusal).
    model_answer: Mapped[str | None] = mapped_column(Text)
    # How the answer was decided: "extracted", "quoted", "written" or "refused: <why>" (app/rag/verdict.py).
    decided: Mapped[str | None] = mapped_column(String(200))
    # The founders' curated answer given instead of one from the documents (curated_answer.id; no foreign
    # key, so that SQLite adds the column without rebuilding the table, and a removed answer keeps its turns).
    curated_id: Mapped[int | None] = mapped_column(Integer)
    # Made once per write, before its tries: a COMMIT that went through but whose answer was lost with the
    # connection is found on the retry instead of storing the turn twice (unique; older turns have none).
    write_key: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    session: Mapped[ChatSession] = relationship(back_populates="turns")
    sources: Mapped[list[TurnSource]] = relationship(back_populates="turn", order_by="TurnSource.rank")
    feedback: Mapped[list[Feedback]] = relationship(back_populates="turn")


class TurnSource(Base):
    """A chunk that was in the prompt for a turn, in rank order."""

    __tablename__ = "turn_source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turn.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    doc: Mapped[str] = mapped_column(String(255))
    page: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(255))
    score: Mapped[float] = mapped_column(Float)
    used: Mapped[bool | None] = mapped_column(Boolean)  # the answer rests on this source
    snippet: Mapped[str | None] = mapped_column(Text)  # as the reader saw it (the widget restores it)
    turn: Mapped[Turn] = relationship(back_populates="sources")


class Feedback(Base):
    """A reader's thumbs up (1) or down (-1) on an answer."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turn.id"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    turn: Mapped[Turn] = relationship(back_populates="feedback")


class Handoff(Base):
    """A reader's question the documents did not answer, left for the founders with a reply address."""

    __tablename__ = "handoff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_session.id"), index=True)
    turn_id: Mapped[int | None] = mapped_column(ForeignKey("turn.id"))
    question: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    state: Mapped[str] = mapped_column(String(16), default="open", server_default="open")  # HANDOFF_STATES
    session: Mapped[ChatSession] = relationship()


class ReaderLink(Base):
    """A personal link to a deck whose access is "link": one reader, signed, expiring, revocable."""

    __tablename__ = "reader_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deck: Mapped[str] = mapped_column(String(64), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SlideView(Base):
    """A slide (or page) on a reader's screen, and for how long, reported by the deck page."""

    __tablename__ = "slide_view"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_session.id"), index=True)
    doc: Mapped[str] = mapped_column(String(255))
    page: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    session: Mapped[ChatSession] = relationship(back_populates="views")


class Notification(Base):
    """A message for the founders on one channel (mail or webhook), kept until it is delivered: sends are
    retried with growing waits and a failure is recorded here and in the log, never dropped."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("channel", "dedupe_key", name="uq_notification_channel_dedupe_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # "handoff", "first-visit", "digest", "test"
    channel: Mapped[str] = mapped_column(String(16))  # "mail" or "webhook"
    # Once per key and channel (a reader's first visit, a day's digest); None: every time.
    dedupe_key: Mapped[str | None] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # retries given up
    last_error: Mapped[str | None] = mapped_column(Text)


class CuratedAnswer(Base):
    """The founders' own answer to a question the documents do not answer, given to readers who ask the
    same thing (matched by meaning, app/curated/), labelled as theirs with its date."""

    __tablename__ = "curated_answer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deck: Mapped[str] = mapped_column(String(64), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    # Other wordings of the question that readers used (an unanswered group's), one per line.
    variants: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RefusedOrigin(Base):
    """A site that tried to show a deck's widget without being in its allowed_origins (the owner sees it)."""

    __tablename__ = "refused_origin"
    __table_args__ = (UniqueConstraint("deck", "origin", name="uq_refused_origin_deck_origin"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deck: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(300))
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeckChange(Base):
    """A change to a deck made in the admin (a file uploaded, replaced or deleted, its settings edited, a
    re-index started or finished): who, when, what."""

    __tablename__ = "deck_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deck: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    who: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
