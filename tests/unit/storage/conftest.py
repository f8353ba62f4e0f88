"""Fixtures for store tests: a passphrase prompt that records its calls, an in-memory keyring,
and a snapshot of a folder's files to prove that a refused store was left untouched."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.backends import null

from keyring_backends import MemoryKeyring


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(null.Keyring())


class Prompt:
    """Answers passphrase questions with a fixed passphrase and records them."""

    def __init__(self, passphrase: str) -> None:
        self.passphrase = passphrase
        self.calls: list[tuple[Path, bool]] = []

    def __call__(self, path: Path, creating: bool) -> str:
        self.calls.append((path, creating))
        return self.passphrase


@pytest.fixture
def prompt() -> Prompt:
    return Prompt("correct horse battery staple")


@pytest.fixture
def make_prompt() -> type[Prompt]:
    return Prompt


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, bytes]]:
    """Every file under a folder with its bytes."""
    return _snapshot
