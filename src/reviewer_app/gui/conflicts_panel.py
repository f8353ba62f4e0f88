"""The lead reviewer's conflicts panel: both versions, who wrote them and when; choose or merge.

A conflict is two or more writes of one shared answer made from the same earlier version (for
example two peer reviewers editing the strengths text offline). The panel lists the open ones;
for the selected conflict it shows every version with its author and the time on their laptop,
lets the lead take one as it is or write a merged text, and queues that decision as a
``resolve`` change for the next sync. Everyone else sees the versions read-only.
:class:`ConflictsDialog` shows the panel in a window of its own (Sync > Conflicts…).
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.changes import ReviewChanges
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.gui import theme
from reviewer_app.gui.discard_guard import ask_to_discard
from reviewer_app.gui.failures import failure_sentence
from reviewer_app.gui.screen_fit import fit_window
from reviewer_app.services.sync_service import SyncService
from reviewer_app.sync.protocol import ConflictCandidate, ConflictRecord

log = logging.getLogger(__name__)

#: Submits a call to the writer lane and returns its future (``Workspace.submit``).
Submit = Callable[..., "Future[Any]"]


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "(empty)"
    return json.dumps(value, ensure_ascii=False, indent=1)


class ConflictsPanel(QWidget):
    """Open conflicts and the lead's choice between their versions.

    Signals:
        conflict_resolved(str): the lead's decision on this conflict id was queued for sync.
        resolve_failed(str): the decision was refused; the text says why.
    """

    conflict_resolved = Signal(str)
    resolve_failed = Signal(str)
    _settled = Signal(str, object)

    def __init__(
        self,
        service: SyncService,
        *,
        person_id: str,
        is_lead: Callable[[str], bool],
        person_name: Callable[[str], str],
        submit: Submit,
        field_title: Callable[[str, str], str] = lambda _review_id, field: field,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        #: (review id, stored field id) -> what the person calls the field.
        self._field_title = field_title
        self._person_id = person_id
        self._is_lead = is_lead
        self._person_name = person_name
        self._submit = submit
        self._conflicts: list[ConflictRecord] = []
        self._settled.connect(self._resolution_settled, Qt.ConnectionType.QueuedConnection)

        self.list = QListWidget(self)
        self.list.setObjectName("conflictList")
        # Field titles are long ("Leadership and governance: Strengths"): wrap, never scroll.
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(self._show)
        self.empty = QLabel("No conflicts are waiting. Everyone's edits agree.", self)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.versions = QWidget(self)
        self.versions_layout = QHBoxLayout(self.versions)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.versions)
        scroll.setMinimumHeight(200)
        self.merged = QPlainTextEdit(self)
        self.merged.setPlaceholderText("Or write the agreed text here, combining the versions")
        self.merged.setMaximumHeight(110)
        self.use_merged = QPushButton("Use the merged text", self)
        self.use_merged.clicked.connect(self._resolve_with_merged)
        self.lead_note = QLabel("Only the lead reviewer can choose between versions.", self)

        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.heading)
        detail_layout.addWidget(scroll, 1)
        detail_layout.addWidget(self.merged)
        detail_layout.addWidget(self.use_merged, 0, Qt.AlignmentFlag.AlignRight)
        detail_layout.addWidget(self.lead_note)
        splitter = QSplitter(self)
        splitter.addWidget(self.list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([240, 720])
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        self.refresh()

    # ---------------------------------------------------------------- content

    def changes_arrived(self, changes: ReviewChanges) -> None:
        """A notice from the change feed: conflicts arrive with pulled shared answers. The list
        is redrawn only when the open conflicts are not the ones shown."""
        if not changes.pulled or not changes.touches(Entity.FIELD_VALUE):
            return
        if [c.id for c in self.service.open_conflicts()] != [c.id for c in self._conflicts]:
            self.refresh()

    def refresh(self) -> None:
        """Read the open conflicts again (after a sync); the chosen one stays chosen."""
        chosen = self.current()
        self._conflicts = self.service.open_conflicts()
        self.list.clear()
        for conflict in self._conflicts:
            title = self._field_title(conflict.review_id, conflict.field)
            item = QListWidgetItem(f"{title} ({len(conflict.candidates)} versions)")
            item.setData(Qt.ItemDataRole.UserRole, conflict.id)
            self.list.addItem(item)
        self.empty.setVisible(not self._conflicts)
        if self._conflicts:
            ids = [c.id for c in self._conflicts]
            self.list.setCurrentRow(ids.index(chosen.id) if chosen and chosen.id in ids else 0)
        else:
            self._show(-1)

    def current(self) -> ConflictRecord | None:
        row = self.list.currentRow()
        return self._conflicts[row] if 0 <= row < len(self._conflicts) else None

    @Slot(int)
    def _show(self, row: int) -> None:
        while self.versions_layout.count():
            item = self.versions_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        conflict = self._conflicts[row] if 0 <= row < len(self._conflicts) else None
        lead = conflict is not None and self._is_lead(conflict.review_id)
        self.merged.setEnabled(lead)
        self.use_merged.setEnabled(lead)
        self.lead_note.setVisible(conflict is not None and not lead)
        if conflict is None:
            self.heading.setText("")
            return
        self.heading.setText(
            f"<b>{html.escape(self._field_title(conflict.review_id, conflict.field))}</b> was "
            "changed on different laptops from the same "
            "earlier version. Choose the version to keep, or write a merged text."
        )
        for index, candidate in enumerate(conflict.candidates):
            self.versions_layout.addWidget(self._version_box(conflict, index, candidate, lead))
        self.merged.setPlainText("")

    def _version_box(
        self, conflict: ConflictRecord, index: int, candidate: ConflictCandidate, lead: bool
    ) -> QGroupBox:
        author = self._person_name(candidate.author_id) if candidate.author_id else "Nobody"
        when = (
            f" at {candidate.device_time.astimezone():%H:%M on %d %b %Y}"
            if candidate.device_time
            else ""
        )
        title = "Before the edits" if index == 0 and candidate.op_id is None else "Version"
        box = QGroupBox(f"{title}: {author}{when}", self.versions)
        box.setObjectName(f"conflictVersion{index}")
        text = QPlainTextEdit(_as_text(candidate.value), box)
        text.setReadOnly(True)
        choose = QPushButton("Keep this version", box)
        choose.setEnabled(lead)
        choose.clicked.connect(lambda: self._resolve(conflict.id, candidate.value))
        layout = QVBoxLayout(box)
        layout.addWidget(text)
        layout.addWidget(choose)
        return box

    # ---------------------------------------------------------------- resolving

    @Slot()
    def _resolve_with_merged(self) -> None:
        conflict = self.current()
        text = self.merged.toPlainText().strip()
        if conflict is None:
            return
        if not text:
            self.ask_for_merged_text()
            return
        self._resolve(conflict.id, text)

    def ask_for_merged_text(self) -> None:
        """Use merged text was pressed with none written: say what to do first."""
        QMessageBox.information(self, "Merged text", "Write the merged text first.")

    def _resolve(self, conflict_id: str, value: Any) -> None:
        self.use_merged.setEnabled(False)
        future = self._submit(self.service.resolve_conflict, conflict_id, value, self._person_id)
        future.add_done_callback(lambda f: self._settled.emit(conflict_id, f.exception()))

    @Slot(str, object)
    def _resolution_settled(self, conflict_id: str, error: Any) -> None:
        if error is None:
            self.conflict_resolved.emit(conflict_id)
            QTimer.singleShot(0, self, self.refresh)
            return
        message = failure_sentence(error, "The choice was not saved.")
        self.resolve_failed.emit(message)
        self._show(self.list.currentRow())


class ConflictsDialog(QDialog):
    """The lead's conflicts panel in a window of its own, with a line for a refused choice."""

    def __init__(self, panel: ConflictsPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Conflicts waiting for the lead reviewer")
        self.setObjectName("conflictsDialog")
        self.panel = panel
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        theme.set_role(self.problem, "formError")
        self.problem.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(panel, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        panel.resolve_failed.connect(self.show_problem)
        panel.conflict_resolved.connect(lambda _id: self.show_problem(""))
        fit_window(self, "conflictsDialog", (1120, 600))

    #: The open "Discard what you typed?" question, if any (Escape with a merged text written).
    discard_question: QMessageBox | None = None

    def reject(self) -> None:
        # Escape or Close with a merged text written and not used: ask before it is lost (the
        # box empties once a choice is saved, so a used text never asks).
        if self.panel.merged.toPlainText().strip():
            if self.discard_question is None or not self.discard_question.isVisible():
                self.discard_question = ask_to_discard(
                    self, "The merged text has not been used.", self._discard
                )
            return
        super().reject()

    def _discard(self) -> None:
        self.panel.merged.setPlainText("")
        super().reject()

    def show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.setVisible(bool(message))
