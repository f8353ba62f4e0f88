"""Secrets the app keeps in the keyring fit Windows Credential Manager, which refuses a secret
over 2,560 bytes (CRED_MAX_CREDENTIAL_BLOB_SIZE; keyring stores text as UTF-16, so 1,280
characters). A longer one works on Linux and macOS and fails only on reviewers' Windows laptops.
The real code paths run against a keyring backend that enforces that limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.errors import PasswordSetError

from keyring_backends import MemoryKeyring, keyring_in_use
from reviewer_app.reports.keys import generate_signing_key, store_key_in_keyring
from reviewer_app.storage.keys import KeySource, existing_store_key, new_store_key

#: Windows' limit on a credential's secret, in bytes (wincred.h).
CRED_MAX_CREDENTIAL_BLOB_SIZE = 5 * 512


class CredentialManagerSizedKeyring(MemoryKeyring):
    """A keyring that refuses what Windows Credential Manager refuses: secrets too long."""

    def set_password(self, service: str, username: str, password: str) -> None:
        if len(password.encode("utf-16-le")) > CRED_MAX_CREDENTIAL_BLOB_SIZE:
            raise PasswordSetError("CredWrite: The stub received bad data.")  # what Windows says
        super().set_password(service, username, password)


def test_the_backend_refuses_what_windows_refuses() -> None:
    backend = CredentialManagerSizedKeyring()
    backend.set_password("s", "u", "x" * 1280)
    with pytest.raises(PasswordSetError):
        backend.set_password("s", "u", "x" * 1281)


def test_a_store_key_fits(tmp_path: Path) -> None:
    store = tmp_path / "reviewer.db"
    with keyring_in_use(CredentialManagerSizedKeyring()):
        key, info = new_store_key(store, demo=False, prompt=None)
        assert info.source is KeySource.KEYRING  # not the passphrase fallback
        assert existing_store_key(store, info, prompt=None) == key


def test_a_signing_key_fits() -> None:
    with keyring_in_use(CredentialManagerSizedKeyring()) as backend:
        store_key_in_keyring(generate_signing_key(), "reviewer@trust.example")
        (pem,) = backend.secrets.values()  # type: ignore[attr-defined]
    assert len(pem.encode("utf-16-le")) <= CRED_MAX_CREDENTIAL_BLOB_SIZE
