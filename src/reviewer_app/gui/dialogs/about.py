"""Help > About: version, what Reviewer is, and where it keeps its files."""

from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QWidget

from reviewer_app import __version__
from reviewer_app.gui import theme
from reviewer_app.gui.forms.ui_about import Ui_AboutDialog
from reviewer_app.gui.screen_fit import fit_window
from reviewer_app.paths import AppPaths


class AboutDialog(QDialog):
    """Shows the version and the data and log folders of this running instance."""

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_AboutDialog()
        self.ui.setupUi(self)
        self.ui.logo.setPixmap(theme.pixmap("reviewer", 64))
        self.ui.version.setText(f"Version {__version__}")
        self.ui.dataPath.setText(str(paths.data))
        self.ui.logsPath.setText(str(paths.logs))
        self.ui.qtVersion.setText(f"Qt {qVersion()}, PySide6 {pyside_version}")
        self.ui.buttonBox.rejected.connect(self.reject)
        fit_window(self, "aboutDialog")
