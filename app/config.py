"""The settings as the app reads them (flattened from app/settings.py), and `flask config`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.settings import GROUPS, REPO_ROOT, env_name, flask_key, read_groups

__all__ = ["REPO_ROOT", "config_command", "load_config"]


def load_config() -> dict[str, object]:
    """The settings in force (app/settings.py), as the flat Flask config the app reads.

    Defaults run the embedded models; a value that does not parse stops here with one line naming it.
    """
    values: dict[str, object] = {}
    for group in read_groups():
        values.update({name.upper(): value for name, value in group.model_dump().items()})
    instance = Path(values["INSTANCE_DIR"]).resolve()
    values["DATABASE_URL"] = values["DATABASE_URL"] or f"sqlite:///{instance / 'deckchat.sqlite3'}"
    values["MODEL_CACHE_DIR"] = values["MODEL_CACHE_DIR"] or instance / "model-cache"
    for key in ("INSTANCE_DIR", "CONTENT_DIR", "INDEX_DIR", "MODEL_CACHE_DIR", "EVAL_DATA"):
        values[key] = str(Path(values[key]).resolve())
    values[flask_key("max_request_bytes")] = values.pop("MAX_REQUEST_BYTES")
    return values


def _redact(key: str, value: object) -> object:
    if (key.endswith("_API_KEY") or key in ("SECRET_KEY", "ADMIN_PASSWORD_HASH", "WEBHOOK_URL")) and value:
        return "***"
    # A database or mail URL may carry a password; show the rest. A webhook's URL is its secret.
    if key in ("DATABASE_URL", "SMTP_URL") and isinstance(value, str) and "@" in value and "://" in value:
        scheme, rest = value.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return value


@click.command("config")
@with_appcontext
def config_command() -> None:
    """Print the DeckChat settings in force by group, each with what it does (secrets redacted)."""
    for group in GROUPS:
        click.echo(f"# {group.__doc__}")
        for field, info in group.model_fields.items():
            key = flask_key(field)
            click.echo(f"{env_name(group, field)} = {_redact(key, current_app.config.get(key))}  # {info.description}")
