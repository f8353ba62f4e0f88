"""Report windows of the review editor: the preview of the review as it stands, for the audience
the person chooses, and a signed version opened from the Sign report dialog.

Rendering runs on a reader thread (``TaskRunner``); the window shows "Rendering…" meanwhile and
only the latest request's PDF is shown, so quick audience changes never show a stale report.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.failures import failure_sentence
from reviewer_app.gui.report_preview import ReportPreview
from reviewer_app.gui.screen_fit import fit_window

if TYPE_CHECKING:
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.services.report_service import ReportService
    from reviewer_app.services.report_sign_off import AudienceChoice

log = logging.getLogger(__name__)

ServiceFactory = Callable[[], "ReportService"]
#: Called on the GUI thread as a job starts (the editor queues what is typed); returns what the
#: reader thread calls first (waiting for every queued write), so a report shows what was typed.
BeforeWork = Callable[[], Callable[[], Any]]


def no_wait() -> Callable[[], Any]:
    return lambda: None


def report_file_name(stem: str, audience_label: str, suffix: str = "") -> str:
    """A file name people recognise: ``Oakfield Primary 2026-11-25 School-facing report.pdf``."""
    name = f"{stem} {audience_label}{suffix}"
    return re.sub(r"[^\w .,()'-]+", "-", name).strip() + ".pdf"


def suggested_path(name: str) -> str:
    """Where an export is offered first: the Documents folder, else home."""
    home = Path.home()
    folder = home / "Documents"
    return str((folder if folder.is_dir() else home) / name)


def default_audience(choices: list[AudienceChoice], wanted: str | None) -> str | None:
    """``wanted`` if the person may read it, else the school-facing report, else the first."""
    readable = [c.key for c in choices if c.readable]
    for key in (wanted, "school_facing"):
        if key in readable:
            return key
    return readable[0] if readable else None


def fill_audiences(combo: QComboBox, choices: list[AudienceChoice]) -> None:
    """The framework's audiences; those the person may not read are shown greyed, with why."""
    combo.blockSignals(True)
    combo.clear()
    for row, choice in enumerate(choices):
        combo.addItem(choice.label, choice.key)
        tip = choice.refusal or choice.description
        if tip:
            combo.setItemData(row, tip, Qt.ItemDataRole.ToolTipRole)
        if not choice.readable:
            # The combo's model keeps an item's flags under UserRole - 1: greyed, not choosable.
            combo.setItemData(row, Qt.ItemFlag.NoItemFlags, Qt.ItemDataRole.UserRole - 1)
    combo.blockSignals(False)


def load_audiences(
    window: QWidget,
    on_done: Callable[[list[AudienceChoice]], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    """Read, on a reader thread, the report audiences of ``window``'s visit (after the edits
    still being saved): ``window`` has ``tasks``, ``service``, ``visit_id`` and ``before_work``."""
    from_service, visit_id = window.service, window.visit_id  # type: ignore[attr-defined]
    before = window.before_work()  # type: ignore[attr-defined]

    def read() -> list[AudienceChoice]:
        from reviewer_app.services.report_sign_off import report_audiences

        before()
        return report_audiences(from_service(), visit_id)

    window.tasks.run(read, on_done=on_done, on_failed=on_failed, context=window)  # type: ignore[attr-defined]


class ReportWindow(QDialog):
    """A report on screen (QtPdf) with zoom and Export, and a line saying what it is."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("reportWindow")
        fit_window(self, "reportWindow", (900, 1000))
        self.top = QHBoxLayout()
        self.status = QLabel(self)
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.preview = ReportPreview(self)
        self.status.hide()
        self.preview.exported.connect(lambda path: self.note(f"Saved the report to {path}."))
        self.preview.export_failed.connect(self.note)
        for button in self.preview.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter in the window must not zoom or export
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addWidget(self.status)
        layout.addWidget(self.preview, 1)
        layout.addWidget(buttons)

    def note(self, text: str) -> None:
        """A line above the report saying what is going on (hidden when there is nothing)."""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def show_pdf(self, pdf: bytes, *, title: str, file_name: str, note: str = "") -> None:
        self.preview.show_pdf(pdf, title=title, suggested_name=suggested_path(file_name))
        self.note(note)


class ReportPreviewDialog(ReportWindow):
    """The review as it stands, rendered for a chosen audience, with Export.

    Signals:
        preview_shown(str, int): the audience key's report is on screen (its page count).
    """

    preview_shown = Signal(str, int)

    def __init__(
        self,
        tasks: TaskRunner,
        service: ServiceFactory,
        visit_id: str,
        *,
        file_stem: str,
        audience: str | None = None,
        before_work: BeforeWork | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Preview report", parent)
        self.tasks = tasks
        self.service = service
        self.visit_id = visit_id
        self.file_stem = file_stem
        self.before_work: BeforeWork = before_work or no_wait
        self.wanted = audience
        self._request = 0
        self.audience_combo = QComboBox(self)
        self.audience_combo.setObjectName("reportAudience")
        self.audience_combo.setAccessibleName("Report for")
        label = QLabel("&Report for:", self)
        label.setBuddy(self.audience_combo)
        self.top.addWidget(label)
        self.top.addWidget(self.audience_combo, 1)
        self.audience_combo.currentIndexChanged.connect(lambda _i: self.render_current())
        self.note("Reading the review…")
        self._load_audiences()

    @property
    def audience(self) -> str | None:
        key = self.audience_combo.currentData()
        return key if isinstance(key, str) else None

    def choose_audience(self, key: str) -> None:
        """Show the report for ``key`` (rendered in the background)."""
        index = self.audience_combo.findData(key)
        if index < 0:
            raise KeyError(key)
        if index == self.audience_combo.currentIndex():
            self.render_current()
        else:
            self.audience_combo.setCurrentIndex(index)

    def _load_audiences(self) -> None:
        load_audiences(self, self._audiences_arrived, self._failed)

    def _audiences_arrived(self, choices: list[AudienceChoice]) -> None:
        fill_audiences(self.audience_combo, choices)
        chosen = default_audience(choices, self.wanted)
        if chosen is None:
            self._failed_sentence("There is no report of this review you may read.")
            return
        self.choose_audience(chosen)

    def render_current(self) -> None:
        key = self.audience
        if key is None:
            return
        self._request += 1
        request = self._request
        label = self.audience_combo.currentText()
        self.note(f"Rendering the {label.lower()}…")
        self.preview.export_button.setEnabled(False)
        from_service, visit_id, before = self.service, self.visit_id, self.before_work()

        def render() -> Any:
            before()
            return from_service().render(visit_id, key)

        def done(rendered: Any) -> None:
            if request != self._request:
                return  # another audience was chosen meanwhile
            self.show_pdf(
                rendered.pdf,
                title=f"{label}: the review as it stands (not signed)",
                file_name=report_file_name(self.file_stem, label, " (unsigned)"),
            )
            self.preview_shown.emit(key, self.preview.page_count)

        def failed(error: BaseException) -> None:
            if request == self._request:
                self._failed(error)

        self.tasks.run(render, on_done=done, on_failed=failed, context=self)

    def _failed(self, error: BaseException) -> None:
        self._failed_sentence(
            failure_sentence(error, "The report could not be rendered. The details are in the log.")
        )

    def _failed_sentence(self, sentence: str) -> None:
        self.note(sentence)
