"""The editor's menus and keyboard shortcuts (Review, Edit, Report, Go), each a window-wide
action: undo and redo follow the undo stack, and number keys rate the current criterion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from reviewer_app.gui.review_editor.report_menu import ReportActions
from reviewer_app.gui.review_editor.signoff_page import SIGN_OFF_SECTION

if TYPE_CHECKING:
    from reviewer_app.gui.review_editor.editor import ReviewEditor
    from reviewer_app.services.edit_history import EditHistory


@dataclass(slots=True)
class EditorActions:
    """The window's actions, for enabling them with the lock and for tests."""

    undo: QAction
    redo: QAction
    next_criterion: QAction
    previous_criterion: QAction
    next_section: QAction
    previous_section: QAction
    note: QAction
    attach: QAction
    check: QAction
    close: QAction
    rate: list[QAction]
    reports: ReportActions


def build_menus(editor: ReviewEditor) -> EditorActions:
    """Add the actions to ``editor`` (shortcuts work anywhere in it) and to its menu bar."""

    def action(text: str, slot: Callable[[], object], *shortcuts: str) -> QAction:
        act = QAction(text, editor)
        act.setShortcuts([QKeySequence(s) for s in shortcuts])
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(lambda _c=False: slot())
        editor.addAction(act)
        return act

    undo = action("&Undo", editor.changes.undo, "Ctrl+Z")
    redo = action("&Redo", editor.changes.redo, "Ctrl+Shift+Z", "Ctrl+Y")

    def history_changed(history: EditHistory) -> None:
        undo.setEnabled(history.can_undo)
        redo.setEnabled(history.can_redo)
        undo.setText(f"&Undo {history.undo_text}".strip())
        redo.setText(f"&Redo {history.redo_text}".strip())

    editor.undo_stack.listen(history_changed)
    actions = EditorActions(
        undo=undo,
        redo=redo,
        next_criterion=action("&Next criterion", lambda: editor.step_criterion(1), "F8"),
        previous_criterion=action(
            "&Previous criterion", lambda: editor.step_criterion(-1), "Shift+F8"
        ),
        next_section=action("Next &section", lambda: editor.step_section(1), "Ctrl+PgDown"),
        previous_section=action("Previous s&ection", lambda: editor.step_section(-1), "Ctrl+PgUp"),
        note=action("New evidence &note", editor.focus_capture, "Ctrl+E"),
        attach=action("&Attach photos or files…", editor.choose_files, "Ctrl+Shift+A"),
        check=action("Sign-off chec&k", lambda: editor.show_page(SIGN_OFF_SECTION), "Ctrl+K"),
        close=action("&Close", editor.close, "Ctrl+W"),
        rate=[
            action(f"Rate level {n}", partial(editor.rate_current, n), f"Alt+{n}")
            for n in range(10)
        ],
        reports=ReportActions(
            editor,
            editor.workspace,
            editor.tasks,
            editor.visit_id,
            editor.paths,
            file_stem=editor.file_stem,
            flush=editor.saver.flush,
        ),
    )
    menu = editor.menuBar()
    review_menu = menu.addMenu("&Review")
    for act in (actions.note, actions.attach, actions.check, actions.close):
        review_menu.addAction(act)
    edit_menu = menu.addMenu("&Edit")
    edit_menu.addAction(actions.undo)
    edit_menu.addAction(actions.redo)
    report_menu = menu.addMenu("Re&port")
    report_menu.addAction(actions.reports.preview_action)
    report_menu.addAction(actions.reports.sign_action)
    go_menu = menu.addMenu("&Go")
    for act in (
        actions.next_criterion,
        actions.previous_criterion,
        actions.next_section,
        actions.previous_section,
    ):
        go_menu.addAction(act)
    return actions
