"""Keyring backends for tests: the one OS part the test machines cannot have.

* :class:`MemoryKeyring` keeps secrets in a dict, for tests that run in one process.
* :class:`FileKeyring` keeps them in the JSON file named by ``REVIEWER_TEST_KEYRING_FILE``, so a
  ``reviewer-app`` subprocess started with
  ``PYTHON_KEYRING_BACKEND=keyring_backends.FileKeyring`` (and this folder on ``PYTHONPATH``,
  see :data:`TESTS_DIR`) shares device tokens, store keys and signing keys with the test.

Both are real :class:`keyring.backend.KeyringBackend` implementations: the code under test goes
through the ``keyring`` package exactly as it does on a laptop.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend

KEYRING_FILE_ENV = "REVIEWER_TEST_KEYRING_FILE"
#: The folder holding this module: put it on a subprocess's ``PYTHONPATH``.
TESTS_DIR = Path(__file__).resolve().parent
#: ``PYTHON_KEYRING_BACKEND`` for a subprocess that shares a :class:`FileKeyring`.
FILE_KEYRING_BACKEND = "keyring_backends.FileKeyring"


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps secrets in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


class FileKeyring(KeyringBackend):
    """A keyring kept in the JSON file named by ``REVIEWER_TEST_KEYRING_FILE``."""

    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        return Path(os.environ[KEYRING_FILE_ENV])

    def _load(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return data

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\n{username}"] = password
        self._path.write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}\n{username}", None)
        self._path.write_text(json.dumps(data), encoding="utf-8")


@contextmanager
def keyring_in_use(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    """Use ``backend`` for the ``with`` block, then the keyring that was in use before."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@contextmanager
def file_keyring(path: Path) -> Iterator[FileKeyring]:
    """A :class:`FileKeyring` on ``path`` in use for the ``with`` block (environment included)."""
    previous_env = os.environ.get(KEYRING_FILE_ENV)
    os.environ[KEYRING_FILE_ENV] = str(path)
    try:
        with keyring_in_use(FileKeyring()) as backend:
            assert isinstance(backend, FileKeyring)
            yield backend
    finally:
        if previous_env is None:
            os.environ.pop(KEYRING_FILE_ENV, None)
        else:
            os.environ[KEYRING_FILE_ENV] = previous_env
