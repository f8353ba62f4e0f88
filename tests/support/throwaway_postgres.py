"""A throwaway PostgreSQL database for tests of the server (``REVIEWER_TEST_POSTGRES_URL``).

Without the variable a PostgreSQL test is skipped with the reason; with it set but the server
unreachable it fails.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

POSTGRES_ENV = "REVIEWER_TEST_POSTGRES_URL"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def postgres_base_url() -> str:
    """The PostgreSQL server to test against; skip without it, fail when it is unreachable."""
    base = os.environ.get(POSTGRES_ENV, "").strip()
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set, so the PostgreSQL server tests cannot run")
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"{POSTGRES_ENV} is set but PostgreSQL is unreachable: {exc}")
    finally:
        engine.dispose()
    return base


@dataclass
class ThrowawayPostgres:
    """A database created for this test session and dropped at its end."""

    base_url: str
    name: str = field(default_factory=lambda: f"reviewer_test_{os.getpid()}_{uuid.uuid4().hex[:8]}")

    @property
    def url(self) -> str:
        return make_url(self.base_url).set(database=self.name).render_as_string(hide_password=False)

    def _admin(self, statement: str) -> None:
        engine = sa.create_engine(self.base_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(sa.text(statement))
        finally:
            engine.dispose()

    def create(self) -> None:
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
