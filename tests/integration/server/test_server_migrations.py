"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from reviewer_app.server import database
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
        # The newest migration's number (the one no other revises): one head, reached.
        versions = Path(database.__file__).parent / "migrations" / "versions"
        revisions = {p.name.split("_")[0] for p in versions.glob("0*.py")}
        revised = {
            line.split('"')[1]
            for p in versions.glob("0*.py")
            for line in p.read_text(encoding="utf-8").splitlines()
            if line.startswith('down_revision = "')
        }
        assert revisions - revised == {context.get_current_revision()}


def test_the_console_migration_keeps_a_trust_with_people_and_devices(
    fresh_database_url: str,
) -> None:
    """0004 adds sign-in columns to people who already sync (foreign keys point at them)."""
    engine = database.create_server_engine(fresh_database_url)
    try:
        config = Config()
        config.set_main_option(
            "script_location", str(Path(database.__file__).parent / "migrations")
        )
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO trust VALUES ('t', 'Oak')"))
            connection.execute(
                sa.text("INSERT INTO school VALUES ('s', 't', '100001', 'Ash', 'primary')")
            )
            connection.execute(
                sa.text("INSERT INTO person VALUES ('p', 't', 'Lee', 'lee@oak.example', true)")
            )
            connection.execute(
                sa.text(
                    "INSERT INTO device (id, person_id, name, token_sha256, enrolled_at) "
                    "VALUES ('d', 'p', 'Laptop', 'x', '2026-01-01 00:00:00')"
                )
            )
        migrate(engine)
        with engine.connect() as connection:
            person = connection.execute(
                sa.text("SELECT name, password_hash, failed_sign_ins FROM person")
            ).one()
            school = connection.execute(sa.text("SELECT name, local_authority FROM school")).one()
            devices = connection.execute(sa.text("SELECT COUNT(*) FROM device")).scalar_one()
        assert tuple(person) == ("Lee", None, 0)
        assert tuple(school) == ("Ash", "")
        assert devices == 1
    finally:
        engine.dispose()
