"""The long-lived parts of one process: embedder, retriever, model, pipeline and log."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from app.chat.queue import GenerationQueue
from app.conversation_log import SqlConversationLog
from app.generation.base import GenerationError, Generator
from app.generation.embedded import embedded_model_path
from app.generation.loading import check_model_settings, decoding_params, load_default_generator
from app.rag.answer import AnswerPipeline, AnswerSettings
from app.rag.line_ranker import LineRanker
from app.rag.refusal_model import MODEL_FILE, RefusalModel, unit_weights
from app.rag.retrieval import FaissRetriever
from app.rate_limits import RateLimits
from app.widget.deck_settings import DeckSettingsStore
from ingest.embedding import Embedder, SentenceTransformerEmbedder
from ingest.store import IndexNotBuilt, list_decks, read_manifest

log = logging.getLogger(__name__)


class Services:
    """One of each moving part per process; the model is loaded once, on first need."""

    def __init__(self, config: dict, embedder: Embedder | None = None,
                 generator: Generator | None = None, conversation_log: SqlConversationLog | None = None):
        check_model_settings(config)  # a misspelt setting fails at start-up, not per question
        self.config = config
        self.index_dir = Path(config["INDEX_DIR"])
        self.embedder = embedder or SentenceTransformerEmbedder(config["EMBEDDER_PATH"] or None)
        fitted = Path(config["REFUSAL_MODEL"]) if config["REFUSAL_MODEL"] else MODEL_FILE
        self.retriever = FaissRetriever(self.index_dir, self.embedder, hybrid=config["HYBRID"],
                                        weights=unit_weights(fitted))
        self.log = conversation_log or SqlConversationLog(config["DATABASE_URL"])
        self.queue = GenerationQueue(config["QUEUE_WAITING"])
        self.rate_limits = RateLimits(config["RATE_LIMIT_ADDRESS"], config["RATE_LIMIT_SESSION"],
                                      config["RATE_LIMIT_OTHER"])
        self.deck_settings = DeckSettingsStore(Path(config["CONTENT_DIR"]), config["ALLOWED_ORIGINS"])
        self._generator = generator
        self._load_error: str | None = None
        self._load_lock = threading.Lock()
        settings = AnswerSettings(
            top_k=config["TOP_K"], evidence_units=config["EVIDENCE_UNITS"], prompt_units=config["PROMPT_UNITS"],
            context_tokens=config["CONTEXT_TOKENS"], params=decoding_params(config),
            history_tokens=config["HISTORY_TOKENS"],
            constrain_numbers=config["CONSTRAIN_NUMBERS"], write_answers=config["WRITE_ANSWERS"],
        )
        self.pipeline = AnswerPipeline(self.retriever, self.generator, settings, RefusalModel.load(fitted),
                                       LineRanker.load(fitted))

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
        """Load every deck's evidence units and the model in the background, so the first reader waits for neither."""
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
        if self.config["MODEL_PATH"]:
            return Path(self.config["MODEL_PATH"]).name
        try:
            return embedded_model_path().name
        except GenerationError as exc:
            return f"embedded (unavailable: {exc})"

    def health(self) -> dict:
        """Model id and load state, decks with chunk counts and build time."""
        model_state = "loaded" if self._generator else ("error" if self._load_error else "not loaded")
        decks = []
        for name in list_decks(self.index_dir):
            manifest = read_manifest(self.index_dir, name) or {}
            decks.append({"deck": name, "chunks": manifest.get("chunk_count", 0),
                          "built_at": manifest.get("built_at"),
                          "embedder": manifest.get("embedder", {}).get("id")})
        model_id = self._generator.model_id if self._generator else self.configured_model_name()
        return {"status": "ok" if model_state != "error" else "degraded",
                "model": {"id": model_id, "state": model_state, "error": self._load_error},
                "queue": {"depth": self.queue.depth, "capacity": self.queue.capacity},
                "embedder": self.embedder.model_id, "decks": decks}
