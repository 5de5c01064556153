"""Schema migrations with Alembic: upgrade, check, and create-and-stamp for new databases."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from engine.db import Database

# The top-level `migrations` package: beside `web/` in a checkout and in site-packages alike.
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class SchemaNotCurrent(RuntimeError):
    """The database is not at the schema this code needs."""


def alembic_config(db: Database) -> Config:
    """An Alembic configuration for `db` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option(
        "sqlalchemy.url", db.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    config.attributes["connection_engine"] = db.engine
    return config


def head() -> str:
    """The newest migration's revision id."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current(db: Database) -> str | None:
    """The revision the database is at (None for a database never migrated)."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database) -> None:
    """Bring the database to the newest schema (creates it when empty)."""
    command.upgrade(alembic_config(db), "head")


def create_and_stamp(db: Database) -> None:
    """Create every table at once and mark it as the newest revision (fast; new databases only)."""
    import web.complaints.models
    import web.models  # noqa: F401 - registers the account tables

    db.create_schema()
    command.stamp(alembic_config(db), "head")


def ensure_current(db: Database) -> None:
    """Refuse to run on a database that is not migrated to the newest schema."""
    at, wanted = current(db), head()
    if at != wanted:
        where = "has no schema yet" if at is None else f"is at schema revision {at}"
        raise SchemaNotCurrent(
            f"the database {where}, this version needs {wanted}: run `klageflow migrate`"
        )
