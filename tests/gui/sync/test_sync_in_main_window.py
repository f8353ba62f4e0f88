"""Sync in the real main window, against the real server on loopback.

Enrolment through the dialog (with its failures), Sync now, conflicts settled from the Sync
menu, a server that goes away and comes back, a revoked laptop, the demo store, and closing.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sync_world import PEER_REVIEW, Laptop, LiveServer, World, build_world_with_framework

from reviewer_app.app import Shell, settings_path, start_shell
from reviewer_app.gui.sync_status import SyncState
from reviewer_app.gui.sync_wiring import DEMO_EXPLANATION, DEMO_STATUS, SyncSetup, SyncWiring
from reviewer_app.paths import AppPaths
from reviewer_app.server.database import write_session
from reviewer_app.server.enrolment import revoke_device
from reviewer_app.settings import Settings
from reviewer_app.sync.enrol_link import enrol_link

#: A shared text of the two-day peer review the world's visit is on.
FIELD = "leadership-and-governance-strengths"
MakeLaptop = Callable[[str], Laptop]
OpenWindow = Callable[..., Shell]
SYNC_TIMEOUT = 20_000


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[OpenWindow]:
    """The main window on a laptop's store, syncing through the laptop's loopback line."""
    opened: list[Shell] = []

    def open_(device: Laptop, *, probe_ms: int = 60_000, settings: Settings | None = None) -> Shell:
        shell = start_shell(
            AppPaths.from_base(device.folder),
            demo=False,
            workspace=device.workspace,
            settings=settings or Settings(),
            sync_setup=SyncSetup(client_factory=device.client_for, probe_interval_ms=probe_ms),
        )
        opened.append(shell)
        qtbot.addWidget(shell.window)
        shell.window.show()
        qtbot.waitExposed(shell.window)
        qtbot.waitUntil(lambda: shell.window.sync is not None, timeout=10_000)
        return shell

    yield open_
    for shell in opened:
        shell.close()


def _sync(shell: Shell) -> SyncWiring:
    assert shell.window.sync is not None
    return shell.window.sync


def _screenshot(widget: QWidget, name: str) -> None:
    """Save what the widget looks like when REVIEWER_SCREENSHOTS names a folder."""
    folder = os.environ.get("REVIEWER_SCREENSHOTS")
    if folder:
        QApplication.processEvents()
        widget.grab().save(str(Path(folder) / name))


def _click_ok(qtbot: QtBot, dialog) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    qtbot.mouseClick(
        dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def _wait_synced(qtbot: QtBot, sync: SyncWiring) -> None:
    qtbot.waitUntil(lambda: sync.controller.state is SyncState.SYNCED, timeout=SYNC_TIMEOUT)


def test_enrol_through_the_dialog_edit_and_sync_now(
    qtbot: QtBot,
    world: World,
    laptop: MakeLaptop,
    live_server: LiveServer,
    open_window: OpenWindow,
) -> None:
    lead = laptop("lead")
    shell = open_window(lead)
    window, sync = shell.window, _sync(shell)
    assert sync.status_widget.label.text() == "Not connected to a trust server"
    assert window.no_schools_page.isVisible()

    # Sync now on a laptop that is not enrolled explains how to connect: the enrol dialog.
    sync.sync_now_action.trigger()
    dialog = sync.enrol_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.ui.explanation.text().startswith("This laptop is not connected")

    # A server that does not answer, then a mistyped code: sentences, and the dialog stays.
    qtbot.keyClicks(dialog.ui.serverEdit, "http://127.0.0.1:9")
    qtbot.keyClicks(dialog.ui.codeEdit, "WRONG-CODE")
    with qtbot.waitSignal(dialog.enrol_failed, timeout=SYNC_TIMEOUT) as failed:
        _click_ok(qtbot, dialog)
    assert failed.args == [
        "The trust server at http://127.0.0.1:9 cannot be reached. Check the address and your "
        "connection, then try again."
    ]
    assert dialog.ui.errorLabel.text() == failed.args[0]
    dialog.ui.serverEdit.setText(live_server.base_url)
    with qtbot.waitSignal(dialog.enrol_failed, timeout=SYNC_TIMEOUT) as failed:
        _click_ok(qtbot, dialog)
    assert failed.args[0].startswith("This enrolment code is not valid")
    assert dialog.isVisible()
    _screenshot(dialog, "enrol-dialog-bad-code.png")

    # The right code, as the trust console's enrolment link pasted into the address box: it
    # fills in both fields. Enrolled, then the first sync brings the school, visit and people.
    code = live_server.code_for(world.lead)
    dialog.ui.serverEdit.clear()
    dialog.ui.codeEdit.clear()
    QApplication.clipboard().setText(enrol_link(live_server.base_url, code))
    dialog.ui.serverEdit.paste()
    assert dialog.ui.serverEdit.text() == live_server.base_url
    assert dialog.ui.codeEdit.text() == code
    with qtbot.waitSignal(sync.controller.sync_finished, timeout=SYNC_TIMEOUT):
        _click_ok(qtbot, dialog)
    assert _gone(dialog)
    qtbot.waitUntil(lambda: window.schools_model.rowCount() == 1, timeout=SYNC_TIMEOUT)
    qtbot.waitUntil(lambda: window.person_status.text().startswith("Lee Lead"))
    assert sync.controller.state is SyncState.SYNCED
    assert sync.status_widget.label.text().startswith("Synced at ")
    # Settings follow enrolment: the address is saved and shown read-only.
    assert window.settings is not None
    assert window.settings.server_url == live_server.base_url
    qtbot.waitUntil(lambda: settings_path(AppPaths.from_base(lead.folder)).exists())
    saved = json.loads(settings_path(AppPaths.from_base(lead.folder)).read_text("utf-8"))
    assert saved["server_url"] == live_server.base_url
    settings_dialog = window.open_settings()
    assert settings_dialog.ui.serverEdit.text() == live_server.base_url
    assert settings_dialog.ui.serverEdit.isReadOnly()
    settings_dialog.reject()

    # Edit, Sync now: syncing, then synced; the edit is on the server.
    lead.reviews.set_field(world.review, FIELD, "Lee's text")
    states: list[SyncState] = []
    sync.controller.state_changed.connect(lambda state, _text: states.append(state))
    with qtbot.waitSignal(sync.controller.sync_finished, timeout=SYNC_TIMEOUT) as finished:
        sync.sync_now_action.trigger()
        assert sync.status_widget.progress.isVisible()
        assert not sync.status_widget.button.isEnabled()
    assert finished.args[0].pushed == 1
    assert states[0] is SyncState.SYNCING
    assert states[-1] is SyncState.SYNCED
    assert sync.status_widget.label.text().startswith("Synced at ")
    assert not sync.status_widget.progress.isVisible()
    peer = laptop("peer")
    spare_code = live_server.code_for(world.peer)

    # Enrolling again is refused before the server is asked: the code stays usable.
    again = sync.open_enrol()
    assert again is not None
    assert again.ui.explanation.text().startswith(
        f"This laptop is already enrolled with {live_server.base_url}"
    )
    assert again.ui.serverEdit.text() == live_server.base_url
    again.ui.codeEdit.setText(spare_code)
    with qtbot.waitSignal(again.enrol_failed, timeout=SYNC_TIMEOUT) as failed:
        _click_ok(qtbot, again)
    assert failed.args == [
        f"This laptop is already enrolled with {live_server.base_url}. You need a new code "
        "only when Reviewer asks you to enrol again."
    ]
    again.reject()
    peer.workspace.reload_identity()
    from reviewer_app.services import enrolment

    enrolment.enrol(
        peer.workspace.store,
        peer.workspace.lane,
        live_server.base_url,
        spare_code,
        client_factory=peer.client_for,
    )
    peer.sync.sync_now()
    assert peer.reviews.field_values(world.review)[FIELD].value == "Lee's text"


def test_a_conflict_from_another_laptop_is_settled_from_the_sync_menu(
    qtbot: QtBot, world: World, laptop: MakeLaptop, open_window: OpenWindow
) -> None:
    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    shell = open_window(lead)
    window, sync = shell.window, _sync(shell)
    _wait_synced(qtbot, sync)  # the start-up sync
    qtbot.waitUntil(lambda: window.schools_model.rowCount() == 1, timeout=SYNC_TIMEOUT)

    peer.sync.sync_now()
    peer.reviews.set_field(world.review, FIELD, "Pat's text")
    lead.reviews.set_field(world.review, FIELD, "Lee's text")
    peer.sync.sync_now()
    with qtbot.waitSignal(sync.controller.sync_finished, timeout=SYNC_TIMEOUT):
        sync.sync_now_action.trigger()
    assert sync.controller.state is SyncState.CONFLICTS
    assert sync.status_widget.label.text() == "1 conflict waiting for the lead reviewer"

    # A click on the notice opens the panel, as Sync > Conflicts… does.
    qtbot.mouseClick(sync.status_widget.label, Qt.MouseButton.LeftButton)
    dialog = sync.conflicts_dialog
    assert dialog is not None
    assert dialog.isVisible()
    dialog.close()
    qtbot.waitUntil(lambda: _gone(dialog))
    window.select_school(world.school)
    qtbot.waitUntil(lambda: window.school_page.visits_model.rowCount() == 1)
    _screenshot(window, "main-window-sync-status.png")

    sync.conflicts_action.trigger()
    dialog = sync.conflicts_dialog
    assert dialog is not None
    panel = dialog.panel
    assert panel.list.count() == 1
    # The field by its title in the review's framework (from the snapshot the review was
    # pulled with), not its stored id.
    assert panel.list.item(0).text() == "Leadership and governance: Strengths (2 versions)"
    assert "<b>Leadership and governance: Strengths</b> was changed" in panel.heading.text()
    # ...wrapped to the list's width, not cut off.
    item_rect = panel.list.visualItemRect(panel.list.item(0))
    assert item_rect.width() <= panel.list.viewport().width()
    boxes = [panel.versions_layout.itemAt(i).widget() for i in range(panel.versions_layout.count())]
    by_author = {box.title().split(" at ")[0]: box for box in boxes}
    assert sorted(by_author) == ["Version: Lee Lead", "Version: Pat Peer"]
    _screenshot(dialog, "sync-conflicts-dialog.png")

    # The lead keeps Pat's version; the decision is sent at once.
    keep_pat = by_author["Version: Pat Peer"].findChild(QPushButton)
    with qtbot.waitSignal(sync.controller.sync_finished, timeout=SYNC_TIMEOUT) as finished:
        qtbot.mouseClick(keep_pat, Qt.MouseButton.LeftButton)
    assert finished.args[0].pushed == 1
    qtbot.waitUntil(lambda: panel.list.count() == 0)
    assert sync.controller.state is SyncState.SYNCED
    peer.sync.sync_now()
    assert peer.reviews.field_values(world.review)[FIELD].value == "Pat's text"


def _gone(widget: QWidget) -> bool:
    """Closed (dialogs delete themselves on close)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def _sync_threads() -> list[threading.Thread]:
    """The app's reader threads, where a sync session runs (``gui/tasks.py``)."""
    return [t for t in threading.enumerate() if t.name.startswith("reviewer-read")]


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of this test's own, to stop and start again on the same port."""
    folder = tmp_path / "server"
    folder.mkdir()
    server = LiveServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_offline_while_the_server_is_down_then_syncs_by_itself_when_it_returns(
    qtbot: QtBot, tmp_path: Path, own_server: LiveServer, open_window: OpenWindow
) -> None:
    world = build_world_with_framework(own_server, tmp_path / "starter", PEER_REVIEW)
    device = Laptop(tmp_path / "lead", own_server)
    try:
        device.enrol(world.lead)
        device.sync.sync_now()
        device.reviews.set_field(world.review, FIELD, "Written while the server was down")
        own_server.stop()
        # Started offline: the status bar says so at once, with what waits to be sent, and
        # never that it synced (no sync was tried, no F9 pressed).
        shown: list[str] = []
        started = time.monotonic()
        shell = open_window(device, probe_ms=100)
        sync = _sync(shell)
        sync.controller.state_changed.connect(lambda _state, text: shown.append(text))
        qtbot.waitUntil(lambda: sync.controller.state is SyncState.OFFLINE, timeout=20_000)
        assert time.monotonic() - started < 5
        assert sync.status_widget.label.text() == (
            "Offline: 1 change waiting to be sent, kept on this laptop"
        )
        assert not any(text.startswith("Synced") for text in shown), shown
        # More typing while offline: the count follows, still without a sync.
        device.reviews.set_field(world.review, "leadership-and-governance-even-better-if", "Also")
        qtbot.waitUntil(
            lambda: sync.status_widget.label.text().startswith("Offline: 2 changes"),
            timeout=20_000,
        )
        # Nobody presses anything: the probe sees the server again and the sync resumes.
        with qtbot.waitSignal(sync.controller.sync_finished, timeout=SYNC_TIMEOUT) as done:
            own_server.start()
        assert done.args[0].pushed == 2
        assert sync.controller.state is SyncState.SYNCED
        assert sync.status_widget.label.text().startswith("Synced at ")
        assert "waiting" not in sync.status_widget.label.text()

        # Closing while a sync runs: the window goes at once and starts nothing more; the
        # shell then waits for the running sync, so no sync thread is left behind.
        device.reviews.set_field(world.review, FIELD, "Written just before closing")
        sync.sync_now_action.trigger()
        assert sync.controller.running
        assert _sync_threads()
        shell.window.close()
        assert not shell.window.isVisible()
        sync.controller.probe()
        sync.sync_now()
        assert not sync.controller._timer.isActive()
        shell.close()
        assert not _sync_threads()
        QApplication.processEvents()  # the finished sync's signal arrives after the close
        assert sync.controller.state is SyncState.SYNCING  # ...and is ignored
    finally:
        device.close()


