"""A newer app published by the trust server shows as a quiet link in the status bar corner."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sync_world import Laptop, LiveServer, World

from reviewer_app import __version__
from reviewer_app.gui.sync_status import SyncController, SyncState, SyncStatusWidget
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.sync.protocol import AppRelease

DOWNLOAD = "https://it.example.org/reviewer?channel=stable&os=windows"


@pytest.fixture
def publishing(live_server: LiveServer) -> Iterator[Callable[[AppRelease | None], None]]:
    def publish(release: AppRelease | None) -> None:
        live_server.stop()
        live_server.app_release = release
        live_server.start()

    try:
        yield publish
    finally:
        publish(None)


def test_the_update_link_appears_after_a_sync_and_goes_when_this_version_is_current(
    qtbot: QtBot,
    world: World,
    laptop: Callable[[str], Laptop],
    publishing: Callable[[AppRelease | None], None],
    reader_tasks: TaskRunner,
) -> None:
    publishing(AppRelease(version="99.0.1", download_url=DOWNLOAD))
    device = laptop("peer")
    device.enrol(world.peer)
    controller = SyncController(device.sync, tasks=reader_tasks, probe_interval_ms=60_000)
    widget = SyncStatusWidget(controller)
    qtbot.addWidget(widget)
    widget.show()
    try:
        assert widget.update_label.isHidden()
        with qtbot.waitSignal(controller.sync_finished, timeout=20_000):
            controller.start(automatic=False)
            controller.sync_now()
        assert controller.state is SyncState.SYNCED  # a newer app never stops a sync
        label = widget.update_label
        assert label.isVisible()
        assert label.text() == (
            '<a href="https://it.example.org/reviewer?channel=stable&amp;os=windows">'
            "Reviewer 99.0.1 is available</a>"
        )
        assert label.toolTip() == (
            f"Reviewer 99.0.1 is available (you have {__version__}): {DOWNLOAD}."
        )
        folder = os.environ.get("REVIEWER_SCREENSHOTS")
        if folder:  # what the status bar corner looks like, for docs/screenshots
            widget.resize(560, widget.sizeHint().height() + 8)
            widget.grab().save(str(Path(folder) / "sync-status-app-update.png"))

        publishing(AppRelease(version=__version__))
        with qtbot.waitSignal(controller.sync_finished, timeout=20_000):
            controller.sync_now()
        assert widget.update_label.isHidden()
    finally:
        controller.close()
