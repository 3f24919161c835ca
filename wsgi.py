"""Entry point for gunicorn (`gunicorn -w 1 -k gthread wsgi:app`) and for `flask` commands."""

from app import create_app

app = create_app()
