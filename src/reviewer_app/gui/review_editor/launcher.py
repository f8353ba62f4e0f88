"""Opening a visit in the editor from the main window (Enter or a double click on a visit, or
Visit > Open visit), and the test-only script mode.

``install(window)`` is the one call the main window makes. When ``REVIEWER_EDITOR_SCRIPT`` names
a JSON file, the script (``script.py``) is run once the window has loaded.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu

from reviewer_app.gui.review_editor.editor import ReviewEditor

if TYPE_CHECKING:
    from reviewer_app.gui.main_window import MainWindow

SCRIPT_ENV = "REVIEWER_EDITOR_SCRIPT"


def open_editor(window: MainWindow, visit_id: str) -> ReviewEditor:
    """Open (or bring forward) the editor on a visit's review."""
    editors: dict[str, ReviewEditor] = window.__dict__.setdefault("_review_editors", {})
    existing = editors.get(visit_id)
    if existing is not None and shiboken6.isValid(existing) and not existing.is_closed:
        existing.show()
        if QGuiApplication.platformName() != "offscreen":  # nothing to raise offscreen
            existing.raise_()
        existing.activateWindow()
        return existing
    assert window.workspace is not None  # visits are listed only once a store is attached
    editor = ReviewEditor(window.workspace, window.tasks, visit_id, parent=window)
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    editor.destroyed.connect(lambda _o=None, v=visit_id: editors.pop(v, None))
    editors[visit_id] = editor
    editor.show()
    return editor


def _open_current(window: MainWindow) -> ReviewEditor | None:
    view = window.school_page.visits_view
    index = view.currentIndex()
    if not index.isValid():
        return None
    visit = window.school_page.visits_model.visits()[index.row()]
    return open_editor(window, visit.id)


class _CloseEditorsFirst(QObject):
    """Closes the open editors (writing what they hold) before the main window closes, so
    nothing typed is left for a store that is about to close."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            editors: dict[str, ReviewEditor] = watched.__dict__.get("_review_editors", {})
            for editor in list(editors.values()):
                if shiboken6.isValid(editor) and not editor.is_closed:
                    editor.close()
        return False


def install(window: MainWindow) -> None:
    """Let the main window open visits in the editor."""
    window.installEventFilter(_CloseEditorsFirst(window))
    view = window.school_page.visits_view
    view.activated.connect(
        lambda index: open_editor(window, window.school_page.visits_model.visits()[index.row()].id)
    )
    action = QAction("&Open visit", window)
    action.setShortcut(QKeySequence("Ctrl+O"))
    action.setStatusTip("Open the chosen visit's review")
    action.triggered.connect(lambda _c=False: _open_current(window))
    window.addAction(action)
    window.__dict__["open_visit_action"] = action
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu_action.text().replace("&", "") == "Visit" and isinstance(menu, QMenu):
            menu.addAction(action)
    view.setToolTip("Press Enter or double-click to open a visit's review")
    script = os.environ.get(SCRIPT_ENV)
    if script:
        from reviewer_app.gui.review_editor.script import EditorScript

        EditorScript(window, script)
