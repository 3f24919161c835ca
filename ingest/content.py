"""What a deck's content folder holds besides its documents (read by ingest and by the web app)."""

DECK_SETTINGS = "deck.toml"  # the widget's settings for the deck (app/widget/deck_settings.py)
