"""The store's encryption key: where it lives and how it is found again.

Every store has a random 256-bit key used by SQLCipher as a *raw* key (no SQLCipher KDF).

* **keyring** (the normal case): the key is kept in the operating system's keyring under service
  ``reviewer-app`` and user name = the store id.
* **passphrase** (no working keyring, e.g. a headless Linux box): the key is derived from a
  passphrase the person chooses, with scrypt. Salt and cost parameters are kept in the sidecar;
  the key never is.
* **demo**: the demo store uses :data:`DEMO_KEY`, a fixed and public key. The demo store holds
  only invented data; it is encrypted so that it exercises the same code as real stores.

The store id is a random UUID kept in a small plaintext sidecar next to the store
(``reviewer.db.keyinfo.json``), not derived from the path: the data folder can be moved or
renamed without losing the key, and a store deleted and created again at the same path never
picks up its predecessor's keyring entry. The sidecar holds no secret.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from reviewer_app.domain.ids import new_id
from reviewer_app.storage.errors import (
    KeyMissingError,
    NotAStoreError,
    PassphraseRequiredError,
)

log = logging.getLogger(__name__)

#: Keyring service name under which store keys are kept.
KEYRING_SERVICE = "reviewer-app"

#: The demo store's key, public on purpose: the demo store holds only invented data.
DEMO_KEY = hashlib.sha256(b"Reviewer demo store - this key is public").digest()

KEY_BYTES = 32
SIDECAR_SUFFIX = ".keyinfo.json"
SIDECAR_FORMAT = 1

#: Asks for a passphrase: ``(store_path, creating) -> passphrase``.
PassphrasePrompt = Callable[[Path, bool], str]


class KeySource(StrEnum):
    KEYRING = "keyring"
    PASSPHRASE = "passphrase"  # noqa: S105 (a name, not a secret)
    DEMO = "demo"


@dataclass(frozen=True, slots=True)
class ScryptParameters:
    """Cost parameters and salt for deriving a key from a passphrase (RFC 7914)."""

    salt: bytes
    n: int = 2**15
    r: int = 8
    p: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "name": "scrypt",
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "n": self.n,
            "r": self.r,
            "p": self.p,
            "length": KEY_BYTES,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ScryptParameters:
        if raw.get("name") != "scrypt" or int(raw.get("length", KEY_BYTES)) != KEY_BYTES:
            raise ValueError("unsupported key derivation")
        return cls(
            salt=base64.b64decode(raw["salt"]), n=int(raw["n"]), r=int(raw["r"]), p=int(raw["p"])
        )


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What the sidecar records about a store's key (never the key itself)."""

    store_id: str
    source: KeySource
    scrypt: ScryptParameters | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": SIDECAR_FORMAT,
            "store_id": self.store_id,
            "key_source": self.source.value,
            "cipher": "sqlcipher4-raw-key",
        }
        if self.scrypt is not None:
            data["kdf"] = self.scrypt.to_json()
        return data


def sidecar_path(store: Path) -> Path:
    """The key information file that sits next to ``store``."""
    return store.with_name(store.name + SIDECAR_SUFFIX)


