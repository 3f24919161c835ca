"""The log's database: the engine (SQLite or PostgreSQL, each set up for threaded writers) and its migrations."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine


def make_engine(url: str) -> Engine:
    """Engine for the log database; SQLite gets WAL and a busy timeout for threaded writers."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # A writer waits up to 5 s for another's lock (busy timeout); writes.retried then tries again.
        engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    # A database host that does not answer fails in seconds, not after the operating system's minutes.
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _postgresql_utc(dbapi_connection, _record) -> None:  # times read back in UTC, as from SQLite
            cursor = dbapi_connection.cursor()
            cursor.execute("SET TIME ZONE 'UTC'")
            cursor.close()
            dbapi_connection.commit()

    return engine


MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
FIRST_REVISION = "0001"  # the tables as create_all() made them before migrations existed


def upgrade_schema(engine: Engine) -> None:
    """Bring the log database to the newest schema with Alembic (a new database gets every table)."""
    from alembic import command  # here, not at the top: commands that never open the log skip it
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Instances of a cluster start together: one migrates, the others wait and find nothing to do.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7310422)")
        config.attributes["connection"] = connection
        tables = inspect(connection)
        if tables.has_table("turn") and not tables.has_table("alembic_version"):
            command.stamp(config, FIRST_REVISION)  # a log written by a DeckChat from before migrations
        command.upgrade(config, "head")
