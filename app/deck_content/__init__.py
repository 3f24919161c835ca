"""A deck's content managed from the admin: its files (upload, replace, delete, with the checks `flask
ingest` makes), its deck.toml settings, a re-index in the background, and the record of every change.

Used by app/admin/deck_content.py; it drives the ingest pipeline through app/ingest_cli.make_ingester."""
