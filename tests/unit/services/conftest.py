"""Fixtures for service tests: a data folder and a passphrase prompt (tests have no keyring)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer_app.paths import AppPaths

PASSPHRASE = "correct horse battery staple"


def _answer(path: Path, creating: bool) -> str:
    return PASSPHRASE


@pytest.fixture
def paths(data_dir: Path) -> AppPaths:
    return AppPaths.from_base(data_dir)


@pytest.fixture
def prompt() -> object:
    """Answers every passphrase question with the same passphrase."""
    return _answer
