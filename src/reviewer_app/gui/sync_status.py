"""Background sync for the main window, and its status-bar widget.

:class:`SyncController` runs :meth:`SyncService.sync_now` on one of the app's reader threads
(``gui/tasks.py``; never the GUI thread) on demand, and when connectivity returns: a timer
probes the server's health off the GUI thread and starts a sync when an offline laptop sees it
again. Results come back on the GUI thread; no widget is touched from the worker.

:class:`SyncStatusWidget` shows the four states the status bar needs: offline, syncing with
progress, synced at a time, conflicts waiting; and asks to re-enrol after an auth failure.

The main window wires both in, with the Sync menu, the conflicts dialog and enrolment, in
``gui/sync_wiring.py``.
"""

from __future__ import annotations

import html
import logging
from concurrent.futures import Future
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QToolButton,
    QWidget,
)

from reviewer_app.gui import theme
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.services.app_updates import AppUpdate
from reviewer_app.services.enrolment import NotEnrolledError
from reviewer_app.services.sync_service import SyncService, summarise
from reviewer_app.services.upload_waits import WaitingFile
from reviewer_app.sync.client import (
    ReEnrolRequiredError,
    ServerBusyError,
    ServerUnreachableError,
    SyncClientError,
)
from reviewer_app.sync.session_types import SyncProgress

log = logging.getLogger(__name__)

#: How often an offline laptop checks whether the server is back (milliseconds).
PROBE_INTERVAL_MS = 30_000
#: Readable lines a list box shows above its details (the rest are in the details only).
SHOWN_LINES = 10


def changes_waiting(count: int) -> str:
    """``3 changes waiting to be sent``."""
    return f"{count} change{'s' if count != 1 else ''} waiting to be sent"


def offline_text(pending: int) -> str:
    """What the status bar says while the trust server cannot be reached."""
    if not pending:
        return "Offline: nothing waiting to be sent"
    return f"Offline: {changes_waiting(pending)}, kept on this laptop"


class SyncState(Enum):
    NOT_ENROLLED = "not_enrolled"
    NOT_SYNCED = "not_synced"
    OFFLINE = "offline"
    SYNCING = "syncing"
    SYNCED = "synced"
    CONFLICTS = "conflicts"
    REENROL = "reenrol"
    FAILED = "failed"
    #: The server asked this laptop to pause; it syncs again by itself after that.
    WAITING = "waiting"


