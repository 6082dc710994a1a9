"""Engine settings per backend: SQLite pragmas, PostgreSQL pool and statement timeout."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.types import TypeDecorator


def engine_options(url: str, statement_timeout_ms: int, schema: str | None = None) -> dict:
    """Return create_engine options that suit the database the URL names."""
    options: dict = {"pool_pre_ping": True}
    if make_url(url).get_backend_name() == "postgresql":
        # A runaway query must not hold a worker: the server cancels it.
        settings = f"-c statement_timeout={statement_timeout_ms}"
        if schema:
            settings += f" -c search_path={schema}"
        options["connect_args"] = {"options": settings}
    return options


def install_sqlite_pragmas(engine: Engine) -> None:
    """Turn on foreign keys, WAL and a busy timeout on every SQLite connection."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def render_migration_item(kind: str, obj: object, _context) -> str | bool:
    """Write a custom column type into migrations as the plain type it stores."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{type(obj.impl).__name__}()"
    return False
