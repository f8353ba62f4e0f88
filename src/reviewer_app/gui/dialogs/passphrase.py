"""Asks for the passphrase that unlocks the store when no OS keyring can hold its key."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QWidget

from reviewer_app.gui import theme
from reviewer_app.gui.forms.ui_passphrase import Ui_PassphraseDialog
from reviewer_app.gui.screen_fit import fit_window

#: Shorter passphrases are refused when a new one is chosen.
MIN_LENGTH = 10


class PassphraseMode(Enum):
    """Choosing a passphrase for a new store, or unlocking an existing one."""

    CREATE = "create"
    UNLOCK = "unlock"


class PassphraseDialog(QDialog):
    """Asks for (and, for a new store, confirms) the store passphrase."""

    def __init__(
        self,
        mode: PassphraseMode,
        store_file: Path,
        *,
        problem: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_PassphraseDialog()
        self.ui.setupUi(self)
        self.mode = mode
        self.ui.lockIcon.setPixmap(theme.pixmap("lock", 32))
        creating = mode is PassphraseMode.CREATE
        if creating:
            self.setWindowTitle("Choose a passphrase")
            self.ui.heading.setText("Choose a passphrase")
            self.ui.explanation.setText(
                "Your reviews are encrypted on this computer. This computer has no keyring to "
                f"keep the key in, so choose a passphrase of at least {MIN_LENGTH} characters. "
                "Reviewer asks for it each time it starts. Without it the reviews on this "
                f"computer cannot be opened.\n\nStore: {store_file}"
            )
        else:
            self.ui.explanation.setText(
                "Your reviews are encrypted on this computer. Enter the passphrase you chose "
                f"when Reviewer was set up.\n\nStore: {store_file}"
            )
        self.ui.confirmLabel.setVisible(creating)
        self.ui.confirmEdit.setVisible(creating)
        self.ui.showCheck.toggled.connect(self._show_passphrase)
        ok = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Create store" if creating else "&Unlock")
        ok.setDefault(True)
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        self._set_problem(problem)
        self.ui.passphraseEdit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.adjustSize()
        fit_window(self, "passphraseDialog")

    def _show_passphrase(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.ui.passphraseEdit.setEchoMode(mode)
        self.ui.confirmEdit.setEchoMode(mode)

    def _set_problem(self, message: str) -> None:
        self.ui.errorLabel.setText(message)
        self.ui.errorLabel.setVisible(bool(message))
        theme.set_invalid(self.ui.passphraseEdit, bool(message))

    @property
    def passphrase(self) -> str:
        return self.ui.passphraseEdit.text()

    def accept(self) -> None:
        passphrase = self.passphrase
        if not passphrase:
            self._set_problem("Enter the passphrase.")
            return
        if self.mode is PassphraseMode.CREATE:
            if len(passphrase) < MIN_LENGTH:
                self._set_problem(
                    f"Use at least {MIN_LENGTH} characters; a short sentence is easy to remember."
                )
                return
            if passphrase != self.ui.confirmEdit.text():
                self._set_problem("The two passphrases differ. Type the same one in both boxes.")
                self.ui.confirmEdit.clear()
                self.ui.confirmEdit.setFocus()
                return
        super().accept()


def ask_passphrase(
    mode: PassphraseMode, store_file: Path, *, problem: str = "", parent: QWidget | None = None
) -> str | None:
    """Show the dialog modally; the passphrase, or ``None`` when the person cancels."""
    dialog = PassphraseDialog(mode, store_file, problem=problem, parent=parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.passphrase
    return None
