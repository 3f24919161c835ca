"""Every DeckChat setting in one place, read from DECKCHAT_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def _env_path(name: str, default: Path) -> str:
    return str(Path(os.environ.get(name) or default).resolve())


def load_config() -> dict[str, object]:
    """Read the settings from the environment, with defaults that run the embedded models."""
    instance = Path(_env_path("DECKCHAT_INSTANCE_DIR", REPO_ROOT / "instance"))
    return {
        "INSTANCE_DIR": str(instance),
        "CONTENT_DIR": _env_path("DECKCHAT_CONTENT_DIR", REPO_ROOT / "content"),
        "INDEX_DIR": _env_path("DECKCHAT_INDEX_DIR", REPO_ROOT / "index_store"),
        "DATABASE_URL": _env("DATABASE_URL", f"sqlite:///{instance / 'deckchat.sqlite3'}"),
        # Embeddings: any sentence-transformers path; empty means the embedded MiniLM wheel.
        "EMBEDDER_PATH": _env("DECKCHAT_EMBEDDER_PATH", ""),
        "CHUNK_TOKENS": _env_int("DECKCHAT_CHUNK_TOKENS", 256),
        "CHUNK_OVERLAP": _env_int("DECKCHAT_CHUNK_OVERLAP", 32),
        "MAX_FILE_MB": _env_float("DECKCHAT_MAX_FILE_MB", 100.0),
        "FILE_TIMEOUT_S": _env_float("DECKCHAT_FILE_TIMEOUT_S", 120.0),
        # Language model: a GGUF file or a transformers folder; empty means embedded SmolLM2.
        "MODEL_PATH": _env("DECKCHAT_MODEL_PATH", ""),
        # auto: llama.cpp for a GGUF when llama-cpp-python is installed, else transformers.
        "BACKEND": _env("DECKCHAT_BACKEND", "auto"),
        # DECKCHAT_BACKEND=openai: a model served elsewhere (llama.cpp server, vLLM, TGI, Ollama).
        "OPENAI_BASE_URL": _env("DECKCHAT_OPENAI_BASE_URL", ""),
        "OPENAI_MODEL": _env("DECKCHAT_OPENAI_MODEL", ""),
        "OPENAI_API_KEY": _env("DECKCHAT_OPENAI_API_KEY", ""),
        "OPENAI_CONTEXT_TOKENS": _env_int("DECKCHAT_OPENAI_CONTEXT_TOKENS", 4096),
        # transformers only: none | int8 (CPU, torch dynamic) | bnb-8bit | bnb-4bit (CUDA + bitsandbytes).
        "QUANTIZATION": _env("DECKCHAT_QUANTIZATION", "none"),
        "MODEL_CACHE_DIR": _env_path("DECKCHAT_MODEL_CACHE_DIR", instance / "model-cache"),
        "THREADS": _env_int("DECKCHAT_THREADS", os.cpu_count() or 1),
        "MAX_NEW_TOKENS": _env_int("DECKCHAT_MAX_NEW_TOKENS", 64),
        # Decoding: greedy by default (temperature 0) so answers are reproducible.
        "TEMPERATURE": _env_float("DECKCHAT_TEMPERATURE", 0.0),
        "TOP_P": _env_float("DECKCHAT_TOP_P", 1.0),
        "REPETITION_PENALTY": _env_float("DECKCHAT_REPETITION_PENALTY", 1.0),
        "NUM_BEAMS": _env_int("DECKCHAT_NUM_BEAMS", 1),
        # SmolLM2-135M loses the thread past ~1,600 tokens of context; keep prompts short.
        "CONTEXT_TOKENS": _env_int("DECKCHAT_CONTEXT_TOKENS", 800),
        "TOP_K": _env_int("DECKCHAT_TOP_K", 5),
        # Earlier turns of a session shown to the model with a follow-up (0: none).
        "HISTORY_TOKENS": _env_int("DECKCHAT_HISTORY_TOKENS", 200),
        # auto: the model's chat template, else the format its name says; or chatml, llama2, llama3,
        # mistral, gemma, alpaca, vicuna, stablebeluga (app/generation/prompt_formats.py).
        "PROMPT_FORMAT": _env("DECKCHAT_PROMPT_FORMAT", "auto"),
        "HYBRID": _env("DECKCHAT_HYBRID", "1") == "1",  # BM25 fused with dense retrieval
        # Re-index gate: a deck's qa.jsonl may lose at most this much hit@k before a new build is refused.
        "GATE_MARGIN": _env_float("DECKCHAT_GATE_MARGIN", 0.05),
        # Evidence units (a line with its neighbours, ranked deck-wide) the answer is decided on, and
        # how many of them the model reads; see app/rag/units.py and docs/architecture.md.
        "EVIDENCE_UNITS": _env_int("DECKCHAT_EVIDENCE_UNITS", 8),
        "PROMPT_UNITS": _env_int("DECKCHAT_PROMPT_UNITS", 4),
        # Questions asking for no figure or date are answered with the best line of the documents (0)
        # or by the model in checked sentences (1). With the embedded 135M model the line is right
        # far more often (docs/architecture.md); a larger model of your own may do better written.
        "WRITE_ANSWERS": _env("DECKCHAT_WRITE_ANSWERS", "0") == "1",
        # The refusal decision's coefficients (a JSON file written by scripts/fit_refusal.py; empty:
        # the shipped app/rag/refusal_model.json, fitted on the development set's tuning half).
        "REFUSAL_MODEL": _env("DECKCHAT_REFUSAL_MODEL", ""),
        # Admin pages: the login password's hash (`flask admin set-password` prints one) and the key
        # that signs session cookies. No hash: admin login is refused. No key: a random one per
        # process (admins log in again after a restart).
        "ADMIN_PASSWORD_HASH": _env("DECKCHAT_ADMIN_PASSWORD_HASH", ""),
        "SECRET_KEY": _env("DECKCHAT_SECRET_KEY", ""),
        # Sites allowed to embed every deck's chat (comma-separated origins), besides each deck's own
        # allowed_origins in content/<deck>/deck.toml. None: only this app's own pages.
        "ALLOWED_ORIGINS": _env("DECKCHAT_ALLOWED_ORIGINS", ""),
        # Days a conversation is kept; older sessions are purged daily, with all their rows (0: forever).
        # `flask logs purge` does the same by hand.
        "RETENTION_DAYS": _env_int("DECKCHAT_RETENTION_DAYS", 0),
        # Readers who may wait while the model answers someone else; more get 503 + Retry-After.
        # Keep it below gunicorn's thread count so health and pages stay served (Makefile: 8).
        "QUEUE_WAITING": _env_int("DECKCHAT_QUEUE_WAITING", 4),
        # Rate limits ("N/minute;M/hour", 0: off): questions per client address and per conversation,
        # other API calls per address. One CPU answers ~1 question a second; a reader asks a few a minute.
        "RATE_LIMIT_ADDRESS": _env("DECKCHAT_RATE_LIMIT_ADDRESS", "20/minute;200/hour"),
        "RATE_LIMIT_SESSION": _env("DECKCHAT_RATE_LIMIT_SESSION", "10/minute"),
        "RATE_LIMIT_OTHER": _env("DECKCHAT_RATE_LIMIT_OTHER", "120/minute"),
        # Reverse proxies in front of the app (their X-Forwarded-For gives the reader's address; 0:
        # none, the connection's address is the reader's). Set it only behind a proxy you run.
        "PROXY_HOPS": _env_int("DECKCHAT_PROXY_HOPS", 0),
        # 1 behind TLS: the admin session cookie is then only ever sent over HTTPS.
        "SECURE_COOKIES": _env("DECKCHAT_SECURE_COOKIES", "0") == "1",
        "MAX_QUESTION_CHARS": _env_int("DECKCHAT_MAX_QUESTION_CHARS", 1000),
        "MAX_CONTENT_LENGTH": _env_int("DECKCHAT_MAX_REQUEST_BYTES", 16 * 1024),
        "PRELOAD_MODEL": _env("DECKCHAT_PRELOAD_MODEL", "0") == "1",
        # The shared evaluation documents `flask eval-dev` asks the development set (eval/dev/) about.
        "EVAL_DATA": _env("DECKCHAT_EVAL_DATA", str(REPO_ROOT.parent / "shared" / "eval")),
    }


def _redact(key: str, value: object) -> object:
    if (key.endswith("_API_KEY") or key in ("SECRET_KEY", "ADMIN_PASSWORD_HASH")) and value:
        return "***"
    # A database URL may carry a password; show the rest.
    if key == "DATABASE_URL" and isinstance(value, str) and "@" in value and "://" in value:
        scheme, rest = value.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return value


@click.command("config")
@with_appcontext
def config_command() -> None:
    """Print the DeckChat settings in force (secrets redacted)."""
    for key in sorted(load_config()):
        click.echo(f"{key} = {_redact(key, current_app.config[key])}")
