"""Opening the store: keys from keyring or passphrase, and every bad store refused untouched."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reviewer_app.domain.organisation import Phase, School, Trust
from reviewer_app.storage import errors
from reviewer_app.storage.keys import KEYRING_SERVICE, KeySource, sidecar_path
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.store import Store, open_store
from reviewer_app.storage.store_file import PAGE_SIZE

Snapshot = Callable[[Path], dict[str, bytes]]
Prompt = Any  # the recording prompt from conftest.py
InMemoryKeyring = Any

SCHOOL_NAME = "Quillbrook Meadow Primary"


def _write_school(store: Store, name: str = SCHOOL_NAME, urn: str = "123456") -> None:
    with store.writing() as session:
        repo = OrganisationRepository(session)
        repo.save_trust(Trust(id="t1", name="Quillbrook Trust"))
        repo.save_school(
            School(id=f"s{urn}", trust_id="t1", urn=urn, name=name, phase=Phase.PRIMARY)
        )


def _make_store(path: Path, prompt: Prompt, *, rows: int = 1) -> None:
    store = open_store(path, passphrase=prompt)
    for i in range(rows):
        _write_school(store, f"{SCHOOL_NAME} {i}", f"{100000 + i}")
    store.close()


def test_new_store_without_keyring_asks_for_a_passphrase_and_keeps_no_key(
    tmp_path: Path, prompt: Prompt
) -> None:
    path = tmp_path / "reviewer.db"
    _make_store(path, prompt)
    assert prompt.calls == [(path, True)]
    info = json.loads(sidecar_path(path).read_text())
    assert info["key_source"] == "passphrase"
    assert info["kdf"]["name"] == "scrypt"
    assert info["kdf"]["n"] >= 2**14
    assert "key" not in info
    store = open_store(path, passphrase=prompt)
    with store.reading() as session:
        names = [s.name for s in OrganisationRepository(session).list_schools()]
    store.close()
    assert names == [f"{SCHOOL_NAME} 0"]
    assert prompt.calls[-1] == (path, False)


def test_no_keyring_and_no_prompt_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "reviewer.db"
    with pytest.raises(errors.PassphraseRequiredError) as caught:
        open_store(path)
    assert str(path) in str(caught.value)


def test_keyring_keeps_a_random_key_under_the_store_id(
    tmp_path: Path, memory_keyring: InMemoryKeyring, snapshot: Snapshot
) -> None:
    path = tmp_path / "reviewer.db"
    store = open_store(path)  # no prompt needed: the keyring works
    assert store.key_info.source is KeySource.KEYRING
    _write_school(store)
    store.close()
    (entry,) = memory_keyring.secrets.items()
    (service, user), hex_key = entry
    assert service == KEYRING_SERVICE
    assert user == json.loads(sidecar_path(path).read_text())["store_id"]
    assert len(bytes.fromhex(hex_key)) == 32
    assert hex_key not in sidecar_path(path).read_text()
    open_store(path).close()

    before = snapshot(tmp_path)
    memory_keyring.secrets.clear()
    with pytest.raises(errors.KeyMissingError) as caught:
        open_store(path)
    assert str(path) in str(caught.value)
    assert snapshot(tmp_path) == before

    memory_keyring.secrets[(service, user)] = "11" * 32
    with pytest.raises(errors.WrongKeyError) as wrong:
        open_store(path)
    assert str(path) in str(wrong.value)
    assert snapshot(tmp_path) == before


def test_demo_store_needs_no_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    open_store(path, demo=True).close()
    store = open_store(path)
    assert store.key_info.source is KeySource.DEMO
    store.close()


def test_store_files_hold_no_plaintext(tmp_path: Path, prompt: Prompt) -> None:
    path = tmp_path / "reviewer.db"
    store = open_store(path, passphrase=prompt)
    _write_school(store)
    wal = path.with_name(path.name + "-wal")
    needle = SCHOOL_NAME.encode()
    # While open, the committed row sits in the WAL: that must be encrypted too.
    open_files = [p for p in tmp_path.iterdir() if p.is_file()]
    assert wal in open_files
    for file in open_files:
        assert needle not in file.read_bytes(), file.name
    store.close()
    for file in tmp_path.iterdir():
        data = file.read_bytes()
        assert needle not in data, file.name
        assert b"SQLite format 3" not in data, file.name
        assert b"CREATE TABLE" not in data, file.name


# ---------------------------------------------------------------- bad stores


def _assert_refused_untouched(
    path: Path,
    prompt: Prompt,
    error: type[errors.StoreError],
    snapshot: Snapshot,
) -> errors.StoreError:
    before = snapshot(path.parent)
    with pytest.raises(error) as caught:
        open_store(path, passphrase=prompt)
    assert str(path) in caught.value.message
    assert caught.value.hint, "the message says what to do"
    assert caught.value.path == path
    assert snapshot(path.parent) == before, "opening a bad store changed files on disk"
    return caught.value


def test_wrong_passphrase(
    tmp_path: Path, prompt: Prompt, make_prompt: Any, snapshot: Snapshot
) -> None:
    path = tmp_path / "reviewer.db"
    _make_store(path, prompt)
    error = _assert_refused_untouched(path, make_prompt("wrong"), errors.WrongKeyError, snapshot)
    assert "passphrase" in error.message


def test_plain_sqlite_file(tmp_path: Path, prompt: Prompt, snapshot: Snapshot) -> None:
    path = tmp_path / "reviewer.db"
    plain = sqlite3.connect(path)
    plain.execute("PRAGMA journal_mode = WAL")
    plain.execute("CREATE TABLE school (name TEXT)")
    plain.execute("INSERT INTO school VALUES ('x')")
    plain.commit()
    plain.close()
    _assert_refused_untouched(path, prompt, errors.PlainDatabaseError, snapshot)


@pytest.mark.parametrize("keep", ["empty", "mid-page", "half the pages"])
def test_truncated_store(tmp_path: Path, prompt: Prompt, snapshot: Snapshot, keep: str) -> None:
    path = tmp_path / "reviewer.db"
    _make_store(path, prompt, rows=400)
    data = path.read_bytes()
    pages = len(data) // PAGE_SIZE
    assert pages >= 8
    cut = {"empty": 0, "mid-page": len(data) - 1000, "half the pages": pages // 2 * PAGE_SIZE}
    path.write_bytes(data[: cut[keep]])
    _assert_refused_untouched(path, prompt, errors.TruncatedStoreError, snapshot)


@pytest.mark.parametrize(
    "content",
    [b"Minutes of the governors' meeting\n" * 300, b"%PDF-1.7\n" + bytes(range(256)) * 32],
    ids=["text", "pdf"],
)
def test_not_a_database(tmp_path: Path, prompt: Prompt, snapshot: Snapshot, content: bytes) -> None:
    path = tmp_path / "reviewer.db"
    _make_store(path, prompt)
    path.write_bytes(content)
    _assert_refused_untouched(path, prompt, errors.NotAStoreError, snapshot)


def test_store_without_its_key_file(tmp_path: Path, prompt: Prompt, snapshot: Snapshot) -> None:
    path = tmp_path / "reviewer.db"
    _make_store(path, prompt)
    sidecar_path(path).unlink()
    error = _assert_refused_untouched(path, prompt, errors.NotAStoreError, snapshot)
    assert sidecar_path(path).name in error.message


def test_store_from_a_newer_app(tmp_path: Path, prompt: Prompt, snapshot: Snapshot) -> None:
    path = tmp_path / "reviewer.db"
    store = open_store(path, passphrase=prompt)
    with store.writing() as session:
        session.connection().exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    store.close()
    error = _assert_refused_untouched(path, prompt, errors.NewerStoreError, snapshot)
    assert "newer version" in error.message
    assert "0999" in error.message


def test_store_left_by_a_crash_opens_with_its_last_commit(tmp_path: Path, prompt: Prompt) -> None:
    live = tmp_path / "live"
    live.mkdir()
    path = live / "reviewer.db"
    store = open_store(path, passphrase=prompt)
    _write_school(store)
    # Copy the files while the store is open: what a power cut leaves behind (-wal and all).
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for file in live.iterdir():
        (crashed / file.name).write_bytes(file.read_bytes())
    store.close()
    assert (crashed / "reviewer.db-wal").exists()
    reopened = open_store(crashed / "reviewer.db", passphrase=prompt)
    with reopened.reading() as session:
        assert [s.name for s in OrganisationRepository(session).list_schools()] == [SCHOOL_NAME]
    reopened.close()


def test_connections_are_set_up_for_durability(tmp_path: Path, prompt: Prompt) -> None:
    store = open_store(tmp_path / "reviewer.db", passphrase=prompt)
    expected = {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2, "temp_store": 2}
    for engine in (store.engines.write, store.engines.read):
        with engine.connect() as conn:
            for pragma, value in expected.items():
                assert conn.exec_driver_sql(f"PRAGMA {pragma}").scalar_one() == value, pragma
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 5000
    with store.engines.read.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA query_only").scalar_one() == 1
    with store.engines.write.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA query_only").scalar_one() == 0
    store.close()


def test_writes_take_the_write_lock_when_they_begin(tmp_path: Path, prompt: Prompt) -> None:
    store = open_store(tmp_path / "reviewer.db", passphrase=prompt)
    import sqlcipher3

    from reviewer_app.storage.keys import derive_key, read_key_info
    from reviewer_app.storage.store_file import key_pragma

    info = read_key_info(store.path)
    assert info.scrypt is not None
    key = derive_key(prompt.passphrase, info.scrypt)
    with store.writing():
        # BEGIN IMMEDIATE: another connection cannot start writing until this one ends,
        # even though nothing has been written yet.
        other = sqlcipher3.connect(str(store.path), isolation_level=None, timeout=0.05)
        other.execute(key_pragma(key))
        with pytest.raises(sqlcipher3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    store.close()


@pytest.mark.parametrize("salt", [b"{ random salt...", b"%PDF-1.7 random.", b"<html> random..."])
def test_a_store_whose_random_salt_looks_like_another_format_opens(
    tmp_path: Path, salt: bytes
) -> None:
    """Regression: the salt at the start of a store once matched a file signature (1 in 128)."""
    import sqlcipher3

    from reviewer_app.storage.keys import DEMO_KEY, KeyInfo, write_key_info

    assert len(salt) == 16  # SQLCipher's salt: key and salt together are 96 hex digits
    path = tmp_path / "demo.db"
    write_key_info(path, KeyInfo("store-with-odd-salt", KeySource.DEMO))
    raw = sqlcipher3.connect(str(path))
    raw.execute(f"PRAGMA key = \"x'{DEMO_KEY.hex()}{salt.hex()}'\"")
    raw.execute("CREATE TABLE early (x)")
    raw.commit()
    raw.close()
    assert path.read_bytes().startswith(salt)
    store = open_store(path)
    _write_school(store)
    store.close()
    assert path.read_bytes().startswith(salt)
