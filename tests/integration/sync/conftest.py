"""Fixtures for sync tests: one live server per module, an in-memory keyring, laptops."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sync_world import (
    PEER_REVIEW,
    Laptop,
    LiveServer,
    World,
    build_world,
    build_world_with_framework,
    ca_live_server,
    use_memory_keyring,
)

from reviewer_app.domain.review import ReviewState


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    restore = use_memory_keyring()
    try:
        yield
    finally:
        restore()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("sync-server"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def ca_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server with a trust CA: certificates at enrolment, signed reports checked."""
    server = ca_live_server(tmp_path_factory.mktemp("ca-server"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def server(live_server: LiveServer) -> LiveServer:
    live_server.reset()
    return live_server


@pytest.fixture
def world(server: LiveServer) -> World:
    return build_world(server)


@pytest.fixture
def laptop(tmp_path: Path, server: LiveServer) -> Iterator[Callable[[str], Laptop]]:
    made: list[Laptop] = []

    def make(name: str) -> Laptop:
        device = Laptop(tmp_path / name, server)
        made.append(device)
        return device

    try:
        yield make
    finally:
        for device in made:
            device.close()


@pytest.fixture
def team(tmp_path: Path, ca_server: LiveServer) -> Iterator[tuple[World, Laptop, Laptop, Laptop]]:
    ca_server.reset()
    world = build_world_with_framework(ca_server, tmp_path / "starter", PEER_REVIEW)
    laptops = []
    for name, person in (("lee", world.lead), ("pat", world.peer), ("sam", world.peer2)):
        device = Laptop(tmp_path / name, ca_server)
        device.enrol(person)
        device.sync.sync_now()
        laptops.append(device)
    lee, pat, sam = laptops
    # The lead marks the review ready for sign-off; everyone receives it.
    lee.workspace.reviews.set_state(world.review, ReviewState.READY_FOR_SIGN_OFF)
    for device in (lee, pat, sam):
        device.sync.sync_now()
    try:
        yield world, lee, pat, sam
    finally:
        for device in laptops:
            device.close()
