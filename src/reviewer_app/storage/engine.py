"""Opening the encrypted store: probe first, then engines for reading and writing.

A store is opened in two steps so that a bad file is never changed:

1. :func:`probe_store` looks at the file's size and first bytes, then opens it with
   ``mode=ro&immutable=1`` (no locks, no ``-wal``/``-shm`` files) to check the key and read the
   schema revision. Every failure becomes a :class:`~reviewer_app.storage.errors.StoreError`
   naming the file and what to do.
2. Only then :func:`create_engines` opens it for real: raw key first, then WAL,
   ``foreign_keys=ON``, ``synchronous=FULL``, ``temp_store=MEMORY`` and a busy timeout on every
   connection. The write
   engine starts every transaction with ``BEGIN IMMEDIATE`` (the write lock is taken up front, so
   a writer never fails half-way on a lock upgrade); the read engine's connections are
   ``query_only``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from reviewer_app.storage.errors import TruncatedStoreError, WrongKeyError
from reviewer_app.storage.store_file import (
    PAGE_SIZE,
    check_file_shape,
    key_pragma,
    looks_like_another_format,
    not_a_store,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


def _wrong_key(path: Path, passphrase: bool) -> WrongKeyError:
    if passphrase:
        return WrongKeyError(
            path,
            f"That passphrase does not open the store {path}.",
            hint="Check the passphrase (capitals count) and try again.",
        )
    return WrongKeyError(
        path,
        f"The key this computer holds does not open the store {path}; the file may be from "
        "another computer or damaged.",
        hint="Restore it from a backup or sync your work down to a new data folder.",
    )


def _damaged(path: Path) -> TruncatedStoreError:
    return TruncatedStoreError(
        path,
        f"The store {path} is damaged or cut short, perhaps by a full disk or an interrupted copy.",
        hint="Restore it from a backup or sync your work down to a new data folder.",
    )


def probe_store(path: Path, key: bytes, *, passphrase: bool = False) -> str | None:
    """Check ``key`` opens ``path`` and return its Alembic revision (``None`` before the first).

    Reads only; creates no ``-wal``/``-shm`` file and takes no lock. Raises a
    :class:`~reviewer_app.storage.errors.StoreError` for every bad store.
    """
    check_file_shape(path)
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"  # file:///C:/... on Windows too
    conn = sqlcipher3.connect(uri, uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(key_pragma(key))
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            page_count = conn.execute("PRAGMA page_count").fetchone()[0]
            revision: str | None = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        except sqlcipher3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorname", "")
            log.info("store probe failed: %s (%s)", exc, code)
            if code == "SQLITE_NOTADB":
                if looks_like_another_format(path):
                    raise not_a_store(path) from None
                raise _wrong_key(path, passphrase) from None
            raise _damaged(path) from None
    finally:
        conn.close()
    wal = path.with_name(path.name + "-wal")
    if not wal.exists() and page_count * PAGE_SIZE > path.stat().st_size:
        raise _damaged(path)
    return revision


@dataclass(slots=True)
class StoreEngines:
    """The two engines over one store file."""

    path: Path
    write: Engine
    read: Engine

    def dispose(self) -> None:
        """Close every connection (the last close checkpoints and removes the ``-wal`` file)."""
        self.read.dispose()
        self.write.dispose()


def _engine(path: Path, key: bytes, *, writer: bool) -> Engine:
    def connect() -> Any:
        conn = sqlcipher3.connect(
            str(path),
            check_same_thread=False,
            isolation_level=None,  # we issue BEGIN ourselves (see the "begin" listener)
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(key_pragma(key))
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Sorts and temporary indexes stay in memory: SQLCipher does not encrypt temp files.
        conn.execute("PRAGMA temp_store = MEMORY")
        if writer:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        if not writer:
            conn.execute("PRAGMA query_only = ON")
        return conn

    engine = create_engine(
        "sqlite://",
        module=sqlcipher3.dbapi2,
        creator=connect,
        poolclass=QueuePool,
        pool_size=1 if writer else 4,
        max_overflow=0 if writer else 4,
        pool_timeout=60,
    )
    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


def create_engines(path: Path, key: bytes) -> StoreEngines:
    """Engines for a store that :func:`probe_store` accepted, or for a new store at ``path``.

    The write engine's first connection creates the file and switches it to WAL, so it is made
    (and used) before the read engine.
    """
    write = _engine(path, key, writer=True)
    with write.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").fetchone()
    return StoreEngines(path=path, write=write, read=_engine(path, key, writer=False))
