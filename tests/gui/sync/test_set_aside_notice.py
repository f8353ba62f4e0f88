"""The status corner says when received records were set aside, and lists them on a click
(issue 14, item 3): where each came from and why, while everything else synced."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sync_world import Laptop, LiveServer, World

from reviewer_app.gui.sync_status import (
    SHOWN_LINES,
    SyncController,
    SyncState,
    SyncStatusWidget,
)
from reviewer_app.gui.tasks import TaskRunner
from support.malformed_records import MALFORMED, plant_malformed


def test_records_set_aside_are_shown_with_their_origin_and_reason(
    qtbot: QtBot,
    world: World,
    laptop: Callable[[str], Laptop],
    live_server: LiveServer,
    reader_tasks: TaskRunner,
) -> None:
    device = laptop("peer")
    device.enrol(world.peer)
    controller = SyncController(device.sync, tasks=reader_tasks, probe_interval_ms=60_000)
    widget = SyncStatusWidget(controller)
    qtbot.addWidget(widget)
    widget.show()
    try:
        with qtbot.waitSignal(controller.sync_finished, timeout=20_000):
            controller.start(automatic=False)
            controller.sync_now()
        assert widget.set_aside_label.isHidden()

        plant_malformed(live_server.engine, world.review, world.school, world.peer2)
        with qtbot.waitSignal(controller.sync_finished, timeout=20_000):
            controller.sync_now()
        assert controller.state is SyncState.SYNCED  # the bad records never stop a sync
        label = widget.set_aside_label
        assert label.isVisible()
        assert f"{len(MALFORMED)} received records set aside" in label.text()
        assert "everything else synced" in label.toolTip()
        folder = os.environ.get("REVIEWER_SCREENSHOTS")
        if folder:
            widget.resize(640, widget.sizeHint().height() + 8)
            widget.grab().save(str(Path(folder) / "sync-status-set-aside.png"))

        label.linkActivated.emit("#set-aside")
        boxes = [w for w in widget.findChildren(QMessageBox) if w.isVisible()]
        assert len(boxes) == 1
        box = boxes[0]
        assert box.text().startswith(f"{len(MALFORMED)} records received from the trust server")
        # What the reviewer reads names the person, never the internal ids; the laptop is one
        # this laptop has no name for.
        shown = box.informativeText()
        assert shown.count("<li>") == min(len(MALFORMED), SHOWN_LINES)
        assert shown.count("from Sam Second on another laptop") == shown.count("<li>")
        assert world.peer2 not in shown
        assert "old-laptop" not in shown
        assert f"and {len(MALFORMED) - SHOWN_LINES} more" in shown
        # The details, for copying to the trust admin, keep the ids that find each record.
        lines = box.detailedText().splitlines()
        assert len(lines) == len(MALFORMED)
        assert all("on laptop old-laptop" in line and world.peer2 in line for line in lines)
        assert any("text" in line for line in lines)  # the note without its text says so
        box.close()
    finally:
        controller.close()