def test_a_revoked_laptop_is_asked_to_enrol_again_and_can(
    qtbot: QtBot,
    world: World,
    laptop: MakeLaptop,
    live_server: LiveServer,
    open_window: OpenWindow,
) -> None:
    peer = laptop("peer")
    enrolled = peer.enrol(world.peer)
    shell = open_window(peer)
    sync = _sync(shell)
    _wait_synced(qtbot, sync)
    with write_session(live_server.engine) as session:
        revoke_device(session, enrolled.device_id)

    with qtbot.waitSignal(sync.controller.reenrol_requested, timeout=SYNC_TIMEOUT):
        sync.sync_now_action.trigger()
    assert sync.status_widget.label.text() == "Enrol this laptop again to sync"
    prompt = sync.reenrol_prompt
    assert prompt is not None
    assert prompt.isVisible()
    assert prompt.text().startswith("This laptop's access to the trust server was revoked.")
    # The prompt lists what the revocation removed from the laptop.
    assert "So these were removed from this laptop" in prompt.informativeText()
    assert "Ash Primary: " in prompt.informativeText()
    assert "(this laptop was revoked)" in prompt.informativeText()
    assert peer.reviews.review_for_visit(world.visit) is None
    _screenshot(prompt, "sync-reenrol-prompt.png")
    enrol_again = next(
        b for b in prompt.buttons() if prompt.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole
    )
    assert enrol_again.text() == "Enrol again…"
    qtbot.mouseClick(enrol_again, Qt.MouseButton.LeftButton)

    dialog = sync.enrol_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Enrol this laptop again"
    assert dialog.ui.serverEdit.text() == live_server.base_url
    dialog.ui.codeEdit.setText(live_server.code_for(world.peer))
    with qtbot.waitSignal(sync.controller.sync_finished, timeout=SYNC_TIMEOUT):
        _click_ok(qtbot, dialog)
    assert sync.controller.state is SyncState.SYNCED


