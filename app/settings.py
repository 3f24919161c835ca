"""Every DeckChat setting, typed, with its default and what it does: read from DECKCHAT_* variables.

One pydantic-settings class per group. `load_config()` (app/config.py) flattens them into the Flask
config the app reads; the README's settings table and `flask config` are written from these fields
(`tests/test_settings.py` fails when the README is out of date). A value that does not parse stops
start-up with one line naming the variable, the value and what is allowed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from pydantic import AliasChoices, Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
PREFIX = "DECKCHAT_"


class Group(BaseSettings):
    # An empty variable means the default, as an unset one does.
    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore", env_ignore_empty=True)


class PathSettings(Group):
    """Where things live."""

    content_dir: Path = Field(REPO_ROOT / "content", description="one folder per deck")
    index_dir: Path = Field(REPO_ROOT / "index_store", description="built indexes")
    instance_dir: Path = Field(REPO_ROOT / "instance", description="the SQLite log and the model cache")
    database_url: str = Field(
        "", validation_alias=AliasChoices("DATABASE_URL", "DECKCHAT_DATABASE_URL"),
        description="any SQLAlchemy URL; tested on SQLite and PostgreSQL "
                    "(`postgresql+psycopg://user:password@host/db`); `DECKCHAT_DATABASE_URL` works too")
    model_cache_dir: Path | None = Field(None, description="GGUF converted once for transformers")
    eval_data: Path = Field(REPO_ROOT.parent / "shared" / "eval",
                            description="the documents `flask eval-dev` asks the development set about")


class IngestSettings(Group):
    """How documents become an index."""

    embedder_path: str = Field("", description="any sentence-transformers folder (re-ingest with `--rebuild`); "
                                               "empty: the embedded all-MiniLM-L6-v2")
    embed_precision: Literal["auto", "float32", "bfloat16"] = Field(
        "auto", description="the number format documents are embedded in at `flask ingest`: `auto` is bfloat16 "
                            "where the CPU computes it natively (AVX512-BF16 or AMX; about twice as fast, the "
                            "same retrieval), float32 elsewhere; questions are always embedded in float32")
    chunk_tokens: int = Field(256, ge=1, description="longest chunk, in the embedder's tokens (re-ingest with "
                                                      "`--rebuild`)")
    chunk_overlap: int = Field(32, ge=0, description="tokens a split page's chunks share")
    max_file_mb: float = Field(100.0, gt=0, description="larger files are skipped at ingest")
    file_timeout_s: float = Field(120.0, gt=0, description="a file whose parser takes longer is skipped at ingest")
    gate_margin: float = Field(0.05, ge=0, le=1, description="how much hit@k a deck's `qa.jsonl` may lose before "
                                                             "a re-index is refused")


class RetrievalSettings(Group):
    """What a question finds."""

    top_k: int = Field(5, ge=1, description="chunks retrieved per question")
    hybrid: bool = Field(True, description="fuse BM25 keyword search with vector search (false: vectors only)")
    evidence_units: int = Field(8, ge=1, description="lines (each with its neighbours) ranked deck-wide "
                                                             "that the answer is decided on")


class AnswerSettingsGroup(Group):
    """How the answer is decided."""

    write_answers: bool = Field(False, description="the model writes answers to questions that ask for no figure "
                                                   "or date (false: the best line is quoted; measured better with "
                                                   "the embedded 135M model)")
    prompt_units: int = Field(4, ge=1, description="of the evidence units, how many the model reads when "
                                                          "it writes")
    refusal_model: str = Field("", description="the answer path's fitted knobs (the refusal decision's and the "
                                               "line ranker's coefficients, the evidence weights; "
                                               "`scripts/fit_refusal.py` writes one); empty: "
                                               "`app/rag/refusal_model.json`")
    context_tokens: int = Field(800, ge=1, description="context budget in the prompt")
    history_tokens: int = Field(200, ge=0, description="earlier turns shown to the model with a follow-up "
                                                       "question (0: none)")
    prompt_format: Literal["auto", "chatml", "llama2", "llama3", "mistral", "gemma", "alpaca", "vicuna",
                           "stablebeluga"] = Field(
        "auto", description="`auto`: the model's chat template, else the format its name says; or `chatml`, "
                            "`llama2`, `llama3`, `mistral`, `gemma`, `alpaca`, `vicuna`, `stablebeluga`")


class GenerationSettings(Group):
    """Which model writes, and how."""

    model_path: str = Field("", description="a GGUF file or a transformers model folder; empty: the embedded "
                                            "SmolLM2 GGUF")
    embedded_format: Literal["Q4_1", "Q4_0", "Q8_0", "F16"] = Field(
        "Q8_0", description="the embedded SmolLM2's format: `Q4_1` is the wheel's own file; the others are made "
                            "from it once (`make install`, kept in `~/.cache/deckchat/models`); `Q8_0` reads "
                            "prompts about twice as fast as `Q4_1` on llama.cpp here with answers as good "
                            "(docs/architecture.md)")
    backend: Literal["auto", "llamacpp", "transformers", "openai"] = Field(
        "auto", description="`auto`: llama.cpp for a GGUF file when llama-cpp-python is installed, else "
                            "transformers; or `llamacpp`, `transformers`, `openai` (a model on an OpenAI-compatible "
                            "server)")
    openai_base_url: str = Field("", description="with `DECKCHAT_BACKEND=openai`: the server (llama.cpp server, "
                                                 "vLLM, TGI, Ollama), e.g. `http://10.0.0.5:8080/v1`")
    openai_model: str = Field("", description="with `DECKCHAT_BACKEND=openai`: the model name the server knows")
    openai_api_key: str = Field("", description="with `DECKCHAT_BACKEND=openai`: its key (never printed)")
    openai_context_tokens: int = Field(4096, ge=1, description="that model's context window")
    quantization: Literal["none", "int8", "bnb-8bit", "bnb-4bit"] = Field(
        "none", description="transformers backend only: `int8` (CPU, torch dynamic), `bnb-8bit`, `bnb-4bit` "
                            "(CUDA GPU, `pip install -r requirements-gpu.txt`)")
    threads: int = Field(os.cpu_count() or 1, ge=1, description="model threads (llama.cpp or torch)")
    max_new_tokens: int = Field(64, ge=1, description="longest answer")
    temperature: float = Field(0.0, ge=0, description="0: greedy (reproducible); above 0: sampling")
    top_p: float = Field(1.0, gt=0, le=1, description="nucleus sampling's share, with a temperature above 0")
    repetition_penalty: float = Field(1.0, gt=0, description="1.0: none")
    num_beams: int = Field(1, ge=1, description="beam search (transformers backend; the answer then arrives in "
                                                "one piece)")
    preload_model: bool = Field(False, description="at start-up, open the conversation log (its migrations: a "
                                                   "wrong `DATABASE_URL` stops the server there) and load every "
                                                   "deck's evidence units and the model in the background "
                                                   "(`make run` sets it); without it each starts on first need")


class WebSettings(Group):
    """What the server accepts and from whom."""

    allowed_origins: str = Field("", description="sites (comma-separated origins, like `https://www.example.com`) "
                                                 "allowed to embed every deck's chat, besides each deck's "
                                                 "`allowed_origins` in its `deck.toml`")
    queue_waiting: int = Field(4, ge=0, description="readers who may wait while the model answers another; beyond "
                                                    "that 503 with `Retry-After`")
    rate_limit_address: str = Field("20/minute;200/hour", description="questions per client address (`0`: off); "
                                                                      "over it, 429 with `Retry-After`")
    rate_limit_session: str = Field("10/minute", description="questions per conversation")
    rate_limit_other: str = Field("120/minute", description="feedback, hand-off and conversation restores per "
                                                            "address")
    redis_url: str = Field("", description="Redis that several instances share (like `redis://10.0.0.7:6379/0`): "
                                           "rate-limit counters and admin login throttling hold across "
                                           "instances; empty: counted in this process")
    proxy_hops: int = Field(0, ge=0, description="reverse proxies in front: the reader's address comes from "
                                                 "`X-Forwarded-For` (set only behind your own proxy)")
    public_url: str = Field("", description="the site's address as readers reach it (like "
                                            "`https://deck.example.com`): personal links are printed in full")
    max_question_chars: int = Field(1000, ge=1, description="longest question")
    max_request_bytes: int = Field(16 * 1024, ge=1, description="largest request body")


class SecuritySettings(Group):
    """Who may see the owner's pages, and for how long conversations are kept."""

    admin_password_hash: str = Field("", description="the admin password's hash (`flask admin set-password`); "
                                                     "without it admin login is refused")
    secret_key: str = Field("", description="signs the admin session cookie, readers' passes and personal links "
                                            "(empty: a random key made once and kept in `instance/secret_key`; "
                                            "set the same one on every instance)")
    link_days: float = Field(30.0, gt=0, description="how long a personal link from `flask links create` lasts "
                                                     "unless `--expires` says")
    secure_cookies: bool = Field(False, description="true behind TLS: the admin cookie is sent over HTTPS only")
    timezone: str = Field("UTC", description="the founder's time zone (IANA name, like `Europe/Berlin`): admin "
                                             "times and days are shown in it")
    retention_days: int = Field(0, ge=0, description="delete conversations older than this many days, once a day "
                                                     "(0: keep)")


    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a time zone name like UTC or Europe/Berlin") from None
        return value


