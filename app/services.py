"""The long-lived parts of one process: embedder, retriever, model, pipeline and log.

Each part starts on first use, so that a `flask` command pays only for what it touches:
`flask admin ...` and `flask --help` load neither the embedder nor FAISS nor the database
migrations. The server warms them at start (DECKCHAT_PRELOAD_MODEL, `preload`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from app.chat.queue import GenerationQueue
from app.generation.base import GenerationError, Generator
from app.generation.embedded import embedded_model_name
from app.generation.loading import check_model_settings, decoding_params, load_default_generator
from app.rate_limits import RateLimits
from app.settings import Settings
from app.widget.deck_settings import DeckSettingsStore
from ingest.store import IndexNotBuilt, list_decks, read_manifest

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

    from app.conversation_log import SqlConversationLog
    from app.curated.matcher import CuratedMatcher
    from app.curated.store import CuratedAnswers
    from app.deck_content.changes import DeckChanges
    from app.deck_content.folder import DeckFolder
    from app.deck_content.reindex import Reindexer
    from app.notifications.sender import Notifier
    from app.rag.answer import AnswerPipeline
    from app.rag.retrieval import FaissRetriever
    from app.reader_access.links import ReaderLinks
    from app.widget.refused_origins import RefusedOrigins
    from ingest.embedding import Embedder

log = logging.getLogger(__name__)
T = TypeVar("T")


class Services:
    """One of each moving part per process, each started on first need (the model under a lock)."""

    def __init__(self, config: dict, embedder: Embedder | None = None,
                 generator: Generator | None = None, conversation_log: SqlConversationLog | None = None):
        check_model_settings(config)  # a misspelt setting fails at start-up, not per question
        self.config = config  # the model loader still reads the flat config (app/generation/loading.py)
        self.settings = settings = Settings.from_config(config)
        self.index_dir = settings.paths.index_dir
        self.queue = GenerationQueue(settings.web.queue_waiting)
        self.rate_limits = RateLimits(settings.web.rate_limit_address, settings.web.rate_limit_session,
                                      settings.web.rate_limit_other, settings.web.redis_url)
        self.deck_settings = DeckSettingsStore(settings.paths.content_dir, settings.web.allowed_origins)
        # Each part is built once, under one re-entrant lock (a part may need another: the retriever
        # the embedder), by whichever thread needs it first.
        self._parts: dict[str, object] = {name: part for name, part in
                                          (("embedder", embedder), ("log", conversation_log)) if part is not None}
        self._parts_lock = threading.RLock()
        self._generator = generator
        self._load_error: str | None = None
        self._load_lock = threading.Lock()

    def _part(self, name: str, make: Callable[[], T]) -> T:
        part = self._parts.get(name)
        if part is None:
            with self._parts_lock:
                part = self._parts.get(name)
                if part is None:
                    part = self._parts[name] = make()
        return part  # type: ignore[return-value]

    @property
    def embedder(self) -> Embedder:
        def make() -> Embedder:
            from ingest.embedding import SentenceTransformerEmbedder

            return SentenceTransformerEmbedder(self.settings.ingest.embedder_path or None)
        return self._part("embedder", make)

    @property
    def log(self) -> SqlConversationLog:
        """The conversation log; opening it runs the migrations (SQLAlchemyError when the database is down)."""
        def make() -> SqlConversationLog:
            from app.conversation_log import SqlConversationLog

            return SqlConversationLog(self.settings.paths.database_url)
        return self._part("log", make)

    def _log_store(self, name: str, store: Callable[[sessionmaker], T]) -> T:
        """A part kept in the log's database (opened, with its migrations, on first use)."""
        return self._part(name, lambda: store(self.log.sessions))

    @property
    def reader_links(self) -> ReaderLinks:
        """Personal links, in the log's database."""
        from app.reader_access.links import ReaderLinks

        return self._log_store("reader_links", ReaderLinks)

    @property
    def notifier(self) -> Notifier:
        """Mail and webhook notifications for the founders (off until DECKCHAT_NOTIFY_TO or a webhook is set)."""
        def make() -> Notifier:
            from zoneinfo import ZoneInfo

            from app.notifications.channels import MailChannel, WebhookChannel
            from app.notifications.founders import digest_composer
            from app.notifications.outbox import Outbox
            from app.notifications.sender import Notifier

            notify, channels = self.settings.notify, []
            if notify.smtp_url:
                channels.append(MailChannel.from_settings(notify.smtp_url, notify.mail_from, notify.notify_to))
            if notify.webhook_url:
                channels.append(WebhookChannel(notify.webhook_url))
            return Notifier(Outbox(self.log.sessions), channels, ZoneInfo(self.settings.security.timezone),
                            notify.digest_hour,
                            digest_composer(self.log, self.deck_settings, self.settings.web.public_url))
        return self._part("notifier", make)

    @property
    def refused_origins(self) -> RefusedOrigins:
        """Sites refused the widget, per deck (the owner's widget page lists them)."""
        from app.widget.refused_origins import RefusedOrigins

        return self._log_store("refused_origins", RefusedOrigins)

    @property
    def deck_changes(self) -> DeckChanges:
        """What was changed on each deck in the admin, by whom and when."""
        from app.deck_content.changes import DeckChanges

        return self._log_store("deck_changes", DeckChanges)

    @property
    def deck_folder(self) -> DeckFolder:
        """The decks' folders under the content directory, as the admin changes them."""
        def make() -> DeckFolder:
            from app.deck_content.folder import DeckFolder
            from app.ingest_cli import ingest_limits

            return DeckFolder(self.settings.paths.content_dir, ingest_limits(self.config))
        return self._part("deck_folder", make)

    @property
    def reindexer(self) -> Reindexer:
        """Background re-indexing from the admin, with this process's embedder."""
        def make() -> Reindexer:
            from app.deck_content.reindex import Reindexer
            from app.ingest_cli import make_ingester

            return Reindexer(self.settings.paths.content_dir,
                             lambda progress, force: make_ingester(self.config, self.embedder, force, progress),
                             self.deck_changes)
        return self._part("reindexer", make)

    @property
    def curated_answers(self) -> CuratedAnswers:
        """The founders' curated answers, in the log's database."""
        from app.curated.store import CuratedAnswers

        return self._log_store("curated_answers", CuratedAnswers)

    @property
    def curated_matcher(self) -> CuratedMatcher:
        def make() -> CuratedMatcher:
            from app.curated.matcher import CuratedMatcher

            return CuratedMatcher(lambda: self.curated_answers, lambda texts: self.embedder.embed(texts))
        return self._part("curated_matcher", make)

    @property
    def fitted_file(self) -> Path:
        """The answer path's fitted knobs: the shipped file or DECKCHAT_REFUSAL_MODEL."""
        from app.rag.refusal_model import MODEL_FILE

        return Path(self.settings.answer.refusal_model) if self.settings.answer.refusal_model else MODEL_FILE

    @property
    def retriever(self) -> FaissRetriever:
        def make() -> FaissRetriever:
            from app.rag.refusal_model import unit_weights
            from app.rag.retrieval import FaissRetriever

            return FaissRetriever(self.index_dir, self.embedder, hybrid=self.settings.retrieval.hybrid,
                                  weights=unit_weights(self.fitted_file))
        return self._part("retriever", make)

    @property
    def pipeline(self) -> AnswerPipeline:
        def make() -> AnswerPipeline:
            from app.rag.answer import AnswerPipeline, AnswerSettings
            from app.rag.line_ranker import LineRanker
            from app.rag.refusal_model import RefusalModel

            retrieval, answer = self.settings.retrieval, self.settings.answer
            settings = AnswerSettings(
                top_k=retrieval.top_k, evidence_units=retrieval.evidence_units, prompt_units=answer.prompt_units,
                context_tokens=answer.context_tokens, params=decoding_params(self.settings.generation),
                history_tokens=answer.history_tokens, write_answers=answer.write_answers,
            )
            return AnswerPipeline(self.retriever, self.generator, settings, RefusalModel.load(self.fitted_file),
                                  LineRanker.load(self.fitted_file), self.curated_matcher, self.deck_title)
        return self._part("pipeline", make)

    def deck_title(self, deck: str) -> str | None:
        """The title the owner gave the deck in deck.toml (None where none is set: the deck's name stands in)."""
        title = self.deck_settings.get(deck).title
        return title if title != deck else None

    def generator(self) -> Generator:
        """The process's one model, loaded under a lock the first time it is needed."""
        if self._generator is not None:
            return self._generator
        with self._load_lock:
            if self._generator is None:
                started = time.perf_counter()
                try:
                    self._generator = load_default_generator(self.config)
                except Exception as exc:
                    self._load_error = str(exc)
                    log.exception("model failed to load")
                    raise GenerationError(f"the language model could not be loaded: {exc}") from exc
                self._load_error = None
                log.info("model ready in %.1f s", time.perf_counter() - started)
        return self._generator

    def preload(self) -> None:
        """The server's start: the log's migrations now (a wrong database URL stops it here), then every
        deck's evidence units and the model in the background, so the first reader waits for neither."""
        self.log  # noqa: B018 (migrates the schema)
        self.notifier.start()  # delivers what a previous run left unsent, and the daily digest

        def _load() -> None:
            for deck in list_decks(self.index_dir):
                try:
                    self.retriever.searcher(deck).units  # noqa: B018 (embedded once per build, then cached)
                except IndexNotBuilt as exc:
                    log.warning("deck %s not preloaded: %s", deck, exc)
            try:
                self.generator()
            except GenerationError:
                pass  # recorded in _load_error; health reports it

        threading.Thread(target=_load, name="model-preload", daemon=True).start()

    def configured_model_name(self) -> str:
        """The model file or folder name in force, without loading it."""
        if self.settings.generation.model_path:
            return Path(self.settings.generation.model_path).name
        try:
            return embedded_model_name(self.settings.generation.embedded_format)
        except GenerationError as exc:
            return f"embedded (unavailable: {exc})"

    def health(self, operator: bool = False) -> dict:
        """Model id and load state, decks with chunk counts and build time; for anyone but the
        operator, decks that are not public are only counted (their names may be confidential)."""
        model_state = "loaded" if self._generator else ("error" if self._load_error else "not loaded")
        decks, private = [], 0
        for name in list_decks(self.index_dir):
            if not operator and self.deck_settings.get(name).access != "public":
                private += 1
                continue
            manifest = read_manifest(self.index_dir, name) or {}
            decks.append({"deck": name, "chunks": manifest.get("chunk_count", 0),
                          "built_at": manifest.get("built_at"),
                          "embedder": manifest.get("embedder", {}).get("id"),
                          "access": self.deck_settings.get(name).access})
        model_id = self._generator.model_id if self._generator else self.configured_model_name()
        return {"status": "ok" if model_state != "error" else "degraded",
                "model": {"id": model_id, "state": model_state, "error": self._load_error},
                "queue": {"depth": self.queue.depth, "capacity": self.queue.capacity},
                "embedder": self._embedder_id(), "decks": decks, "private_decks": private}

    def _embedder_id(self) -> str:
        """The embedder in force, without loading it (health answers at once while the server warms up)."""
        loaded = self._parts.get("embedder")
        if loaded is not None:
            return loaded.model_id  # type: ignore[attr-defined]
        from ingest.embedding import embedder_id

        return embedder_id(self.settings.ingest.embedder_path or None)
