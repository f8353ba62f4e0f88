"""Help > Keyboard shortcuts: the app's own keys, window by window.

:data:`SHORTCUTS` is the list people read; a test compares it with the shortcuts the windows'
actions really have, so it cannot go stale. Keys the platform gives every program (Tab, Alt and
a letter, Alt+Down on a drop-down, Enter and Escape in a dialog) are not the app's and are not
listed, except where the app adds something to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.screen_fit import fit_window

EVERY_WINDOW = "Every window"
MAIN_WINDOW = "Main window"
EDITOR = "Review editor"


@dataclass(frozen=True, slots=True)
class Shortcut:
    """One of the app's own shortcuts: its keys (portable text), what it does, and where."""

    keys: tuple[str, ...]
    what: str
    where: str


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut(("F9",), "Sync now with the trust server", EVERY_WINDOW),
    Shortcut(("Ctrl+Shift+H",), "Hide or show safeguarding detail", EVERY_WINDOW),
    Shortcut(("F1",), "Keyboard shortcuts (this list)", EVERY_WINDOW),
    Shortcut(("Ctrl+M",), "My work: visits, reports to sign, actions, support due", MAIN_WINDOW),
    Shortcut(("Ctrl+F",), "Find a school by name or URN", MAIN_WINDOW),
    Shortcut(("Ctrl+N",), "Plan a new visit", MAIN_WINDOW),
    Shortcut(("Ctrl+O",), "Open the chosen visit's review (or Enter on the visit)", MAIN_WINDOW),
    Shortcut(("F5",), "Read schools and visits from the store again", MAIN_WINDOW),
    Shortcut(("Ctrl+,",), "Settings", MAIN_WINDOW),
    Shortcut(("Ctrl+Q",), "Quit Reviewer", MAIN_WINDOW),
    Shortcut(("F8",), "Next criterion", EDITOR),
    Shortcut(("Shift+F8",), "Previous criterion", EDITOR),
    Shortcut(("Ctrl+PgDown",), "Next section", EDITOR),
    Shortcut(("Ctrl+PgUp",), "Previous section", EDITOR),
    Shortcut(tuple(f"Alt+{n}" for n in range(10)), "Rate the criterion you are on", EDITOR),
    Shortcut(("Ctrl+E",), "New evidence note (the capture bar)", EDITOR),
    Shortcut(("Ctrl+Shift+A",), "Attach photos or files", EDITOR),
    Shortcut(("Ctrl+K",), "Sign-off check: what is still missing", EDITOR),
    Shortcut(("Ctrl+P",), "Preview the report", EDITOR),
    Shortcut(("Ctrl+Z",), "Undo", EDITOR),
    Shortcut(("Ctrl+Shift+Z", "Ctrl+Y"), "Redo", EDITOR),
    Shortcut(("Ctrl+W",), "Close the review", EDITOR),
)

#: Keys the app adds to what the platform does in a place (shown, not walked by the test).
IN_PLACE: tuple[Shortcut, ...] = (
    Shortcut(("F2", "Enter"), "Change the chosen evidence note (its words, its criteria)", EDITOR),
    Shortcut(("Delete",), "Withdraw the chosen evidence note of yours", EDITOR),
    Shortcut(("Escape",), "Close a dialog (it asks first if you typed something)", EVERY_WINDOW),
    Shortcut(
        ("Escape",),
        "Clear the capture bar or the actions form (it asks first if you typed something)",
        EDITOR,
    ),
)


def shown_keys(keys: tuple[str, ...]) -> str:
    """Keys as this platform writes them (Cmd on a Mac), ``Alt+0 to Alt+9`` for a run."""
    native = [QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys]
    if len(native) > 3:
        return f"{native[0]} to {native[-1]}"
    return " or ".join(native)


class KeyboardShortcutsDialog(QDialog):
    """The app's keyboard shortcuts, grouped by the window they work in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyboardShortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Reviewer's own keys. Everything else works as in other programs: Tab moves between "
            "controls, Alt and an underlined letter presses a button, Alt+Down opens a "
            "drop-down, Enter presses a dialog's main button."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutsList")
        self.tree.setHeaderLabels(["Keys", "What they do"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Keyboard shortcuts")
        groups: dict[str, QTreeWidgetItem] = {}
        #: (keys, what they do) as shown.
        self.rows: list[tuple[str, str]] = []
        for shortcut in SHORTCUTS + IN_PLACE:
            group = groups.get(shortcut.where)
            if group is None:
                group = QTreeWidgetItem([shortcut.where])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.tree.addTopLevelItem(group)
                group.setFirstColumnSpanned(True)
                groups[shortcut.where] = group
            row = (shown_keys(shortcut.keys), shortcut.what)
            group.addChild(QTreeWidgetItem(list(row)))
            self.rows.append(row)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        layout.addWidget(self.tree, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        layout.addWidget(buttons)
        fit_window(self, "keyboardShortcutsDialog", (620, 560))
