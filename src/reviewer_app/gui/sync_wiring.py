"""Sync in the main window: the status-bar corner, the Sync menu, conflicts and enrolment.

:meth:`MainWindow.attach` imports this module and calls :func:`prepare` on a reader thread (the
sync protocol, client and engine cost 130-400 ms of imports, and the first reads of the sync
state compile their queries: none of that is for the GUI thread), then makes a
:class:`SyncWiring` on the GUI thread. It is given what it uses and tells the window by signal
(``store_changed``, ``told``, ``settings_saved``, ``idle_minutes_set``); it never imports
the main window. From then on:

* the :class:`~reviewer_app.gui.sync_status.SyncStatusWidget` sits in the status bar, and the
  :class:`~reviewer_app.gui.sync_status.SyncController` syncs in the background once at start,
  whenever connectivity returns (when "Sync automatically" is on) and on demand;
* Sync > Sync now (F9), Sync > Conflicts… (also a click on "conflicts waiting") and
  Sync > Connect to trust server… (enrolment with a one-time code);
* a sync that received changes makes the window read its schools and visits again;
* a refused device token asks to enrol again; the demo store says plainly that it never syncs.

Open review editors are not rebuilt after a sync: they take what it brought from the change
feed and show it in place (``review_editor/incoming.py``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from reviewer_app import settings as settings_store
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.gui import theme
from reviewer_app.gui.conflicts_panel import ConflictsDialog, ConflictsPanel
from reviewer_app.gui.dialogs.enrol_dialog import EnrolDialog
from reviewer_app.gui.sync_status import (
    PROBE_INTERVAL_MS,
    SyncController,
    SyncState,
    SyncStatusWidget,
)
from reviewer_app.services import enrolment
from reviewer_app.services.enrolment import ClientFactory, Enrolment
from reviewer_app.services.sync_service import SyncService
from reviewer_app.sync.session_types import SyncResult

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from reviewer_app.gui.change_bridge import ChangeBridge
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.settings import Settings

log = logging.getLogger(__name__)

DEMO_STATUS = "Demo store: never syncs with a trust server"
#: How long after a change the status counts what waits to be sent again (milliseconds).
RECOUNT_MS = 1_000
DEMO_EXPLANATION = (
    "This is the demo store: its schools and visits are made up, so it never syncs with a trust "
    "server. To sync your own reviews, start Reviewer without --demo, choose Sync > Connect to "
    "trust server… and enter the address and one-time code from your trust admin."
)


@dataclass(frozen=True, slots=True)
class SyncSetup:
    """How the window reaches the trust server.

    Tests pass a client factory on a faulty loopback line and a short probe interval.
    """

    client_factory: ClientFactory = enrolment.default_client_factory
    probe_interval_ms: int = PROBE_INTERVAL_MS


@dataclass(frozen=True, slots=True)
class PreparedSync:
    """The sync service with its state read once, off the GUI thread (see :func:`prepare`)."""

    workspace: Workspace
    service: SyncService
    setup: SyncSetup
    server_url: str | None


def prepare(
    workspace: Workspace, setup: SyncSetup | None = None, paths: AppPaths | None = None
) -> PreparedSync:
    """On a reader thread: the service, and the enrolment and status read once.

    The first reads compile their queries (10-25 ms); the GUI thread then finds them warm.
    ``paths`` is where the trust's revocation list is cached at each sync.
    """
    setup = setup or SyncSetup()
    service = SyncService(
        workspace.store, workspace.lane, client_factory=setup.client_factory, paths=paths
    )
    server = service.enrolled()
    service.status()
    return PreparedSync(workspace, service, setup, server[0] if server else None)


class SyncWiring(QObject):
    """Owns the sync controller, its status widget, the Sync menu and the sync dialogs.

    ``window`` holds the status-bar corner and the Sync menu (placed after ``menu_after``) and
    parents the dialogs; ``settings`` reads the settings as they are now, ``person_name`` the
    name of a person the window knows (None: not known).

    Signals:
        enrolled(Enrolment): this laptop was enrolled (or enrolled again) from the dialog.
        store_changed(): a sync, an enrolment or a revocation changed what the store holds:
            the window reads its schools and visits again.
        told(str): a fact for the window's status bar.
        settings_saved(Settings): the settings now name the server this laptop syncs with.
        idle_minutes_set(int): the trust's idle-lock period, as a sync brought it.
    """

    enrolled = Signal(object)
    store_changed = Signal()
    told = Signal(str)
    settings_saved = Signal(object)
    idle_minutes_set = Signal(int)

    def __init__(
        self,
        window: QMainWindow,
        prepared: PreparedSync,
        *,
        tasks: TaskRunner,
        paths: AppPaths,
        settings_file: Path,
        settings: Callable[[], Settings | None],
        person_name: Callable[[str], str | None],
        bridge: ChangeBridge | None,
        menu_after: QAction | None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = tasks
        self.paths = paths
        self.settings_file = settings_file
        self._settings = settings
        self._known_name = person_name
        self.bridge = bridge
        self.workspace = workspace = prepared.workspace
        self.setup = prepared.setup
        self._closed = False
        self.service = prepared.service
        #: The server this laptop syncs with (``None`` before enrolment).
        self.server_url = prepared.server_url
        self.controller = SyncController(
            self.service, self, tasks=tasks, probe_interval_ms=self.setup.probe_interval_ms
        )
        if workspace.demo:
            self.controller.not_enrolled_text = DEMO_STATUS
        self.status_widget = SyncStatusWidget(self.controller)
        self.status_widget.setObjectName("syncStatus")
        # The button goes through the same checks as the menu (demo store, not enrolled).
        self.status_widget.button.clicked.disconnect(self.controller.sync_now)
        self.status_widget.button.clicked.connect(self.sync_now)
        self.status_widget.conflicts_requested.connect(self.open_conflicts)
        window.statusBar().addPermanentWidget(self.status_widget)
        self._build_menu(menu_after)

        self.enrol_dialog: EnrolDialog | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self.reenrol_prompt: QMessageBox | None = None
        self.notice: QMessageBox | None = None
        self.controller.sync_finished.connect(self._sync_finished)
        self.controller.reenrol_requested.connect(self.ask_to_reenrol)
        # What is typed adds to what waits to be sent: the status counts it again shortly after
        # (a pause, not every keystroke).
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(RECOUNT_MS)
        self._recount.timeout.connect(self.controller.refresh_status)
        if bridge is not None:
            bridge.review_changed.connect(lambda _changes: self._recount.start())
        self.controller.start(automatic=self._automatic(settings()))

    # ---------------------------------------------------------------- menu

    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: str | None, icon: str | None, tip: str
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon:
            action.setIcon(theme.icon(icon))
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    def _build_menu(self, menu_after: QAction | None) -> None:
        window = self.window
        self.sync_now_action = self._action(
            "Sync &now", self.sync_now, "F9", "refresh", "Send your changes and fetch the trust's"
        )
        # F9 syncs from every window of the app (a review editor, a dialog left open).
        self.sync_now_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.conflicts_action = self._action(
            "&Conflicts…",
            self.open_conflicts,
            None,
            None,
            "Answers changed on different laptops, for the lead reviewer to settle",
        )
        self.connect_action = self._action(
            "Connect to &trust server…",
            self.open_enrol,
            None,
            "lock",
            "Enrol this laptop with your trust's server using a one-time code",
        )
        if self.workspace.demo:
            self.connect_action.setEnabled(False)
            self.connect_action.setStatusTip(
                "The demo store never syncs; start Reviewer without --demo to connect."
            )
        self.menu = QMenu("&Sync", window)
        self.menu.setObjectName("syncMenu")
        self.menu.addAction(self.sync_now_action)
        self.menu.addAction(self.conflicts_action)
        self.menu.addSeparator()
        self.menu.addAction(self.connect_action)
        bar = window.menuBar()
        menus = bar.actions()
        after_visit = [i + 1 for i, action in enumerate(menus) if action == menu_after]
        if after_visit and after_visit[0] < len(menus):
            bar.insertMenu(menus[after_visit[0]], self.menu)
        else:
            bar.addMenu(self.menu)

    # ---------------------------------------------------------------- syncing

    def sync_now(self) -> None:
        """Sync > Sync now (F9): sync in the background, or say what is missing to sync."""
        if self._closed:
            return
        if self.workspace.demo:
            self._tell("The demo store does not sync", DEMO_EXPLANATION)
        elif self.server_url is None:
            self.open_enrol()  # the dialog explains how to connect
        else:
            self.controller.sync_now()

    def _sync_finished(self, result: SyncResult) -> None:
        if self._closed:
            return
        if self.service.applier.handshake_changed:
            self.workspace.reload_identity()  # the trust's name may have come or changed
        if result.pulled or self.service.applier.handshake_changed:
            self.store_changed.emit()  # open editors take what changed from the change feed
        if result.laptop_policy is not None:
            self.idle_minutes_set.emit(result.laptop_policy.idle_lock_minutes)  # the trust's
        dialog = self.conflicts_dialog
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            dialog.panel.refresh()
        if self.service.applier.removed:
            # Said once: the trust changed what this person may read.
            self._tell(
                "Reviews removed from this laptop",
                "These reviews were removed from this laptop; each line says why:\n\n"
                + "\n".join(self.service.applier.removed),
            )
        if result.refused_visits:
            # Said once: a refused visit is never sent again by itself.
            self._tell(
                "The trust did not accept a visit",
                "\n\n".join(self.service.refused_visit_sentences(result)),
            )

    def _automatic(self, settings: Settings | None) -> bool:
        """Sync by itself (the setting), except the demo store, which never syncs."""
        return not self.workspace.demo and (settings is None or settings.sync_automatically)

    def recount_soon(self) -> None:
        """Something was written that waits to be sent (a visit saved): count it shortly."""
        self._recount.start()

    def settings_changed(self, settings: Settings) -> None:
        """The person saved new settings: sync by itself, or not, as they say."""
        if not self._closed:
            self.controller.set_automatic(self._automatic(settings))

    # ---------------------------------------------------------------- conflicts

    def open_conflicts(self) -> ConflictsDialog:
        """Sync > Conflicts…: the lead reviewer's panel of open conflicts."""
        dialog = self.conflicts_dialog
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.panel.refresh()
            dialog.show()
            dialog.activateWindow()
            return dialog
        workspace = self.workspace
        panel = ConflictsPanel(
            self.service,
            person_id=workspace.current_person.id,
            is_lead=self._is_lead,
            person_name=self._person_name,
            submit=workspace.submit,
            field_title=self._field_title,
        )
        dialog = ConflictsDialog(panel, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        panel.conflict_resolved.connect(self._conflict_resolved)
        if self.bridge is not None:
            # Conflicts arrive with pulled shared answers: the open panel lists them at once.
            self.bridge.review_changed.connect(panel.changes_arrived)
        self.conflicts_dialog = dialog
        dialog.show()
        return dialog

    def _field_title(self, review_id: str, field: str) -> str:
        """The field's label in the review's own framework (its id when that cannot be read)."""
        import json

        from reviewer_app.domain.frameworks import Framework

        try:
            snapshot = self.workspace.reviews.framework_snapshot(review_id)
            return Framework.from_snapshot(json.loads(snapshot)).field_title(field)
        except (ReviewerError, ValueError, KeyError, TypeError):
            log.debug("no framework to name field %s of review %s", field, review_id)
            return field

    def _is_lead(self, review_id: str) -> bool:
        try:
            return bool(self.workspace.reviews.may_agree(review_id))
        except ReviewerError:
            return False  # the review is not on this laptop: nobody here may choose

    def _person_name(self, person_id: str) -> str:
        return self._known_name(person_id) or "Another reviewer"

    def _conflict_resolved(self, _conflict_id: str) -> None:
        self.controller.refresh_status()
        if self._automatic(self._settings()):
            self.controller.sync_now()  # the others see the lead's choice at once

    # ---------------------------------------------------------------- enrolment

    def open_enrol(self, reason: str = "") -> EnrolDialog | None:
        """Sync > Connect to trust server…: enrol with an address and a one-time code."""
        if self.workspace.demo or self._closed:
            return None
        dialog = self.enrol_dialog
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            dialog.activateWindow()
            return dialog
        replace = bool(reason) or self.controller.state in (
            SyncState.REENROL,
            SyncState.NOT_ENROLLED,
        )
        settings = self._settings()
        dialog = EnrolDialog(
            lambda url, code: self._enrol(url, code, replace=replace),
            self.tasks,
            server_url=self.server_url or (settings.server_url if settings else ""),
            reason=reason,
            enrolled_with=None if replace else self.server_url,
            parent=self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.enrolled.connect(self._enrolled)
        self.enrol_dialog = dialog
        dialog.open()
        return dialog

    def _enrol(self, server_url: str, code: str, *, replace: bool) -> Enrolment:
        """On a reader thread: enrol, then read who this laptop now is."""
        store, lane = self.workspace.store, self.workspace.lane
        if not replace:
            enrolment.check_not_enrolled(store)
        done = enrolment.enrol(
            store,
            lane,
            server_url,
            code,
            client_factory=self.setup.client_factory,
            paths=self.paths,
        )
        self.workspace.reload_identity()
        return done

    def _enrolled(self, done: Enrolment) -> None:
        if self._closed:
            return
        self.server_url = done.server_url
        self.told.emit(f"Connected to {done.server_url} as {done.person_name}")
        self._remember_server(done.server_url)
        self.store_changed.emit()
        self.controller.sync_now()
        self.enrolled.emit(done)

    def _remember_server(self, server_url: str) -> None:
        """Settings show the server this laptop is enrolled with."""
        settings = self._settings()
        if settings is None or settings.server_url == server_url:
            return
        new = settings.model_copy(update={"server_url": server_url})
        path = self.settings_file

        def failed(error: BaseException) -> None:
            log.error("Could not write settings to %s", path, exc_info=error)
            self.told.emit(f"Reviewer could not write {path}; the server address is not saved.")

        self.tasks.run(lambda: settings_store.save(new, path), on_failed=failed, context=self)
        self.settings_saved.emit(new)

    def ask_to_reenrol(self, reason: str) -> QMessageBox | None:
        """The server refused this laptop's token: offer to enrol again."""
        if self._closed:
            return None
        for shown in (self.reenrol_prompt, self.enrol_dialog):
            if shown is not None and shiboken6.isValid(shown) and shown.isVisible():
                return None
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Enrol this laptop again", reason, parent=self.window
        )
        removed = list(self.service.applier.removed)
        if removed:
            # The trust revoked the laptop (or deactivated its person): its reviews went.
            self.store_changed.emit()
            box.setInformativeText(
                "So these were removed from this laptop (the trust server keeps what was "
                "sent):\n\n" + "\n".join(removed)
            )
        else:
            box.setInformativeText(
                "Your work on this laptop is kept, and syncs once the laptop is enrolled again."
            )
        again = box.addButton("Enrol again…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self.open_enrol(reason) if button == again else None
        )
        self.reenrol_prompt = box
        box.open()
        return box

    def _tell(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.notice = box
        box.open()

    # ---------------------------------------------------------------- closing

    def stop(self) -> None:
        """The window is closing: start nothing more, close the sync dialogs (no waiting)."""
        if self._closed:
            return
        self._closed = True
        self.controller.stop()
        dialogs: tuple[Any, ...] = (
            self.conflicts_dialog,
            self.enrol_dialog,
            self.reenrol_prompt,
            self.notice,
        )
        for dialog in dialogs:
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.close()

    def close(self) -> None:
        """Stop, then wait for a running sync to finish: no sync thread is left running.

        A sync retrying against a server that does not answer can take seconds to give up
        (8 s with the default retries), so the shell calls this once the window is gone.
        """
        self.stop()
        self.controller.close()
