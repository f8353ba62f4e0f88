"""Sync > Connect to trust server…: enrol this laptop with a server address and a one-time code.

The exchange runs on a reader thread (it talks to the server and writes the store); the dialog
stays responsive, cannot be closed half-way, and says in a sentence what went wrong: a bad code,
a server that cannot be reached, a laptop that is already enrolled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from reviewer_app.gui import theme
from reviewer_app.gui.discard_guard import AsksBeforeDiscarding
from reviewer_app.gui.failures import failure_sentence
from reviewer_app.gui.forms.ui_enrol import Ui_EnrolDialog
from reviewer_app.gui.screen_fit import fit_window
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.services.enrolment import Enrolment
from reviewer_app.settings import SERVER_ADDRESS
from reviewer_app.sync.client import RequestRefusedError, ServerUnreachableError
from reviewer_app.sync.enrol_link import parse_enrol_link

log = logging.getLogger(__name__)

#: Enrols with (server address, code) and returns who this laptop now syncs as. Runs off the
#: GUI thread.
Enrol = Callable[[str, str], Enrolment]


def explain_failure(error: BaseException, server_url: str) -> str:
    """The sentence the dialog shows for a failed enrolment (the traceback goes to the log)."""
    if isinstance(error, ServerUnreachableError):
        return (
            f"The trust server at {server_url} cannot be reached. Check the address and your "
            "connection, then try again."
        )
    if isinstance(error, RequestRefusedError) and error.status == 404:
        return (
            f"{server_url} is not a Reviewer trust server (it does not know about enrolment). "
            "Check the address your trust admin gave you."
        )
    return failure_sentence(error, "Connecting failed unexpectedly; the details are in the log.")


class EnrolDialog(AsksBeforeDiscarding, QDialog):
    """Asks for the server address and one-time code, then enrols in the background.

    ``reason`` (why the server refused this laptop) makes it the re-enrol dialog;
    ``enrolled_with`` names the server this laptop is already enrolled with.

    Signals:
        enrolled(Enrolment): the laptop is enrolled; the dialog has closed.
        enrol_failed(str): the attempt failed; the sentence is on show in the dialog.
    """

    enrolled = Signal(object)
    enrol_failed = Signal(str)

    def __init__(
        self,
        enrol: Enrol,
        tasks: TaskRunner,
        *,
        server_url: str = "",
        reason: str = "",
        enrolled_with: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_EnrolDialog()
        self.ui.setupUi(self)
        self._enrol = enrol
        self._tasks = tasks
        self.busy = False
        ui = self.ui
        ui.lockIcon.setPixmap(theme.pixmap("lock", 32))
        if reason:
            self.setWindowTitle("Enrol this laptop again")
            ui.heading.setText("Enrol this laptop again")
            ui.explanation.setText(
                f"{reason}\n\nYour work on this laptop is kept. Enter a new one-time code from "
                "your trust admin to connect again."
            )
        elif enrolled_with:
            ui.explanation.setText(
                f"This laptop is already enrolled with {enrolled_with} and syncs with it. You "
                "need a new code only when Reviewer asks you to enrol again."
            )
        else:
            ui.explanation.setText(
                "This laptop is not connected to a trust server yet. Connect it to receive "
                "your visits and send your reviews to the trust: your trust admin gives you "
                "the server address and a one-time code, or a link that holds both."
            )
        ui.serverEdit.setText(server_url)
        self._ok = ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        self._ok.setText("&Connect")
        self._ok.setDefault(True)
        ui.buttonBox.accepted.connect(self.connect_now)
        ui.buttonBox.rejected.connect(self.reject)
        ui.serverEdit.textEdited.connect(self._server_edited)
        ui.codeEdit.textEdited.connect(lambda _t: self._show_problem(""))
        self._show_problem("")
        ui.busyLabel.hide()
        (ui.codeEdit if server_url else ui.serverEdit).setFocus(Qt.FocusReason.OtherFocusReason)
        self.setMinimumWidth(500)
        self.adjustSize()
        fit_window(self, "enrolDialog")

    def _server_edited(self, text: str) -> None:
        """An enrolment link pasted from the trust console fills in both fields."""
        self._show_problem("")
        self._take_link(text)

    def _take_link(self, text: str) -> bool:
        parsed = parse_enrol_link(text)
        if parsed is None:
            return False
        server, code = parsed
        self.ui.serverEdit.setText(server)
        self.ui.codeEdit.setText(code)
        self.ui.codeEdit.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _show_problem(self, message: str, field: QWidget | None = None) -> None:
        self.ui.errorLabel.setText(message)
        self.ui.errorLabel.setVisible(bool(message))
        for edit in (self.ui.serverEdit, self.ui.codeEdit):
            theme.set_invalid(edit, bool(message) and edit is field)
        self.adjustSize()  # room for a sentence of two or three lines

    def _set_busy(self, busy: bool, server_url: str = "") -> None:
        self.busy = busy
        for widget in (self.ui.serverEdit, self.ui.codeEdit, self.ui.buttonBox):
            widget.setEnabled(not busy)
        self.ui.busyLabel.setText(f"Connecting to {server_url}…" if busy else "")
        self.ui.busyLabel.setVisible(busy)
        self.adjustSize()

    def connect_now(self) -> None:
        """Check the two fields, then enrol in the background."""
        ui = self.ui
        self._take_link(ui.serverEdit.text()) or self._take_link(ui.codeEdit.text())
        server = ui.serverEdit.text().strip().rstrip("/")
        code = ui.codeEdit.text().strip()
        if not server:
            self._show_problem("Enter the server address your trust admin gave you.", ui.serverEdit)
            return
        if not SERVER_ADDRESS.match(server):
            self._show_problem(
                f"'{server}' is not a server address: it must start with https://.", ui.serverEdit
            )
            return
        if not code:
            self._show_problem("Enter the one-time code from your trust admin.", ui.codeEdit)
            return
        self._show_problem("")
        self._set_busy(True, server)
        self._tasks.run(
            lambda: self._enrol(server, code),
            on_done=self._enrolled,
            on_failed=lambda error: self._failed(error, server),
            context=self,
        )

    def _enrolled(self, done: Enrolment) -> None:
        self._set_busy(False)
        self.enrolled.emit(done)
        self.accept()

    def _failed(self, error: BaseException, server_url: str) -> None:
        self._set_busy(False)
        message = explain_failure(error, server_url)
        log.info("Enrolment failed: %s", type(error).__name__)
        field: QWidget | None = None
        if isinstance(error, ServerUnreachableError) or (
            isinstance(error, RequestRefusedError) and error.status == 404
        ):
            field = self.ui.serverEdit
        elif isinstance(error, RequestRefusedError) and error.code == "code_invalid":
            field = self.ui.codeEdit
        self._show_problem(message, field)
        self.enrol_failed.emit(message)

    def reject(self) -> None:
        if self.busy:
            return  # the server may already have used the code: wait for its answer
        super().reject()
