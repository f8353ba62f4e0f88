"""The status corner under the trust server's limits (issue 14, items 5-6): a file the server
would not take is listed with its reason, and a server asking for a pause is waited for, with
the time the laptop syncs again, instead of being asked again and again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sync_world import Laptop, LiveServer, build_world

from reviewer_app.gui.sync_status import SyncController, SyncState, SyncStatusWidget
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.server.device_limits import DeviceLimits
from reviewer_app.sync.client import RetryPolicy


@pytest.fixture
def small_server(tmp_path: Path) -> Iterator[LiveServer]:
    """At most 40 KB of unused files per laptop, and three pushes a minute from each."""
    folder = tmp_path / "small-server"
    folder.mkdir()
    server = LiveServer(folder, limits=DeviceLimits(device_quota_bytes=40_000, pushes_per_minute=3))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_waiting_file_and_a_pause_are_said_in_the_status_corner(
    qtbot: QtBot, small_server: LiveServer, tmp_path: Path, reader_tasks: TaskRunner
) -> None:
    world = build_world(small_server)
    patient = RetryPolicy(attempts=3, initial_wait=0.01, max_wait=0.05, longest_retry_after=1)
    peer = Laptop(tmp_path / "peer", small_server, retry=patient)
    controller = SyncController(peer.sync, tasks=reader_tasks, probe_interval_ms=60_000)
    widget = SyncStatusWidget(controller)
    qtbot.addWidget(widget)
    widget.show()
    try:
        peer.enrol(world.peer)
        with qtbot.waitSignal(controller.sync_finished, timeout=20_000):
            controller.start(automatic=False)
            controller.sync_now()
        assert widget.files_label.isHidden()

        plan = b"%PDF-1.4\n" + os.urandom(60_000)
        peer.reviews.add_attachment(world.review, "site-plan.pdf", "application/pdf", plan)
        with qtbot.waitSignal(controller.sync_finished, timeout=20_000):
            controller.sync_now()
        assert controller.state is SyncState.SYNCED  # the file waits; the sync did not fail
        label = widget.files_label
        assert label.isVisible()
        assert "1 file waiting" in label.text()
        assert "everything else synced" in label.toolTip()
        label.linkActivated.emit("#files-waiting")
        (box,) = [w for w in widget.findChildren(QMessageBox) if w.isVisible()]
        assert box.windowTitle() == "Files waiting"
        (line,) = box.detailedText().splitlines()
        assert line.startswith("site-plan.pdf: This laptop already holds")
        assert "may hold 39 KB" in line
        assert "tried again after" in line
        box.close()

        # Pushes beyond the server's allowance: it asks for a pause, the laptop waits.
        for text in ("One", "Two", "Three"):
            peer.reviews.add_note(world.review, text)
            with qtbot.waitSignal(controller.state_changed, timeout=20_000) as done:
                controller.sync_now()
            qtbot.waitUntil(lambda: not controller.running, timeout=20_000)
            if controller.state is SyncState.WAITING:
                break
        assert controller.state is SyncState.WAITING, done.args
        assert widget.label.text().startswith(
            "Waiting: the trust server asked for a pause; syncing again at "
        )
        assert widget.progress.isHidden()
        folder = os.environ.get("REVIEWER_SCREENSHOTS")
        if folder:
            widget.resize(760, widget.sizeHint().height() + 8)
            widget.grab().save(str(Path(folder) / "sync-status-waiting.png"))
        assert peer.sync.status().pending >= 1  # kept for the sync after the pause
    finally:
        controller.close()
        peer.close()
