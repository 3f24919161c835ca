"""`flask admin set-password` (prints the hash to put in DECKCHAT_ADMIN_PASSWORD_HASH) and `flask db upgrade`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.admin.auth import hash_password

admin_cli = AppGroup("admin", help="Owner's admin pages.")


@admin_cli.command("set-password")
@click.password_option("--password", prompt="New admin password", help="Read from a prompt when not given.")
def set_password(password: str) -> None:
    """Print the environment line that sets the admin password (the password itself is not stored)."""
    if len(password) < 10:
        raise click.ClickException("use at least 10 characters")
    click.echo(f"DECKCHAT_ADMIN_PASSWORD_HASH='{hash_password(password)}'")
    click.echo("Put this line in the server's environment (e.g. its systemd unit or .env) and restart.", err=True)


db_cli = AppGroup("db", help="The conversation log's database.")


@db_cli.command("upgrade")
def upgrade() -> None:
    """Bring the log's schema to the newest version (`flask ingest` and the server do it too: the server at
    start with DECKCHAT_PRELOAD_MODEL=1, as `make run` starts it, else on its first request)."""
    from flask import current_app

    current_app.extensions["deckchat"].log  # noqa: B018 (opening the log runs the migrations)
    click.echo("the conversation log's schema is up to date")
