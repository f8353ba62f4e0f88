"""Fixtures of the end-to-end sync world (:mod:`e2e_world`): a running trust server with a
trust CA, and a file keyring shared with the ``reviewer-app`` subprocesses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_world import Server

from keyring_backends import file_keyring
from reviewer_app.server.database import create_server_engine, migrate


@pytest.fixture
def keyring_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "keyring.json"
    with file_keyring(path):
        yield path


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The trust server, its database migrated and empty, serving with the trust's CA."""
    folder = tmp_path / "server"
    folder.mkdir()
    engine = create_server_engine(f"sqlite:///{folder / 'server.sqlite3'}")
    migrate(engine)
    engine.dispose()
    running = Server(folder)
    running.start()
    try:
        yield running
    finally:
        running.stop()
