"""Database engines for the server: a SQLite file by default, PostgreSQL (psycopg 3) by URL.

Writers to one review are serialised: on PostgreSQL by ``SELECT ... FOR UPDATE`` on the review
row; on SQLite by starting write transactions with ``BEGIN IMMEDIATE`` (SQLite has one writer
at a time, and an immediate transaction waits for it instead of failing half-way).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

#: Environment variable naming the server database (a SQLAlchemy URL).
DATABASE_URL_ENV = "REVIEWER_DATABASE_URL"
#: Execution option that makes a SQLite transaction ``BEGIN IMMEDIATE``.
_WRITE_OPTION = "reviewer_write"
_SQLITE_BUSY_TIMEOUT_MS = 30_000


class EncodedJSON(str):
    """JSON text already encoded (an operation's canonical payload): stored as it is.

    The server's JSON columns take it in place of the value it spells, so a payload that was
    encoded once to be hashed is not encoded again to be written.
    """


def _json_serializer(value: Any) -> str:
    # Used for every JSON column, on SQLite by SQLAlchemy and on PostgreSQL by psycopg.
    if type(value) is EncodedJSON:
        return str(value)
    return json.dumps(value)


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def create_server_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings the server relies on.

    SQLite: WAL journal, foreign keys on, a busy timeout, and explicit transaction control so
    that :func:`write_session` can begin ``IMMEDIATE``. PostgreSQL: psycopg 3, pre-ping.
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": _SQLITE_BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,  # SQL errors reach the log; review content must not
            json_serializer=_json_serializer,
        )
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        hide_parameters=True,
        json_serializer=_json_serializer,
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {_SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if connection.get_execution_options().get(_WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def insert_rows(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (each naming every column of ``table``) in one statement.

    On SQLite the rows go to the driver's ``executemany`` with each value converted by its
    column type, once: SQLAlchemy's own executemany builds and checks a parameter set per row,
    which costs several times the insert itself on the push path. PostgreSQL keeps SQLAlchemy's
    batched ``INSERT ... VALUES`` (its "insertmanyvalues"), which is already quick there.
    """
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(sa.insert(table), rows)
        return
    statement, columns = _sqlite_insert(connection.dialect, table)
    connection.exec_driver_sql(
        statement,
        [
            tuple(row[name] if convert is None else convert(row[name]) for name, convert in columns)
            for row in rows
        ],
    )


@functools.cache
def _sqlite_insert(
    dialect: sa.Dialect, table: sa.Table
) -> tuple[str, tuple[tuple[str, Callable[[Any], Any] | None], ...]]:
    """The positional INSERT of every column of ``table``, and each column's value converter."""
    compiled = sa.insert(table).compile(dialect=dialect)
    columns = {column.key: column for column in table.columns}
    names = compiled.positiontup or []
    assert sorted(names) == sorted(columns), f"{table.name}: not every column is in the INSERT"
    converters = tuple(
        (name, columns[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names
    )
    return str(compiled), converters


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction is a writer from its first statement; commits on success."""
    with Session(engine, expire_on_commit=False) as session:
        session.connection(execution_options={_WRITE_OPTION: True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def database_url_from_env(default_sqlite_path: Path) -> str:
    """``REVIEWER_DATABASE_URL`` when set, else the SQLite file at ``default_sqlite_path``."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    return url or sqlite_url(default_sqlite_path)


def migrate(engine: Engine) -> None:
    """Bring the database schema up to date with the Alembic migrations in ``server/migrations``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
