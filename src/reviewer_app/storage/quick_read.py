"""A first look at the store for the first screen: schools, trust and person, read with sqlcipher3.

Importing SQLModel, SQLAlchemy, Alembic and pydantic is most of Reviewer's start-up. This module
needs none of them: it opens the encrypted store read-only with its key and ``SELECT``\\ s what the
first screen shows, so the schools list appears from the real store while the full
:class:`~reviewer_app.services.workspace.Workspace` opens behind it and then takes over.

It is an optimisation, never the authority. Whenever anything is not exactly as expected (no
store yet, no key without asking, a wrong key, a damaged file, a schema revision other than the
one this app writes, a store with an unfinished ``-wal`` file, a store without an identity) it
returns ``None`` and the normal path opens the store and reports problems properly.

It never writes: the file is opened ``mode=ro&immutable=1``, which takes no lock and creates no
``-wal``/``-shm`` file, and the connection is ``query_only``. Because ``immutable`` ignores a
write-ahead log, a store that has one (another Reviewer running, or a crash) is left to the
normal path rather than read stale.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.storage.errors import StoreError
from reviewer_app.storage.keys import (
    KeySource,
    derive_key,
    existing_store_key,
    read_key_info,
)
from reviewer_app.storage.schema import HEAD
from reviewer_app.storage.store_file import PAGE_SIZE, check_file_shape, key_pragma

log = logging.getLogger(__name__)

# Keys of the ``local_setting`` rows naming this laptop's trust and person
# (the same as ``storage.local_settings``, which needs SQLModel).
_CURRENT_TRUST = "current_trust_id"
_CURRENT_PERSON = "current_person_id"


@dataclass(frozen=True, slots=True)
class FirstLook:
    """What the first screen shows: the store's trust, the person using it, their schools."""

    trust: Trust
    person: Person
    schools: tuple[School, ...]


def key_source(store: Path) -> KeySource | None:
    """How the store's key is found (from its sidecar), or ``None`` if that cannot be read."""
    try:
        return read_key_info(store).source
    except StoreError:
        return None


def quick_key(store: Path, *, demo: bool, passphrase: str | None = None) -> bytes | None:
    """The store's key, found without asking anyone; ``None`` if that is not possible.

    Demo stores use the public demo key, keyring stores the key in the keyring, passphrase stores
    the key derived from ``passphrase`` (one the person has already entered). Changes nothing.
    """
    if not store.is_file():
        return None
    try:
        info = read_key_info(store)
        if demo != (info.source is KeySource.DEMO):
            return None
        if info.source is KeySource.PASSPHRASE:
            if not passphrase or info.scrypt is None:
                return None
            return derive_key(passphrase, info.scrypt)
        return existing_store_key(store, info, prompt=None)
    except StoreError:
        return None


def read_first_look(store: Path, key: bytes) -> FirstLook | None:
    """The trust, person and schools of the store at ``store``; ``None`` on any doubt.

    The schools are those of the store's trust, sorted as
    :meth:`Workspace.list_schools <reviewer_app.services.workspace.Workspace.list_schools>`
    sorts them. Never writes to the store and creates no file.
    """
    try:
        return _read(store, key)
    except Exception as exc:  # any problem: the normal path opens the store and says what
        log.info("quick read of the store skipped: %s", type(exc).__name__)
        return None


def _read(store: Path, key: bytes) -> FirstLook | None:
    import sqlcipher3

    wal = store.with_name(store.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        log.info("quick read of the store skipped: it has a write-ahead log")
        return None
    check_file_shape(store)
    uri = f"{store.resolve().as_uri()}?mode=ro&immutable=1"
    conn = sqlcipher3.connect(uri, uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(key_pragma(key))
        conn.execute("PRAGMA query_only = ON")
        page_count = conn.execute("PRAGMA page_count").fetchone()[0]
        if page_count * PAGE_SIZE > store.stat().st_size:
            return None  # cut short
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        if revision != [(HEAD,)]:
            return None  # older (the normal path upgrades it) or newer (it refuses it)
        settings = dict(
            conn.execute(
                "SELECT key, value FROM local_setting WHERE key IN (?, ?)",
                (_CURRENT_TRUST, _CURRENT_PERSON),
            ).fetchall()
        )
        trust_row = conn.execute(
            "SELECT id, name, profile_id FROM trust WHERE id = ?",
            (settings.get(_CURRENT_TRUST),),
        ).fetchone()
        person_row = conn.execute(
            "SELECT id, trust_id, name, email FROM person WHERE id = ?",
            (settings.get(_CURRENT_PERSON),),
        ).fetchone()
        if trust_row is None or person_row is None:
            return None  # a new store: the normal path gives it its identity
        roles = conn.execute(
            "SELECT role FROM person_role WHERE person_id = ?", (person_row[0],)
        ).fetchall()
        school_rows = conn.execute(
            "SELECT id, trust_id, urn, name, phase, local_authority, has_early_years, "
            "has_sixth_form FROM school WHERE trust_id = ?",
            (trust_row[0],),
        ).fetchall()
    finally:
        conn.close()
    trust = Trust(id=trust_row[0], name=trust_row[1], profile_id=trust_row[2])
    person = Person(
        id=person_row[0],
        trust_id=person_row[1],
        name=person_row[2],
        email=person_row[3],
        roles=frozenset(Role(row[0]) for row in roles),
    )
    schools = sorted(
        (
            School(
                id=row[0],
                trust_id=row[1],
                urn=row[2],
                name=row[3],
                phase=Phase(row[4]),
                local_authority=row[5],
                has_early_years=bool(row[6]),
                has_sixth_form=bool(row[7]),
            )
            for row in school_rows
        ),
        key=lambda s: (s.name.casefold(), s.urn),
    )
    return FirstLook(trust=trust, person=person, schools=tuple(schools))
