"""A demo store with its signed reports, made once per module, and a file keyring shared with
subprocesses (``report_store_world.FileKeyring``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from keyring_backends import file_keyring
from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.paths import AppPaths


@pytest.fixture(scope="module")
def keyring_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Store keys and signing keys go to a JSON file, for this process and its children."""
    path = tmp_path_factory.mktemp("keyring") / "keyring.json"
    with file_keyring(path):
        yield path


@pytest.fixture(scope="module")
def demo_base(tmp_path_factory: pytest.TempPathFactory, keyring_file: Path) -> Path:
    """A data folder holding the demo store (seeded, with its signed reports)."""
    from support.demo_reports import sign_featured_demo_reports

    base = tmp_path_factory.mktemp("demo-data")
    with open_demo_workspace(AppPaths.from_base(base)) as workspace:
        assert sign_featured_demo_reports(workspace) > 0
    return base
