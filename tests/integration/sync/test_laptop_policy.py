"""The trust sets its laptops' idle lock on the server (``serve --idle-lock-minutes``); a laptop
takes the period at its next sync and keeps it. Real server on loopback, real store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sync_world import Laptop, LiveServer, World

from reviewer_app.server.cli import main as server_main
from reviewer_app.sync.protocol import LaptopPolicy


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(
        tmp_path_factory.mktemp("policy-server"), laptop_policy=LaptopPolicy(idle_lock_minutes=3)
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_laptop_takes_the_trusts_idle_lock_period_at_sync(
    world: World, laptop: Callable[[str], Laptop]
) -> None:
    device = laptop("staffroom")
    assert device.workspace.idle_lock_minutes() is None  # until the trust says: the default
    device.enrol(world.peer)
    result = device.sync.sync_now()
    # With the trust's retention period for laptop copies (its default, 365 days).
    assert result.laptop_policy == LaptopPolicy(idle_lock_minutes=3, keep_signed_days=365)
    assert device.workspace.idle_lock_minutes() == 3


@pytest.mark.parametrize("given", ["0", "241", "ten"])
def test_an_impossible_period_is_refused_in_a_sentence(
    given: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = server_main(["--data-dir", str(tmp_path), "serve", "--idle-lock-minutes", given])
    err = capsys.readouterr().err
    assert status != 0
    assert "Traceback" not in err
    assert "minutes" in err
