"""Alembic environment of the server schema; run it through ``server.database.migrate``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from reviewer_app.server import models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Migrate on the connection the caller passed in ``config.attributes['connection']``."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("migrate with reviewer_app.server.database.migrate(engine)")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
