"""The sign-off check: every required item still missing, each a jump to where it is fixed,
and the review's lifecycle (ready for sign-off, signed and locked, amendment).

The page reads what it shows from a :class:`SignOffSource` (the records held and the progress
drawn from them) and asks for everything else by signal; it never sees the editor window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.review import ReviewState

if TYPE_CHECKING:
    from reviewer_app.domain.review_progress import ReviewProgress
    from reviewer_app.gui.review_editor.report_menu import ReportActions
    from reviewer_app.services.review_session import ReviewContext

#: Nav key of the sign-off check page.
SIGN_OFF_SECTION = "__sign_off__"


class SignOffSource(Protocol):
    """What the check shows: the review's records and the progress drawn from them."""

    @property
    def ctx(self) -> ReviewContext | None: ...

    @property
    def progress(self) -> ReviewProgress: ...


class SignOffPage(QWidget):
    """What is missing before sign-off, and the lifecycle buttons.

    Enter (or a double click) on a missing item jumps to it.

    Signals:
        jump_requested(object): go to this ``MissingItem``.
        ready_requested(): mark the review ready for sign-off.
        amend_requested(): start an amendment of the signed review.
        signed_version_requested(): open the signed version an amendment replaces.
    """

    jump_requested = Signal(object)
    ready_requested = Signal()
    amend_requested = Signal()
    signed_version_requested = Signal()

    def __init__(
        self, source: SignOffSource, reports: ReportActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.source = source
        self.reports = reports
        self.setObjectName("section:sign-off")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 28)
        layout.setSpacing(12)
        heading = QLabel("Sign-off check")
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        self.summary = QLabel()
        self.summary.setObjectName("signOffSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.missing_list = QListWidget()
        self.missing_list.setObjectName("missingItems")
        self.missing_list.setAccessibleName(
            "Required items still missing; press Enter to go to one"
        )
        self.missing_list.setAccessibleDescription(
            "Enter on an item takes you to it with the keyboard on what needs filling."
        )
        self.missing_list.itemActivated.connect(
            lambda item: self.jump_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        layout.addWidget(self.missing_list, 1)
        buttons = QHBoxLayout()
        self.ready_button = QPushButton("Mark ready for sign-off")
        self.ready_button.setObjectName("markReady")
        self.ready_button.setProperty("primary", True)
        self.ready_button.setAccessibleName("Mark the review ready for sign-off")
        self.ready_button.setAccessibleDescription(
            "Possible once nothing required is missing; a later change puts it back to draft."
        )
        self.ready_button.clicked.connect(self.ready_requested)
        self.amend_button = QPushButton("Amend the signed review…")
        self.amend_button.setObjectName("amendReview")
        self.amend_button.setAccessibleName("Start an amendment of the signed review")
        self.amend_button.setAccessibleDescription(
            "Asks why, then opens an amendment; the signed version stays intact and visible."
        )
        self.amend_button.clicked.connect(self.amend_requested)
        self.signed_button = QPushButton("Open the signed version")
        self.signed_button.setObjectName("openSigned")
        self.signed_button.setAccessibleName("Open the signed version this amendment replaces")
        self.signed_button.setAccessibleDescription("Opens it read-only in its own window.")
        self.signed_button.clicked.connect(self.signed_version_requested)
        for button in (self.ready_button, self.amend_button, self.signed_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        report_buttons = QHBoxLayout()
        self.preview_button = QPushButton("Preview report…")
        self.preview_button.setObjectName("previewReport")
        self.preview_button.setAccessibleName("Preview the report of the review as it stands")
        self.preview_button.setAccessibleDescription(
            "Opens the report for an audience you choose in its own window (Ctrl+P), with Export."
        )
        self.preview_button.clicked.connect(lambda: reports.preview())
        self.sign_button = QPushButton("Sign report…")
        self.sign_button.setObjectName("signReportButton")
        self.sign_button.setAccessibleName("Sign the report, and see who has signed it")
        self.sign_button.setAccessibleDescription(
            "Shows who signs in which order and who has; you sign when it is your turn."
        )
        self.sign_button.clicked.connect(lambda: reports.sign())
        report_buttons.addWidget(self.preview_button)
        report_buttons.addWidget(self.sign_button)
        report_buttons.addStretch(1)
        layout.addLayout(report_buttons)
        self.lifecycle = QLabel()
        self.lifecycle.setProperty("role", "muted")
        self.lifecycle.setWordWrap(True)
        layout.addWidget(self.lifecycle)

    def refresh(self) -> None:
        """Show the check as it stands now."""
        ctx = self.source.ctx
        if ctx is None:
            return
        missing = self.source.progress.missing
        self.missing_list.clear()
        for item in missing:
            row = QListWidgetItem(item.message)
            row.setData(Qt.ItemDataRole.UserRole, item)
            self.missing_list.addItem(row)
        state = ctx.review.state
        if ctx.locked:
            self.summary.setText("This review is signed and locked.")
        elif missing:
            count = len(missing)
            self.summary.setText(
                f"{count} required item{'s are' if count != 1 else ' is'} missing. Choose one and "
                "press Enter to go to it."
            )
        elif state is ReviewState.READY_FOR_SIGN_OFF:
            self.summary.setText("Ready for sign-off. Any further change puts it back to draft.")
        else:
            self.summary.setText(
                "Nothing required is missing: the review can be marked ready for sign-off."
            )
        self.missing_list.setVisible(bool(missing))
        self.ready_button.setEnabled(
            not missing and state is ReviewState.DRAFT and not ctx.read_only
        )
        self.amend_button.setVisible(state is ReviewState.SIGNED and ctx.is_lead)
        self.signed_button.setVisible(bool(ctx.review.amends))
        reports = self.reports
        self.preview_button.setEnabled(reports.preview_action.isEnabled())
        self.sign_button.setEnabled(reports.sign_action.isEnabled())
        self.sign_button.setProperty(
            "primary", state is ReviewState.READY_FOR_SIGN_OFF and not ctx.read_only
        )
        self.sign_button.style().polish(self.sign_button)
        self.lifecycle.setText(
            "Draft → ready for sign-off → signed. Once ready, everyone who must sign the report "
            "signs it in turn from Sign report…; the last signature locks the review. A later "
            "correction is an amendment, and the signed version stays intact and visible."
        )
