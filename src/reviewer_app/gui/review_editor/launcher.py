"""Opening a visit's review in the editor from the main window, and closing editors first when
the main window closes (so nothing typed is left for a store that is about to close).

The main window calls these lazily (:meth:`MainWindow.open_visit`), so the editor's modules are
imported only when a review is first opened, not at start-up. They are given what they use (the
open editors by visit, the workspace, the reader threads, the change bridge), never the main
window's own type, so nothing here points back at it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from reviewer_app.gui.review_editor.editor import ReviewEditor

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from reviewer_app.gui.change_bridge import ChangeBridge
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.workspace import Workspace


def open_editor(
    editors: dict[str, ReviewEditor],
    workspace: Workspace,
    tasks: TaskRunner,
    visit_id: str,
    *,
    paths: AppPaths | None,
    bridge: ChangeBridge | None,
    parent: QWidget | None,
) -> ReviewEditor:
    """Open (or bring forward) the editor on a visit's review; ``editors`` (by visit id) holds
    it while it is open."""
    existing = editors.get(visit_id)
    if existing is not None and shiboken6.isValid(existing) and not existing.is_closed:
        existing.show()
        if QGuiApplication.platformName() != "offscreen":  # nothing to raise offscreen
            existing.raise_()
        existing.activateWindow()
        return existing
    editor = ReviewEditor(workspace, tasks, visit_id, paths=paths, bridge=bridge, parent=parent)
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    editor.destroyed.connect(lambda _o=None, v=visit_id: editors.pop(v, None))
    editors[visit_id] = editor
    editor.show()
    return editor


def close_editors(editors: dict[str, ReviewEditor]) -> None:
    """Close every open editor; each writes what it holds as it closes."""
    for editor in list(editors.values()):
        if shiboken6.isValid(editor) and not editor.is_closed:
            editor.close()