def test_with_automatic_sync_off_it_syncs_only_when_asked(
    qtbot: QtBot, world: World, laptop: MakeLaptop, open_window: OpenWindow
) -> None:
    lead = laptop("lead")
    lead.enrol(world.lead)
    shell = open_window(lead, settings=Settings(sync_automatically=False))
    sync = _sync(shell)
    assert sync.controller.state is SyncState.NOT_SYNCED
    assert sync.status_widget.label.text() == "Not synced yet"
    assert not sync.controller.running
    # Turned on in Settings: it syncs at once, and again whenever the connection returns.
    with qtbot.waitSignal(sync.controller.sync_finished, timeout=SYNC_TIMEOUT):
        shell.window.settings_changed.emit(Settings(sync_automatically=True))
    assert sync.controller.state is SyncState.SYNCED


def test_the_demo_store_says_it_never_syncs(qtbot: QtBot, shell: Shell) -> None:
    sync = _sync(shell)
    assert sync.status_widget.label.text() == DEMO_STATUS
    assert not sync.connect_action.isEnabled()
    sync.sync_now_action.trigger()
    assert sync.notice is not None
    assert sync.notice.isVisible()
    assert sync.notice.text() == DEMO_EXPLANATION
    assert sync.controller.state is SyncState.NOT_ENROLLED
    assert not sync.controller.running
    sync.notice.close()


