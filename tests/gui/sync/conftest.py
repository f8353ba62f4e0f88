"""Fixtures for the sync GUI tests: the live server and laptops from the sync integration tests,
in a world whose visit is a two-day peer review from ``frameworks/`` (so fields have titles)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "integration" / "sync"))

from sync_world import (
    PEER_REVIEW,
    Laptop,
    LiveServer,
    World,
    build_world_with_framework,
    use_memory_keyring,
)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    restore = use_memory_keyring()
    try:
        yield
    finally:
        restore()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("sync-gui-server"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def world(live_server: LiveServer, tmp_path: Path) -> World:
    live_server.reset()
    return build_world_with_framework(live_server, tmp_path / "starter", PEER_REVIEW)


@pytest.fixture
def laptop(tmp_path: Path, live_server: LiveServer) -> Iterator[Callable[[str], Laptop]]:
    made: list[Laptop] = []

    def make(name: str) -> Laptop:
        device = Laptop(tmp_path / name, live_server)
        made.append(device)
        return device

    try:
        yield make
    finally:
        for device in made:
            device.close()
