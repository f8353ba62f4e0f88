"""The app keeps itself current: the trust server publishes the app version it rolls out, a
laptop says quietly when it is older, and only an app whose sync protocol is too old is refused,
with where to get the current one. Real server on loopback, real store, the real command."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sync_world import LiveServer, World, build_world

from reviewer_app import __version__
from reviewer_app.cli import main
from reviewer_app.paths import AppPaths
from reviewer_app.server import enrolment as server_enrolment
from reviewer_app.services.sync_service import SyncService
from reviewer_app.services.workspace import Workspace
from reviewer_app.sync.protocol import MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, AppRelease

DOWNLOAD = "https://it.example.org/software/reviewer"


@pytest.fixture
def release_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(
        tmp_path / "server", app_release=AppRelease(version="99.1", download_url=DOWNLOAD)
    )
    server.folder.mkdir()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _restart_publishing(server: LiveServer, release: AppRelease | None) -> None:
    server.stop()
    server.app_release = release
    server.start()


def _pending(data_dir: Path) -> int:
    with Workspace.open(AppPaths.from_base(data_dir)) as workspace:
        return SyncService(workspace.store, workspace.lane).status().pending


def test_health_publishes_the_protocols_accepted_and_the_app_to_use(
    release_server: LiveServer,
) -> None:
    body = httpx.get(f"{release_server.base_url}/health").json()
    assert body["protocol_version"] == PROTOCOL_VERSION
    assert body["min_protocol_version"] == MIN_PROTOCOL_VERSION
    assert body["app_release"] == {"version": "99.1", "download_url": DOWNLOAD}


def test_a_newer_app_is_said_quietly_and_sync_goes_on(
    release_server: LiveServer, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world: World = build_world(release_server)
    code = release_server.code_for(world.peer)
    assert main(["enrol", release_server.base_url, code, "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()

    assert main(["sync", "--data-dir", str(data_dir), "--quiet"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        "Already up to date.",
        f"Reviewer 99.1 is available (you have {__version__}): {DOWNLOAD}.",
    ]

    # The trust rolls out the version this laptop has: nothing more is said.
    _restart_publishing(release_server, AppRelease(version=__version__, download_url=DOWNLOAD))
    assert main(["sync", "--data-dir", str(data_dir), "--quiet"]) == 0
    assert capsys.readouterr().out.strip() == "Already up to date."

    # An older version published (a trust that has not caught up) is no update either.
    _restart_publishing(release_server, AppRelease(version="0.0.1"))
    assert main(["sync", "--data-dir", str(data_dir), "--quiet"]) == 0
    assert capsys.readouterr().out.strip() == "Already up to date."


def test_only_a_protocol_too_old_is_refused_with_where_to_get_the_app(
    release_server: LiveServer,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = build_world(release_server)
    code = release_server.code_for(world.peer)
    assert main(["enrol", release_server.base_url, code, "--data-dir", str(data_dir)]) == 0
    assert main(["sync", "--data-dir", str(data_dir), "--quiet"]) == 0  # brings the review
    with Workspace.open(AppPaths.from_base(data_dir)) as workspace:
        workspace.reviews.add_note(world.review, "Reading corner well used")
    capsys.readouterr()

    # A later server that no longer speaks this app's protocol (the server runs in-process).
    monkeypatch.setattr(server_enrolment, "MIN_PROTOCOL_VERSION", PROTOCOL_VERSION + 1)
    assert main(["sync", "--data-dir", str(data_dir), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "too old to sync with the trust server" in err
    assert f"install Reviewer 99.1 from {DOWNLOAD}" in err
    assert "Traceback" not in err
    assert _pending(data_dir) == 1  # the note waits on the laptop

    monkeypatch.setattr(server_enrolment, "MIN_PROTOCOL_VERSION", MIN_PROTOCOL_VERSION)
    assert main(["sync", "--data-dir", str(data_dir), "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("Sent 1 change,")
    assert _pending(data_dir) == 0


def test_a_server_that_publishes_nothing_makes_a_laptop_forget_what_it_said(
    release_server: LiveServer, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = build_world(release_server)
    code = release_server.code_for(world.peer)
    assert main(["enrol", release_server.base_url, code, "--data-dir", str(data_dir)]) == 0
    assert main(["sync", "--data-dir", str(data_dir), "--quiet"]) == 0
    assert "is available" in capsys.readouterr().out
    _restart_publishing(release_server, None)
    assert main(["sync", "--data-dir", str(data_dir), "--quiet"]) == 0
    assert "is available" not in capsys.readouterr().out