def test_a_category_agreed_on_another_laptop_shows_on_the_open_school_page(
    qtbot: QtBot, world: World, laptop: MakeLaptop, open_window: OpenWindow
) -> None:
    from reviewer_app.domain.organisation import Trust
    from reviewer_app.storage.organisation_repository import OrganisationRepository

    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    for device in (lead, peer):
        workspace = device.workspace
        with workspace.store.writing() as session:
            OrganisationRepository(session).save_trust(
                Trust(id=workspace.trust.id, name=workspace.trust.name, profile_id="oldham")
            )
        workspace.reload_identity()
    shell = open_window(peer)
    window, sync = shell.window, _sync(shell)
    _wait_synced(qtbot, sync)  # the start-up sync
    qtbot.waitUntil(lambda: window.schools_model.rowCount() == 1, timeout=SYNC_TIMEOUT)
    page = window.school_page
    with qtbot.waitSignal(page.category_shown, timeout=SYNC_TIMEOUT):
        window.select_school(world.school)
    panel = page.category_panel
    assert panel.overview is not None
    assert panel.overview.current is None

    lead.sync.sync_now()
    lead.workspace.categories.agree(world.school, "amber", "Reading needs targeted support")
    lead.sync.sync_now()
    with qtbot.waitSignal(page.category_shown, timeout=SYNC_TIMEOUT):
        sync.sync_now_action.trigger()
    assert sync.controller.state is SyncState.SYNCED
    assert panel.chip.text().startswith("Amber")
    assert "Lee Lead" in panel.agreed_label.text()
    assert not panel.categorise_button.isEnabled()  # a peer reviewer does not agree categories
    _screenshot(window, "main-window-category-from-sync.png")


