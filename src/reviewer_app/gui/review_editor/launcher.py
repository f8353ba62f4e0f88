"""Opening a visit's review in the editor from the main window, and closing editors first when
the main window closes (so nothing typed is left for a store that is about to close).

The main window calls these lazily (:meth:`MainWindow.open_visit`), so the editor's modules are
imported only when a review is first opened, not at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from reviewer_app.gui.review_editor.editor import ReviewEditor

if TYPE_CHECKING:
    from reviewer_app.gui.main_window import MainWindow


def open_editor(window: MainWindow, visit_id: str) -> ReviewEditor:
    """Open (or bring forward) the editor on a visit's review."""
    editors = window.review_editors
    existing = editors.get(visit_id)
    if existing is not None and shiboken6.isValid(existing) and not existing.is_closed:
        existing.show()
        if QGuiApplication.platformName() != "offscreen":  # nothing to raise offscreen
            existing.raise_()
        existing.activateWindow()
        return existing
    assert window.workspace is not None  # the window opens editors only once attached
    editor = ReviewEditor(
        window.workspace,
        window.tasks,
        visit_id,
        paths=window.services.paths,
        bridge=window.change_bridge,
        parent=window,
    )
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    editor.destroyed.connect(lambda _o=None, v=visit_id: editors.pop(v, None))
    editors[visit_id] = editor
    editor.show()
    return editor


def close_editors(window: MainWindow) -> None:
    """Close every open editor; each writes what it holds as it closes."""
    for editor in list(window.review_editors.values()):
        if shiboken6.isValid(editor) and not editor.is_closed:
            editor.close()
