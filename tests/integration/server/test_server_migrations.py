"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from reviewer_app.server.database import migrate

if TYPE_CHECKING:
    from conftest import Harness


def test_migrated_schema_matches_the_models(server: Harness) -> None:
    with server.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_migrating_again_is_harmless(server: Harness) -> None:
    migrate(server.engine)
    with server.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == "0007"