def test_a_review_the_trust_purged_leaves_the_window_with_a_notice(
    qtbot: QtBot,
    world: World,
    laptop: MakeLaptop,
    live_server: LiveServer,
    open_window: OpenWindow,
    tmp_path: Path,
) -> None:
    """Retention reaches the app: after the trust's purge, the next sync removes the review
    and its visit from the laptop and a notice lists what went and under which rule."""
    from datetime import date

    from reviewer_app.server import retention_purge as purge

    peer = laptop("peer")
    peer.enrol(world.peer)
    shell = open_window(peer, settings=Settings(sync_automatically=False))
    sync = _sync(shell)
    with qtbot.waitSignal(sync.controller.sync_finished, timeout=SYNC_TIMEOUT):
        sync.sync_now_action.trigger()
    assert peer.reviews.review_for_visit(world.visit) is not None
    with write_session(live_server.engine) as session:
        purged = purge.apply(
            session, world.trust, purge.TombstoneKey(tmp_path / "key"), today=date(2032, 9, 2)
        )
    assert purged.tombstones

    with qtbot.waitSignal(sync.controller.sync_finished, timeout=SYNC_TIMEOUT):
        sync.sync_now_action.trigger()
    notice = sync.notice
    assert notice is not None
    assert notice.isVisible()
    assert notice.windowTitle() == "Reviews removed from this laptop"
    assert "Ash Primary: Two-day peer review (deleted by the trust's retention schedule: " in (
        notice.text()
    )
    _screenshot(notice, "sync-retention-notice.png")
    assert peer.reviews.review_for_visit(world.visit) is None
    assert all(v.id != world.visit for v in shell.workspace.visits_for_school(world.school))
