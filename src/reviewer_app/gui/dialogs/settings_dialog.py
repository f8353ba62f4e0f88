"""The Settings dialog, bound to :class:`reviewer_app.settings.Settings`."""

from __future__ import annotations

import logging
from pathlib import Path

import pydantic
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from reviewer_app import settings as settings_file
from reviewer_app.gui import theme
from reviewer_app.gui.discard_guard import AsksBeforeDiscarding
from reviewer_app.gui.forms.ui_settings import Ui_SettingsDialog
from reviewer_app.gui.screen_fit import fit_window
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.settings import SERVER_ADDRESS, Settings

log = logging.getLogger(__name__)


class SettingsDialog(AsksBeforeDiscarding, QDialog):
    """Edits the person's settings and writes them to ``settings.json`` (off the GUI thread).

    Signals:
        settings_saved(Settings): the new settings are on disk; the dialog has closed.
    """

    settings_saved = Signal(object)

    def __init__(
        self,
        current: Settings,
        path: Path,
        *,
        tasks: TaskRunner,
        enrolled_server: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_SettingsDialog()
        self.ui.setupUi(self)
        fit_window(self, "settingsDialog")
        self._current = current
        self._path = path
        self._tasks = tasks
        ui = self.ui
        ui.serverEdit.setText(enrolled_server or current.server_url)
        if enrolled_server:
            # Enrolment decides the server; a different address here would not be used.
            ui.serverEdit.setReadOnly(True)
            ui.serverEdit.setToolTip(
                "This laptop is connected to this server. To use another one, ask your trust "
                "admin for a code and choose Sync > Connect to trust server…"
            )
        ui.syncCheck.setChecked(current.sync_automatically)
        ui.scaleSpin.setValue(current.ui_scale_percent)
        self._save_button = ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        self._save_button.setDefault(True)
        ui.buttonBox.accepted.connect(self.save)
        ui.buttonBox.rejected.connect(self.reject)
        ui.serverEdit.textEdited.connect(
            lambda _t: self._set_error(ui.serverError, ui.serverEdit, "")
        )
        self._set_error(ui.serverError, ui.serverEdit, "")
        first = ui.syncCheck if ui.serverEdit.isReadOnly() else ui.serverEdit
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _set_error(label, field: QWidget, message: str) -> None:
        label.setText(message)
        label.setVisible(bool(message))
        theme.set_invalid(field, bool(message))

    def edited(self) -> Settings | None:
        """The settings as edited, or ``None`` (with a message beside the field) if invalid."""
        ui = self.ui
        server = ui.serverEdit.text().strip().rstrip("/")
        if server and not ui.serverEdit.isReadOnly() and not SERVER_ADDRESS.match(server):
            self._set_error(
                ui.serverError,
                ui.serverEdit,
                "The server address must start with https:// (your trust gives you the address).",
            )
            return None
        try:
            return Settings.model_validate(
                {
                    **self._current.model_dump(),
                    "server_url": server,
                    "sync_automatically": ui.syncCheck.isChecked(),
                    "ui_scale_percent": ui.scaleSpin.value(),
                }
            )
        except pydantic.ValidationError:
            log.exception("Settings from the dialog did not validate")
            return None

    def save(self) -> None:
        """Validate and write the settings file in the background; close once written."""
        new = self.edited()
        if new is None:
            return
        self._save_button.setEnabled(False)
        self._tasks.run(
            lambda: settings_file.save(new, self._path),
            on_done=lambda _r: self._saved(new),
            on_failed=self._save_failed,
            context=self,
        )

    def _saved(self, new: Settings) -> None:
        log.info("Settings saved to %s", self._path)
        self.settings_saved.emit(new)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self._save_button.setEnabled(True)
        log.error("Could not write settings to %s", self._path, exc_info=error)
        self._set_error(
            self.ui.serverError,
            self.ui.serverEdit,
            f"Reviewer could not write {self._path}. Check there is free disk space and try again.",
        )