def read_key_info(store: Path) -> KeyInfo:
    """Read the sidecar of an existing store; raises :class:`NotAStoreError` if it is unusable."""
    path = sidecar_path(store)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        scrypt = ScryptParameters.from_json(raw["kdf"]) if "kdf" in raw else None
        info = KeyInfo(
            store_id=str(raw["store_id"]), source=KeySource(raw["key_source"]), scrypt=scrypt
        )
    except FileNotFoundError:
        raise NotAStoreError(
            store,
            f"{store} has no key information file ({path.name}), so it is not a Reviewer store "
            "or its key file has been lost.",
            hint="Put the key file back next to the store, or choose another data folder.",
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        log.debug("unreadable sidecar %s: %s", path, exc)
        raise NotAStoreError(
            store,
            f"The key information file {path} next to the store cannot be read.",
            hint="Restore it from a backup, or choose another data folder.",
        ) from None
    if info.source is KeySource.PASSPHRASE and info.scrypt is None:
        raise NotAStoreError(
            store,
            f"The key information file {path} is missing its passphrase settings.",
            hint="Restore it from a backup, or choose another data folder.",
        )
    return info


def write_key_info(store: Path, info: KeyInfo) -> None:
    """Write the sidecar atomically (a crash leaves the old file or the new, never half)."""
    path = sidecar_path(store)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(info.to_json(), handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def derive_key(passphrase: str, params: ScryptParameters) -> bytes:
    """Derive the store key from a passphrase with scrypt."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=params.salt, length=KEY_BYTES, n=params.n, r=params.r, p=params.p)
    return kdf.derive(passphrase.encode("utf-8"))


def keyring_usable() -> bool:
    """True when a real keyring backend is available (not the null or fail backends)."""
    import keyring
    from keyring.backends import fail, null

    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration is the same as none
        log.info("keyring backend could not be loaded", exc_info=True)
        return False
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    priority = getattr(backend, "priority", 1)
    return not (isinstance(priority, int | float) and priority < 0)


def _keyring_get(store_id: str) -> str | None:
    import keyring

    try:
        value = keyring.get_password(KEYRING_SERVICE, store_id)
    except Exception:  # a locked or broken keyring is the same as no key: say so, don't crash
        log.info("keyring lookup failed", exc_info=True)
        return None
    return value


def _keyring_set(store_id: str, key: bytes) -> bool:
    import keyring

    try:
        keyring.set_password(KEYRING_SERVICE, store_id, key.hex())
    except Exception:  # any keyring failure: fall back to a passphrase
        log.info("keyring refused the store key; falling back to a passphrase", exc_info=True)
        return False
    return _keyring_get(store_id) == key.hex()


def _ask(store: Path, prompt: PassphrasePrompt | None, *, creating: bool) -> str:
    if prompt is None:
        raise PassphraseRequiredError(
            store,
            f"The store {store} is protected by a passphrase and none was given."
            if not creating
            else f"This computer has no keyring to keep the key of {store} in, so it needs a "
            "passphrase and none was given.",
            hint="Start Reviewer from the desktop so it can ask for the passphrase.",
        )
    passphrase = prompt(store, creating)
    if not passphrase:
        raise PassphraseRequiredError(
            store,
            f"An empty passphrase cannot protect the store {store}.",
            hint="Enter a passphrase of at least one character.",
        )
    return passphrase


def new_store_key(
    store: Path, *, demo: bool, prompt: PassphrasePrompt | None
) -> tuple[bytes, KeyInfo]:
    """Choose and keep the key for a store about to be created. Does not write the sidecar."""
    store_id = new_id()
    if demo:
        return DEMO_KEY, KeyInfo(store_id, KeySource.DEMO)
    if keyring_usable():
        key = secrets.token_bytes(KEY_BYTES)
        if _keyring_set(store_id, key):
            return key, KeyInfo(store_id, KeySource.KEYRING)
    passphrase = _ask(store, prompt, creating=True)
    params = ScryptParameters(salt=secrets.token_bytes(16))
    return derive_key(passphrase, params), KeyInfo(store_id, KeySource.PASSPHRASE, params)


def existing_store_key(store: Path, info: KeyInfo, *, prompt: PassphrasePrompt | None) -> bytes:
    """Find the key of an existing store from its key information. Changes nothing on disk."""
    if info.source is KeySource.DEMO:
        return DEMO_KEY
    if info.source is KeySource.KEYRING:
        hex_key = _keyring_get(info.store_id) if keyring_usable() else None
        if hex_key is None:
            raise KeyMissingError(
                store,
                f"The key of the store {store} is not in this computer's keyring.",
                hint="Open Reviewer as the person and on the computer that created the store, "
                "or sync your work down to a new data folder.",
            )
        try:
            return bytes.fromhex(hex_key)
        except ValueError:
            raise KeyMissingError(
                store,
                f"The keyring entry for the store {store} is damaged.",
                hint="Sync your work down to a new data folder.",
            ) from None
    assert info.scrypt is not None  # read_key_info checks this
    return derive_key(_ask(store, prompt, creating=False), info.scrypt)
