"""The sync status bar widget and the lead's conflicts panel, offscreen, on the live server."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sync_world import Laptop, World

from reviewer_app.domain.frameworks import Framework
from reviewer_app.gui.conflicts_panel import ConflictsPanel
from reviewer_app.gui.sync_status import SyncController, SyncState, SyncStatusWidget
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.server.database import write_session
from reviewer_app.server.enrolment import revoke_device

#: A shared text of the two-day peer review the world's visit is on.
FIELD = "leadership-and-governance-strengths"
MakeLaptop = Callable[[str], Laptop]


_OPEN: list[SyncController] = []


@pytest.fixture(autouse=True)
def _close_controllers(reader_tasks: TaskRunner, laptop: MakeLaptop) -> Iterator[None]:
    # Asks for the reader threads and the laptops so that they outlive the controllers (a
    # probe still running closes its connection before the laptop goes), as in the app.
    yield
    while _OPEN:
        _OPEN.pop().close()


def _controller(tasks: TaskRunner, device: Laptop, probe_ms: int = 60_000) -> SyncController:
    controller = SyncController(device.sync, tasks=tasks, probe_interval_ms=probe_ms)
    _OPEN.append(controller)
    return controller


def test_status_bar_shows_syncing_then_synced_then_conflicts(
    qtbot: QtBot, world: World, laptop: MakeLaptop, reader_tasks: TaskRunner
) -> None:
    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    controller = _controller(reader_tasks, lead)
    widget = SyncStatusWidget(controller)
    qtbot.addWidget(widget)
    states: list[SyncState] = []
    controller.state_changed.connect(lambda state, _text: states.append(state))
    with qtbot.waitSignal(controller.sync_finished, timeout=20_000):
        controller.start()
    assert SyncState.SYNCING in states
    assert controller.state is SyncState.SYNCED
    assert widget.label.text().startswith("Synced at ")
    assert widget.button.isEnabled()

    peer.sync.sync_now()
    peer.reviews.set_field(world.review, FIELD, "Pat's text")
    lead.reviews.set_field(world.review, FIELD, "Lee's text")
    peer.sync.sync_now()
    with qtbot.waitSignal(controller.sync_finished, timeout=20_000):
        qtbot.mouseClick(widget.button, qtbot_button())
    assert controller.state is SyncState.CONFLICTS
    assert widget.label.text() == "1 conflict waiting for the lead reviewer"


def qtbot_button() -> Qt.MouseButton:
    return Qt.MouseButton.LeftButton


def test_offline_then_back_online_syncs_by_itself(
    qtbot: QtBot, world: World, laptop: MakeLaptop, reader_tasks: TaskRunner
) -> None:
    peer = laptop("peer")
    peer.enrol(world.peer)
    for _ in range(3):
        peer.transport.inject("drop_request")
    controller = _controller(reader_tasks, peer, probe_ms=50)
    widget = SyncStatusWidget(controller)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(controller.state_changed, timeout=20_000,
                          check_params_cb=lambda s, _t: s is SyncState.OFFLINE):  # fmt: skip
        controller.start()
    assert widget.label.text().startswith("Offline")
    # The line comes back: the periodic probe notices and syncs without being asked.
    with qtbot.waitSignal(controller.sync_finished, timeout=20_000):
        pass
    assert controller.state is SyncState.SYNCED


def test_revoked_laptop_is_asked_to_enrol_again(
    qtbot: QtBot, world: World, laptop: MakeLaptop, reader_tasks: TaskRunner
) -> None:
    peer = laptop("peer")
    enrolled = peer.enrol(world.peer)
    with write_session(peer.server.engine) as session:
        revoke_device(session, enrolled.device_id)
    controller = _controller(reader_tasks, peer)
    with qtbot.waitSignal(controller.reenrol_requested, timeout=20_000) as signal:
        controller.start()
    assert "revoked" in signal.args[0]
    assert controller.state is SyncState.REENROL


def _conflict(world: World, lead: Laptop, peer: Laptop) -> None:
    lead.sync.sync_now()
    peer.sync.sync_now()
    peer.reviews.set_field(world.review, FIELD, "Pat's text")
    lead.reviews.set_field(world.review, FIELD, "Lee's text")
    lead.sync.sync_now()
    peer.sync.sync_now()
    lead.sync.sync_now()


def _screenshot(widget: QWidget, name: str) -> None:
    """Save what the widget looks like when REVIEWER_SCREENSHOTS names a folder."""
    folder = os.environ.get("REVIEWER_SCREENSHOTS")
    if folder:
        widget.resize(960, 420)
        widget.grab().save(str(Path(folder) / name))


def _framework(device: Laptop, review_id: str) -> Framework:
    """The framework the laptop's copy of the review is frozen to (its snapshot), as the app
    reads it to name fields."""
    return Framework.from_snapshot(json.loads(device.reviews.framework_snapshot(review_id)))


def _panel(qtbot: QtBot, device: Laptop, person_id: str, names: dict[str, str]) -> ConflictsPanel:
    workspace = device.workspace
    panel = ConflictsPanel(
        device.sync,
        person_id=person_id,
        is_lead=workspace.reviews.may_agree,
        person_name=lambda pid: names.get(pid, pid),
        submit=workspace.submit,
        field_title=lambda review_id, field: _framework(device, review_id).field_title(field),
    )
    qtbot.addWidget(panel)
    return panel


def test_lead_sees_both_versions_and_keeps_one(
    qtbot: QtBot, world: World, laptop: MakeLaptop
) -> None:
    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    _conflict(world, lead, peer)
    names = {world.lead: "Lee Lead", world.peer: "Pat Peer"}

    panel = _panel(qtbot, lead, world.lead, names)
    assert panel.list.count() == 1
    # The field by the name the reviewers know it by in the review's framework, not its id.
    assert panel.list.item(0).text() == "Leadership and governance: Strengths (2 versions)"
    assert "<b>Leadership and governance: Strengths</b> was changed" in panel.heading.text()
    _screenshot(panel, "conflicts-panel.png")
    boxes = [panel.versions_layout.itemAt(i).widget() for i in range(panel.versions_layout.count())]
    titles = [box.title() for box in boxes]
    assert titles[0].startswith("Version: Lee Lead at ")
    assert titles[1].startswith("Version: Pat Peer at ")
    keep_pat = boxes[1].findChild(QPushButton)
    assert keep_pat.isEnabled()
    assert panel.lead_note.isHidden()
    with qtbot.waitSignal(panel.conflict_resolved, timeout=10_000):
        qtbot.mouseClick(keep_pat, qtbot_button())
    qtbot.waitUntil(lambda: panel.list.count() == 0)
    assert not panel.empty.isHidden()
    lead.sync.sync_now()
    peer.sync.sync_now()
    for device in (lead, peer):
        assert device.reviews.field_values(world.review)[FIELD].value == "Pat's text"

    # A peer reviewer sees versions read-only.
    _conflict(world, lead, peer)
    peer.sync.sync_now()
    read_only = _panel(qtbot, peer, world.peer, names)
    assert read_only.list.count() == 1
    assert not read_only.use_merged.isEnabled()
    assert not read_only.lead_note.isHidden()
