"""One open local store: find its key, probe it, upgrade its schema, hand out sessions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.storage.engine import StoreEngines, create_engines, probe_store
from reviewer_app.storage.errors import NewerStoreError
from reviewer_app.storage.keys import (
    KeyInfo,
    KeySource,
    PassphrasePrompt,
    existing_store_key,
    new_store_key,
    read_key_info,
    write_key_info,
)
from reviewer_app.storage.schema import HEAD, REVISIONS, upgrade
from reviewer_app.storage.store_file import check_file_shape

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Store:
    """An open store. Writes go through :meth:`writing` (one ``BEGIN IMMEDIATE`` transaction)."""

    path: Path
    key_info: KeyInfo
    engines: StoreEngines
    created: bool
    #: A keyed digest of the store key (never the key), to check an unlock against.
    key_check: bytes = b""

    def reading(self) -> Session:
        """A session on a read-only connection; use it as a context manager."""
        return Session(self.engines.read, expire_on_commit=False)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in one write transaction: committed on success, rolled back on error.

        A write the disk refuses (full, read-only, forbidden, failing) is raised as a
        :class:`~reviewer_app.storage.disk_failures.DiskFailureError` naming the store file,
        the sentence every screen and command shows; the traceback goes to the log.
        """
        try:
            with Session(self.engines.write, expire_on_commit=False) as session, session.begin():
                session.connection()  # BEGIN IMMEDIATE now: the write lock is held from the start
                yield session
        except ReviewerError:
            raise
        except Exception as exc:
            from reviewer_app.storage.disk_failures import disk_failure

            failure = disk_failure(exc, self.path)
            if failure is None:
                raise
            log.warning("The disk refused a write to the store: %s", failure.message, exc_info=True)
            raise failure from exc

    def close(self) -> None:
        self.engines.dispose()

    @property
    def unlock_asks_passphrase(self) -> bool:
        """Whether unlocking this store (after the idle lock) needs its passphrase."""
        return self.key_info.source is KeySource.PASSPHRASE

    def unlocks(self, passphrase: str | None) -> bool:
        """Whether ``passphrase`` (a passphrase store), or the key in this computer's keyring
        (a keyring store; the operating system may ask for its own unlock), is this store's
        key. Reads nothing from the store file."""
        import hmac

        info = self.key_info
        if info.source is KeySource.PASSPHRASE and not passphrase:
            return False
        try:
            key = existing_store_key(self.path, info, prompt=lambda _path, _new: passphrase or "")
        except ReviewerError:
            return False
        return hmac.compare_digest(_key_check(key), self.key_check)


def open_store(
    path: Path, *, demo: bool = False, passphrase: PassphrasePrompt | None = None
) -> Store:
    """Open the store at ``path``, creating it (and its key) if the file does not exist.

    An existing store is probed read-only before anything is written; a bad one raises a
    :class:`~reviewer_app.storage.errors.StoreError` and leaves every file as it was.
    """
    if path.exists():
        check_file_shape(path)
        info = read_key_info(path)
        key = existing_store_key(path, info, prompt=passphrase)
        revision = probe_store(path, key, passphrase=info.source is KeySource.PASSPHRASE)
        if revision is not None and revision not in REVISIONS:
            raise NewerStoreError(
                path,
                f"The store {path} was written by a newer version of Reviewer "
                f"(schema {revision}; this version knows up to {HEAD}).",
                hint="Update Reviewer to the latest version, then open the store again.",
            )
        created = False
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        key, info = new_store_key(path, demo=demo, prompt=passphrase)
        write_key_info(path, info)
        revision = None
        created = True
    engines = create_engines(path, key)
    try:
        if revision != HEAD:
            upgrade(engines.write)
    except BaseException:
        engines.dispose()
        raise
    log.info("store opened (%s key, created=%s)", info.source.value, created)
    return Store(
        path=path, key_info=info, engines=engines, created=created, key_check=_key_check(key)
    )


def _key_check(key: bytes) -> bytes:
    import hashlib

    return hashlib.blake2b(key, key=b"reviewer idle lock", digest_size=32).digest()
