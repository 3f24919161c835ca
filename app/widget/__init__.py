"""The reader-facing pages: the embeddable widget, the chat inside its iframe, and the deck page."""
