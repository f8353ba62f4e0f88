"""Reviewer signing keys: passphrase-encrypted files and the OS keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from keyring_backends import MemoryKeyring
from reviewer_app.domain.errors import NotFoundError
from reviewer_app.reports import ca
from reviewer_app.reports.keys import (
    SigningKeyError,
    credentials,
    generate_signing_key,
    load_key,
    load_key_from_keyring,
    save_key,
    store_key_in_keyring,
)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def test_key_file_is_encrypted_and_round_trips(tmp_path: Path) -> None:
    key = generate_signing_key()
    path = tmp_path / "keys" / "signing-key.pem"
    save_key(key, path, b"a long passphrase")
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    assert path.stat().st_mode & 0o077 == 0
    assert load_key(path, b"a long passphrase").public_key() == key.public_key()
    assert key.curve.name == "secp256r1"


def test_wrong_passphrase_is_a_sentence_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "signing-key.pem"
    save_key(generate_signing_key(), path, b"right")
    with pytest.raises(SigningKeyError) as caught:
        load_key(path, b"wrong")
    assert str(path) in caught.value.message


def test_missing_key_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no signing key"):
        load_key(tmp_path / "absent.pem", b"x")


def test_key_file_needs_a_passphrase(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="passphrase"):
        save_key(generate_signing_key(), tmp_path / "k.pem", b"")


def test_keyring_round_trip(memory_keyring: MemoryKeyring) -> None:
    key = generate_signing_key()
    store_key_in_keyring(key, "amira@oakwood.example")
    assert memory_keyring.secrets
    assert load_key_from_keyring("amira@oakwood.example").public_key() == key.public_key()
    with pytest.raises(SigningKeyError, match=r"tom@oakwood\.example"):
        load_key_from_keyring("tom@oakwood.example")


def test_null_keyring_refuses_to_store_with_a_sentence() -> None:
    with pytest.raises(SigningKeyError, match="keyring"):
        store_key_in_keyring(generate_signing_key(), "amira@oakwood.example")


def test_credentials_refuse_a_certificate_for_another_key() -> None:
    root = ca.create_root("Oakwood Learning Trust")
    cert = ca.issue_certificate(
        root, generate_signing_key().public_key(), name="A B", email="", roles=[]
    )
    with pytest.raises(SigningKeyError, match="another key"):
        credentials(generate_signing_key(), cert)
