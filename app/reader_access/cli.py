"""`flask links create | list | revoke`: personal links to decks whose access is "link"."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.email_address import clean_email, clean_name
from app.reader_access.gate import link_address
from ingest.store import is_valid_deck_name, list_decks

links_cli = AppGroup("links", help="Personal links to a deck (deck.toml: access = \"link\").")


def _links():
    return current_app.extensions["deckchat"].reader_links


@links_cli.command("create")
@click.option("--deck", required=True, help="The deck's name (its folder under content/).")
@click.option("--email", required=True, help="The reader the link is for.")
@click.option("--name", help="The reader's name, shown in the admin.")
@click.option("--expires", type=click.FloatRange(min=0, min_open=True), metavar="DAYS",
              help="Days the link works (default: DECKCHAT_LINK_DAYS).")
def create(deck: str, email: str, name: str | None, expires: float | None) -> None:
    """Print a new personal link to DECK for one reader."""
    address = clean_email(email)
    if address is None:
        raise click.ClickException(f"{email!r} is not an e-mail address")
    if not is_valid_deck_name(deck) or deck not in list_decks(current_app.extensions["deckchat"].index_dir):
        raise click.ClickException(f"no indexed deck named {deck!r}: run `flask ingest` first")
    access = current_app.extensions["deckchat"].deck_settings.get(deck).access
    if access != "link":
        click.echo(f"note: deck {deck!r} has access = \"{access}\"; the link works, but so does the deck's "
                   "own address. Set access = \"link\" in its deck.toml to make links the only way in.", err=True)
    link = _links().create(deck, address, clean_name(name),
                           expires or current_app.config["LINK_DAYS"])
    click.echo(link_address(link.id, deck))
    click.echo(f"link {link.id} for {address}, valid until {link.expires_at:%Y-%m-%d %H:%M} UTC "
               f"(`flask links revoke {link.id}` ends it)", err=True)


@links_cli.command("list")
@click.option("--deck", help="Only this deck's links.")
def list_links(deck: str | None) -> None:
    """Every personal link, newest first: id, deck, reader, state and expiry."""
    for link in _links().list(deck):
        reader = f"{link.name} <{link.email}>" if link.name else link.email
        click.echo(f"{link.id}\t{link.deck}\t{reader}\t{link.state}\texpires {link.expires_at:%Y-%m-%d %H:%M} UTC")


@links_cli.command("revoke")
@click.argument("link_id", type=int)
def revoke(link_id: int) -> None:
    """End a personal link at once: its next use gets the page an unknown deck gets."""
    link = _links().revoke(link_id)
    if link is None:
        raise click.ClickException(f"no link {link_id}: `flask links list` shows them")
    click.echo(f"link {link.id} ({link.deck}, {link.email}) revoked")