class SyncController(QObject):
    """Runs sync sessions in the background and reports how they went.

    Signals:
        state_changed(SyncState, str): the status changed; the text says it in words.
        progressed(int, int): done and total of the current stage (total 0: unknown).
        sync_finished(object): a :class:`~reviewer_app.sync.session_types.SyncResult` arrived.
        reenrol_requested(str): the server refused the device token; the text says why.
        update_changed(object): the newer app the trust server published
            (:class:`~reviewer_app.services.app_updates.AppUpdate`), or ``None``.
        set_aside_changed(int): how many pulled records this laptop set aside
            (:mod:`reviewer_app.services.sync_quarantine`).
        files_waiting_changed(tuple): the files that could not be uploaded yet
            (:class:`~reviewer_app.services.upload_waits.WaitingFile`), with the reasons.
    """

    state_changed = Signal(object, str)
    update_changed = Signal(object)
    set_aside_changed = Signal(int)
    files_waiting_changed = Signal(tuple)
    progressed = Signal(int, int)
    sync_finished = Signal(object)
    reenrol_requested = Signal(str)
    _progress_arrived = Signal(object)

    def __init__(
        self,
        service: SyncService,
        parent: QObject | None = None,
        *,
        tasks: TaskRunner,
        probe_interval_ms: int = PROBE_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._tasks = tasks
        #: The sync session or probe on its way (close waits for it).
        self._working: list[Future[Any]] = []
        self._running = False
        self._probing = False
        self._sync_when_reachable = False
        self._cancel = False
        self._closed = False
        self.state = SyncState.NOT_ENROLLED
        #: What the status says before enrolment (the demo store says it never syncs).
        self.not_enrolled_text = "Not connected to a trust server"
        self._progress_arrived.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setInterval(probe_interval_ms)
        self._timer.timeout.connect(self.probe)
        # After the server asked for a pause (429 Retry-After): the one sync that follows it.
        self._resume = QTimer(self)
        self._resume.setSingleShot(True)
        self._resume.timeout.connect(self.sync_now)

    # ---------------------------------------------------------------- control

    def start(self, *, automatic: bool = True) -> None:
        """Show the stored status and check at once whether the server can be reached (an
        offline laptop says so straight away); when ``automatic``, sync once it can, and keep
        watching the connection."""
        self._set_idle_state()
        self.set_automatic(automatic)
        if not automatic:
            self.check_now()

    def set_automatic(self, automatic: bool) -> None:
        """Sync by itself when connectivity returns (and once now), or only when asked."""
        if not automatic:
            self._timer.stop()
        elif not self._timer.isActive() and not self._closed:
            self._timer.start()
            self.check_now(then_sync=True)

    def check_now(self, *, then_sync: bool = False) -> None:
        """A quick look, off the GUI thread, at whether the server answers: the status says
        "Offline" at once if not; ``then_sync``: sync as soon as it does."""
        self._sync_when_reachable = self._sync_when_reachable or then_sync
        if self._closed or self._running or self._probing:
            return
        if self.service.enrolled() is None:
            if self._sync_when_reachable:
                self._sync_when_reachable = False
                self.sync_now()  # says "not connected" the usual way
            return
        self._probing = True
        service = self.service
        self._keep(
            self._tasks.run(
                lambda: service.server_reachable(lambda: self._closed, quick=True),
                on_done=lambda reachable: self._probe_answered(bool(reachable)),
                on_failed=lambda _error: self._probe_answered(False),
                quiet=True,
            )
        )

    def refresh_status(self) -> None:
        """Read the stored status again (after a conflict was resolved, say) unless syncing."""
        if not self._running and not self._closed:
            self._set_idle_state()

    @property
    def running(self) -> bool:
        return self._running

    @Slot()
    def sync_now(self) -> None:
        """Start a sync in the background unless one is running or the laptop is not enrolled."""
        if self._running or self._closed:
            return
        if self.service.enrolled() is None:
            self._set_state(SyncState.NOT_ENROLLED, self.not_enrolled_text)
            return
        self._running = True
        self._cancel = False
        self._set_state(SyncState.SYNCING, "Syncing…")
        service, report = self.service, self._report
        self._keep(
            self._tasks.run(
                lambda: service.sync_now(report, lambda: self._cancel),
                on_done=lambda result: self._finish(result, None),
                on_failed=lambda error: self._finish(None, error),
                quiet=True,  # the status bar shows the sync's own progress
            )
        )

    def cancel(self) -> None:
        """Ask a running sync to stop at its next step (what it did is kept)."""
        self._cancel = True

    @Slot()
    def probe(self) -> None:
        """The timer's look at the connection: an offline laptop syncs when the server is back;
        one that loses it says "Offline" without waiting for the next sync."""
        if self.state in (SyncState.OFFLINE, SyncState.SYNCED, SyncState.NOT_SYNCED,
                          SyncState.CONFLICTS):  # fmt: skip
            self.check_now()

    def _keep(self, future: Future[Any]) -> None:
        self._working = [f for f in self._working if not f.done()] + [future]

    def stop(self) -> None:
        """Start nothing more and ask a running sync to stop at its next step (no waiting)."""
        self._closed = True
        self._cancel = True
        self._timer.stop()
        self._resume.stop()

    def close(self) -> None:
        """Stop, and wait for a running sync or probe to finish (its retries included)."""
        self.stop()
        self._tasks.wait_for(self._working)
        self._working = []

    # ---------------------------------------------------------------- worker side

    def _report(self, progress: SyncProgress) -> None:
        self._progress_arrived.emit(progress)

    # ---------------------------------------------------------------- GUI side

    @Slot(object)
    def _show_progress(self, progress: SyncProgress) -> None:
        if self._closed:
            return
        words = {
            "handshake": "Syncing: contacting the trust server…",
            "blobs": "Syncing: uploading files…",
            "push": "Syncing: sending changes…",
            "pull": "Syncing: receiving changes…",
        }
        if progress.stage in words and self._running:
            self._set_state(SyncState.SYNCING, words[progress.stage])
        self.progressed.emit(progress.done, progress.total)

    @Slot(object, object)
    def _finish(self, result: Any, error: Any) -> None:
        self._running = False
        self._probing = False
        if self._closed:
            return  # the window closed meanwhile: the store may be closed too
        if error is None:
            self.sync_finished.emit(result)
            self._set_idle_state(summarise(result))
            return
        if isinstance(error, ReEnrolRequiredError | NotEnrolledError):
            self._set_state(SyncState.REENROL, "Enrol this laptop again to sync")
            self.reenrol_requested.emit(error.message)
        elif isinstance(error, ServerBusyError):
            # Not hammering: one sync once the pause is over (or earlier, when asked).
            self._resume.start(error.retry_after * 1000)
            then = datetime.now().astimezone() + timedelta(seconds=error.retry_after)
            self._set_state(
                SyncState.WAITING,
                f"Waiting: the trust server asked for a pause; syncing again at {then:%H:%M}",
            )
        elif isinstance(error, ServerUnreachableError):
            self._set_offline()
        elif isinstance(error, SyncClientError):
            self._set_state(SyncState.FAILED, str(error))
        else:
            log.error("Sync failed unexpectedly", exc_info=error)
            self._set_state(SyncState.FAILED, "Sync failed; the details are in the log")

    @Slot(bool)
    def _probe_answered(self, reachable: bool) -> None:
        self._probing = False
        if self._closed or self._running:
            return
        if not reachable:
            self._set_offline()
            return
        was_offline = self.state is SyncState.OFFLINE
        if self._sync_when_reachable or (was_offline and self._timer.isActive()):
            self._sync_when_reachable = False
            self.sync_now()
        elif was_offline:
            self._set_idle_state()

    def _set_offline(self) -> None:
        """Offline, with what waits to be sent (read from the store's outbox)."""
        self._set_state(SyncState.OFFLINE, offline_text(self.service.status().pending))

    def _set_idle_state(self, summary: str = "") -> None:
        status = self.service.status()
        self.update_changed.emit(status.update)
        self.set_aside_changed.emit(status.set_aside)
        self.files_waiting_changed.emit(status.files_waiting)
        waiting = f" · {changes_waiting(status.pending)}" if status.pending else ""
        if status.enrolled and self.state is SyncState.OFFLINE:
            self._set_state(SyncState.OFFLINE, offline_text(status.pending))
        elif not status.enrolled:
            self._set_state(SyncState.NOT_ENROLLED, self.not_enrolled_text)
        elif status.open_conflicts:
            self._set_state(
                SyncState.CONFLICTS,
                f"{status.open_conflicts} conflict{'s' if status.open_conflicts != 1 else ''} "
                "waiting for the lead reviewer",
            )
        elif status.last_synced_at is not None:
            when = status.last_synced_at.astimezone()
            day = "" if when.date() == datetime.now().astimezone().date() else f" {when:%d %b}"
            self._set_state(SyncState.SYNCED, f"Synced at {when:%H:%M}{day}{waiting}")
        else:
            self._set_state(SyncState.NOT_SYNCED, (summary or "Not synced yet") + waiting)

    def _set_state(self, state: SyncState, text: str) -> None:
        self.state = state
        self.state_changed.emit(state, text)


class SyncStatusWidget(QWidget):
    """The status-bar corner: what sync is doing, a progress bar, and a Sync now button.

    Signals:
        conflicts_requested(): the person clicked the conflicts notice.
    """

    conflicts_requested = Signal()

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("Not synced yet", self)
        self.label.setObjectName("syncStatusLabel")
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(120)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.button = QToolButton(self)
        self.button.setText("Sync now")
        self.button.setToolTip("Send your changes to the trust and fetch everyone else's")
        self.button.clicked.connect(controller.sync_now)
        # Pulled records this laptop could not store: a link to the list, never a blocker.
        self.set_aside_label = self._link_label("setAsideLabel", self.show_set_aside)
        # Files the server would not take yet: a link to them and the reasons, never a loop.
        self.files_label = self._link_label("filesWaitingLabel", self.show_files_waiting)
        self._files_waiting: tuple[WaitingFile, ...] = ()
        # A newer app, said quietly: a link in the corner, never a dialog.
        self.update_label = QLabel(self)
        self.update_label.setObjectName("appUpdateLabel")
        self.update_label.setOpenExternalLinks(True)
        self.update_label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.update_label.hide()
        layout.addWidget(self.update_label)
        layout.addWidget(self.set_aside_label)
        layout.addWidget(self.files_label)
        layout.addWidget(self.label)
        layout.addWidget(self.progress)
        layout.addWidget(self.button)
        controller.state_changed.connect(self._state_changed)
        controller.progressed.connect(self._progressed)
        controller.update_changed.connect(self._update_changed)
        controller.set_aside_changed.connect(self._set_aside_changed)
        controller.files_waiting_changed.connect(self._files_waiting_changed)

    def _link_label(self, name: str, opened: Any) -> QLabel:
        """A hidden notice whose link (by mouse or keyboard) opens a list."""
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        label.linkActivated.connect(opened)
        label.hide()
        return label

    @staticmethod
    def _notice(label: QLabel, words: str, anchor: str, sentence: str) -> None:
        """Show ``words`` as a link in ``label``; ``sentence`` says it to tooltips and readers."""
        label.setText(f'<a href="#{anchor}">{words}</a>')
        label.setToolTip(sentence)
        label.setAccessibleName(sentence)
        label.show()

    def _list_box(
        self, title: str, text: str, advice: str, lines: list[str], shown: list[str] | None = None
    ) -> QMessageBox:
        """An information box listing ``lines`` in its details; ``shown`` (readable lines, at
        most :data:`SHOWN_LINES` of them) goes above the advice."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(title)
        box.setText(text)
        if shown:
            items = "".join(f"<li>{html.escape(line)}</li>" for line in shown[:SHOWN_LINES])
            more = len(shown) - SHOWN_LINES
            rest = f"<p>and {more} more (all of them under Show Details).</p>" if more > 0 else ""
            box.setInformativeText(f"<ul>{items}</ul>{rest}<p>{html.escape(advice)}</p>")
        else:
            box.setInformativeText(advice)
        box.setDetailedText("\n".join(lines))
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.open()
        return box

    @Slot(object, str)
    def _state_changed(self, state: SyncState, text: str) -> None:
        self.label.setText(text)
        # What needs someone stands out; the conflicts notice says it opens the panel.
        attention = state in (
            SyncState.CONFLICTS,
            SyncState.REENROL,
            SyncState.FAILED,
            SyncState.WAITING,
        )
        theme.set_role(self.label, "fieldError" if attention else "")
        conflicts = state is SyncState.CONFLICTS
        self.label.setCursor(
            Qt.CursorShape.PointingHandCursor if conflicts else Qt.CursorShape.ArrowCursor
        )
        self.label.setToolTip("Click to see the conflicts" if conflicts else "")
        self.button.setEnabled(state is not SyncState.SYNCING)
        self.progress.setVisible(state is SyncState.SYNCING)
        if state is SyncState.SYNCING:
            self.progress.setRange(0, 0)

    @Slot(int)
    def _set_aside_changed(self, count: int) -> None:
        if not count:
            self.set_aside_label.hide()
            return
        words = f"{count} received record{'s' if count != 1 else ''} set aside"
        sentence = (
            f"{words}: this laptop could not store {'them' if count != 1 else 'it'}; "
            "everything else synced. Click to see where they came from and why."
        )
        self._notice(self.set_aside_label, words, "set-aside", sentence)

    @Slot(tuple)
    def _files_waiting_changed(self, files: tuple[WaitingFile, ...]) -> None:
        self._files_waiting = files
        if not files:
            self.files_label.hide()
            return
        words = f"{len(files)} file{'s' if len(files) != 1 else ''} waiting"
        sentence = (
            f"{words} to be sent to the trust server; everything else synced. "
            "Click to see which and why."
        )
        self._notice(self.files_label, words, "files-waiting", sentence)

    @Slot()
    def show_files_waiting(self, _link: str = "") -> QMessageBox:
        """List the files that wait, each with the server's reason and when it is tried again."""
        files = self._files_waiting
        return self._list_box(
            "Files waiting",
            f"{len(files)} file{'s' if len(files) != 1 else ''} could not be sent to the trust "
            "server yet. They are kept on this laptop, with the notes that use them, and "
            "Reviewer tries again by itself.",
            "If a file is refused for its size or the trust's limits, tell your trust admin.",
            [f.description for f in files],
        )

    @Slot()
    def show_set_aside(self, _link: str = "") -> QMessageBox:
        """List the records set aside, with their origin and reason (for the lead to pass on)."""
        entries = self.controller.service.set_aside_named()
        return self._list_box(
            "Records set aside",
            f"{len(entries)} record{'s' if len(entries) != 1 else ''} received from the trust "
            "server could not be stored on this laptop and {} set aside. Everything else "
            "synced.".format("were" if len(entries) != 1 else "was"),
            "They came from another laptop that sent them malformed. Tell your trust admin, "
            "with the details (Show Details, then copy them): they name each record.",
            [named.entry.description for named in entries],
            shown=[named.line for named in entries],
        )

    @Slot(object)
    def _update_changed(self, update: AppUpdate | None) -> None:
        if update is None:
            self.update_label.hide()
            return
        words = f"Reviewer {html.escape(update.version)} is available"
        if update.download_url:
            href = html.escape(update.download_url, quote=True)
            words = f'<a href="{href}">{words}</a>'
        self.update_label.setText(words)
        self.update_label.setToolTip(update.sentence())
        self.update_label.setAccessibleName(update.sentence())
        self.update_label.show()

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        else:
            self.progress.setRange(0, 0)

    def mousePressEvent(self, event: Any) -> None:
        if self.controller.state is SyncState.CONFLICTS:
            self.conflicts_requested.emit()
        super().mousePressEvent(event)
