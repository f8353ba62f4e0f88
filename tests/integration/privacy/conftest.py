"""A demo store per test (its person, Sarah Okafor, is a lead reviewer and improvement partner
but not a safeguarding lead) and a file keyring shared with subprocesses."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from keyring_backends import file_keyring
from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.paths import AppPaths


@pytest.fixture(scope="module")
def keyring_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("keyring") / "keyring.json"
    with file_keyring(path):
        yield path


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory, keyring_file: Path) -> Path:
    base = tmp_path_factory.mktemp("demo-template")
    with open_demo_workspace(AppPaths.from_base(base)):
        pass
    return base


@pytest.fixture
def demo_base(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seeded demo data folder (the same store key, from the keyring)."""
    base = tmp_path / "demo"
    shutil.copytree(demo_template, base)
    return base
