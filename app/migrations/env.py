"""Alembic environment: migrations run on the connection the conversation log hands over."""

from __future__ import annotations

from alembic import context

from app.models import Base

connection = context.config.attributes["connection"]
# Batch mode lets SQLite alter tables (it recreates them); other databases alter in place.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
