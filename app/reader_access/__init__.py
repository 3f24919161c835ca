"""Who may read a deck (its `access` in deck.toml: public, e-mail gate, personal link) and who the reader is.

passes.py signs what a reader carries; links.py stores personal links; gate.py decides per request;
routes.py takes a reader's e-mail; cli.py is `flask links`.
"""
