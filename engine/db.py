"""Database access: one SQLAlchemy engine per process, sessions per unit of work.

SQLite runs in WAL mode with a busy timeout; write transactions start with
BEGIN IMMEDIATE so concurrent writers queue up instead of failing half-way.
PostgreSQL uses row locks (SELECT ... FOR UPDATE) inside the step.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from .models import Base

WRITE_OPTION = "klageflow_write"
MAX_ID = 2**63 - 1  # the largest integer key both databases store

Row = TypeVar("Row")


def get_by_id(session: Session, model: type[Row], row_id: int) -> Row | None:
    """The row of `model` with integer key `row_id`, or None (also for keys no database stores)."""
    return session.get(model, row_id) if 0 < row_id <= MAX_ID else None


class Database:
    """Owns the SQLAlchemy engine and hands out sessions for reads and writes."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10):
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            database = self.url.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(
                self.url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False}
            )
            _configure_sqlite(self.engine)
        else:
            self.engine = create_engine(
                self.url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    def create_schema(self) -> None:
        """Create every table that does not exist yet (tests and the embedded SQLite default)."""
        Base.metadata.create_all(self.engine)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self._writer.begin() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection (before fork, at shutdown)."""
        self.engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")