class NotifySettings(Group):
    """What the founders are told, and how (nothing is sent until an address or a webhook is set)."""

    smtp_url: str = Field("", description="the mail server: `smtps://user:password@host:465` (TLS), "
                                          "`smtp+starttls://user:password@host:587`, or `smtp://host:25` (no TLS: "
                                          "loopback only)")
    mail_from: str = Field("", description="the notifications' sender address (default: `deckchat@` the SMTP host)")
    notify_to: str = Field("", description="the founders' addresses (comma-separated) that receive notifications by "
                                           "mail")
    webhook_url: str = Field("", description="a Slack-compatible incoming webhook (`{\"text\": ...}` posted as JSON)")
    digest_hour: int = Field(8, ge=-1, le=23, description="hour of the day (in `DECKCHAT_TIMEZONE`) for the daily "
                                                          "digest of unanswered questions; -1: no digest")

    @field_validator("smtp_url")
    @classmethod
    def _mail_server(cls, value: str) -> str:
        parts = urlsplit(value)
        if value and (parts.scheme not in ("smtp", "smtps", "smtp+starttls") or not parts.hostname):
            raise ValueError("not a mail server URL like smtps://user:password@host:465") from None
        return value

    @field_validator("notify_to")
    @classmethod
    def _recipients(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("smtp_url") and not value.strip():
            raise ValueError("DECKCHAT_SMTP_URL is set: say who receives the notifications (comma-separated)")
        return value


GROUPS: tuple[type[Group], ...] = (PathSettings, IngestSettings, RetrievalSettings, AnswerSettingsGroup,
                                   GenerationSettings, WebSettings, SecuritySettings, NotifySettings)
FLASK_NAMES = {"max_request_bytes": "MAX_CONTENT_LENGTH"}  # Flask's own name for the setting


def flask_key(field: str) -> str:
    """The field's key in the Flask config."""
    return FLASK_NAMES.get(field, field.upper())


@dataclass(frozen=True)
class Settings:
    """The groups, as the app's parts take them (`Services`)."""

    paths: PathSettings
    ingest: IngestSettings
    retrieval: RetrievalSettings
    answer: AnswerSettingsGroup
    generation: GenerationSettings
    web: WebSettings
    security: SecuritySettings
    notify: NotifySettings

    @classmethod
    def from_config(cls, config: Mapping) -> Settings:
        """The groups holding the values of a Flask config (load_config's, with any test's or caller's
        changes), checked and typed again."""
        groups = [group.model_validate({field: config[flask_key(field)] for field in group.model_fields
                                        if flask_key(field) in config}) for group in GROUPS]
        return cls(*groups)
# Defaults computed from other settings or the machine, as the README shows them.
DERIVED_DEFAULTS = {"database_url": "`sqlite:///instance/deckchat.sqlite3`", "model_cache_dir": "`instance/model-cache/`",
                    "threads": "CPU count"}


class SettingsError(click.ClickException):
    """A setting that does not parse: one line for the operator (`flask` prints "Error: ..."), and the
    process stops (gunicorn: "Worker failed to boot", no restart loop)."""


def env_name(group: type[Group], field: str) -> str:
    alias = group.model_fields[field].validation_alias
    return alias.choices[0] if isinstance(alias, AliasChoices) else PREFIX + field.upper()


def read_groups() -> list[Group]:
    """Every group, read from the environment; SettingsError naming the first bad variable."""
    groups = []
    for group in GROUPS:
        try:
            groups.append(group())
        except ValidationError as exc:
            error = exc.errors()[0]
            field = str(error["loc"][0]) if error["loc"] else ""
            name = env_name(group, field) if field in group.model_fields else field
            raise SettingsError(f"{name}={error.get('input')!r} is not allowed: {error['msg']}") from None
    return groups


def settings_table() -> str:
    """The README's settings table, written from the fields."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for group in GROUPS:
        for field, info in group.model_fields.items():
            default = info.default
            if field in DERIVED_DEFAULTS:
                shown = DERIVED_DEFAULTS[field]
            elif isinstance(default, Path):
                shown = f"`{_relative(default)}`"
            elif isinstance(default, bool):
                shown = str(default).lower()
            elif default in ("", None):
                shown = "none"
            else:
                shown = f"`{default}`"
            rows.append(f"| `{env_name(group, field)}` | {shown} | {info.description} |")
    return "\n".join(rows)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT)) + "/"
    except ValueError:
        return os.path.relpath(path, REPO_ROOT)


if __name__ == "__main__":  # prints the README's table
    print(settings_table())
