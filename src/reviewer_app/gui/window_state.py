"""Purely visual state (the splitter, the last school shown) in a QSettings INI file.

The file lives in the config folder of this instance, so ``--data-dir`` runs and tests never read
or write the person's real ``~/.config``. Window sizes, per screen, are kept in the same file by
:mod:`reviewer_app.gui.screen_fit`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter

FILE_NAME = "window-state.ini"


class WindowState:
    """Reads and writes the main window's visual state."""

    def __init__(self, config_dir: Path) -> None:
        self.path = config_dir / FILE_NAME
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def restore(self, splitter: QSplitter) -> bool:
        """Put the splitter back where it was; ``False`` when there is nothing remembered."""
        state = self._settings.value("main/splitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            splitter.restoreState(state)
            return True
        return False

    def save(self, splitter: QSplitter, school_id: str | None) -> None:
        """Remember the splitter and the school on show."""
        self._settings.setValue("main/splitter", splitter.saveState())
        self._settings.setValue("main/school", school_id or "")
        self._settings.sync()

    @property
    def last_school_id(self) -> str | None:
        value = self._settings.value("main/school", "")
        return str(value) if value else None
