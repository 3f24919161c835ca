"""`flask notify test | digest | status`: try the channels, send today's digest now, see what was sent."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.admin.local_time import local_time

notify_cli = AppGroup("notify", help="Mail and webhook notifications for the founders.")


def _notifier():
    notifier = current_app.extensions["deckchat"].notifier
    if not notifier.enabled:
        raise click.ClickException("no channel is set: set DECKCHAT_SMTP_URL and DECKCHAT_NOTIFY_TO, or "
                                   "DECKCHAT_WEBHOOK_URL")
    return notifier


@notify_cli.command("test")
def send_test() -> None:
    """Send a test message on every channel now, and say how each went."""
    notifier = _notifier()
    for name, channel in notifier.channels.items():
        try:
            channel.send("[DeckChat] Test notification", "Notifications from DeckChat reach you here.\n")
        except Exception as exc:  # noqa: BLE001 (shown to the operator as it is)
            raise click.ClickException(f"{name}: {type(exc).__name__}: {exc}") from None
        click.echo(f"{name}: sent")


@notify_cli.command("digest")
def send_digest() -> None:
    """Queue and send today's digest of unanswered questions now, whatever the hour (once a day)."""
    notifier = _notifier()
    hour, notifier.digest_hour = notifier.digest_hour, 0
    try:
        queued = notifier.digest_if_due()
    finally:
        notifier.digest_hour = hour
    click.echo("digest queued" if queued else "no digest: none was unanswered in the last day, or it went today")
    click.echo(f"{notifier.deliver_due()} notification(s) delivered")


@notify_cli.command("status")
def status() -> None:
    """The newest notifications: sent, waiting for a retry (with the last error) or given up."""
    for row in current_app.extensions["deckchat"].notifier.outbox.recent():
        if row.sent_at:
            state = f"sent {local_time(row.sent_at)}"
        elif row.failed_at:
            state = f"GIVEN UP after {row.attempts} tries: {row.last_error}"
        else:
            state = f"waiting: try {row.attempts + 1} at {local_time(row.next_attempt_at)}"
            state += f" (last error: {row.last_error})" if row.last_error else ""
        click.echo(f"{row.id}\t{row.kind}\t{row.channel}\t{row.subject}\t{state}")
