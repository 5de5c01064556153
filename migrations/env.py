"""Alembic environment: the engine's, accounts' and complaints' tables in one history."""

from __future__ import annotations

from alembic import context

import web.complaints.models
import web.models  # noqa: F401
from engine.models import Base

config = context.config
connectable = config.attributes.get("connection_engine")


def run() -> None:
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run()
