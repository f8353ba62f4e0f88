"""Every drop-down in the app: a list that shows all its options (up to twelve rows at once) and
type-ahead that picks the closest match rather than the first longer one.

Qt's own type-ahead picks the first option, in list order, that begins with what was typed, so
"Learn" in the visit kinds lands on "Learning environment check" when "Learning walk" was
meant. Here the shortest option that begins with the typed text wins (ties: list order); typing
more letters ("Learning e") still reaches the longer one, and pressing one letter again and again
steps through the options that begin with it, as people expect from Windows lists.

The style polishes each combo box as it is first shown (``DropDownStyle``), so drop-downs made
in code, from ``.ui`` files or by generated field editors all behave alike with no call to
remember. The style sheet (``10_inputs.qss``) asks for the list popup (``combobox-popup: 0``),
which is the one that honours the visible-row count.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QListView, QProxyStyle, QWidget

#: Rows a drop-down list shows before it scrolls.
VISIBLE_ROWS = 12


def closest_match(options: list[str], typed: str) -> int | None:
    """The index of the option that best completes ``typed``: the shortest one beginning with
    it, case ignored (ties go to the earlier option); None when nothing begins with it."""
    wanted = typed.casefold()
    matches = [
        (len(text), row) for row, text in enumerate(options) if text.casefold().startswith(wanted)
    ]
    return min(matches)[1] if matches else None


class TypeAheadList(QListView):
    """The list inside a drop-down, with type-ahead by closest match (see the module doc).

    The combo box hands every printable key to ``keyboardSearch`` of its list, whether the list
    is open or not, so this one method serves both.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._typed = ""
        self._typed_at = 0.0

    def searching(self) -> bool:
        """Whether the person is in the middle of typing an option's name."""
        return bool(self._typed) and (
            time.monotonic() - self._typed_at <= QApplication.keyboardInputInterval() / 1000
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and self.searching():
            self.keyboardSearch(" ")  # a space inside a name ("Learning e") keeps searching
            return
        super().keyPressEvent(event)

    def keyboardSearch(self, search: str) -> None:
        model = self.model()
        if model is None or not search:
            self._typed = ""
            return
        now = time.monotonic()
        if now - self._typed_at > QApplication.keyboardInputInterval() / 1000:
            self._typed = ""
        self._typed_at = now
        self._typed += search
        root = self.rootIndex()
        rows = range(model.rowCount(root))
        column = self.modelColumn()
        options = [
            str(model.index(row, column, root).data(Qt.ItemDataRole.DisplayRole) or "")
            if model.flags(model.index(row, column, root)) & Qt.ItemFlag.ItemIsEnabled
            else "\0"  # a disabled option is never chosen by typing
            for row in rows
        ]
        row = closest_match(options, self._typed)
        if row is None and len(set(self._typed.casefold())) == 1:
            row = self._next_beginning_with(options, self._typed[0])
        if row is not None:
            self.setCurrentIndex(model.index(row, column, root))

    def _next_beginning_with(self, options: list[str], letter: str) -> int | None:
        """The same letter pressed again: the next option beginning with it, closest first."""
        order = sorted(
            (len(text), row)
            for row, text in enumerate(options)
            if text.casefold().startswith(letter.casefold())
        )
        if not order:
            return None
        rows = [row for _length, row in order]
        current = self.currentIndex().row()
        return rows[(rows.index(current) + 1) % len(rows)] if current in rows else rows[0]


class _SpaceKeepsSearching(QObject):
    """On a closed drop-down, Space opens the list, unless the person is typing a name with a
    space in it: then the space is part of the search."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and isinstance(watched, QComboBox)
        ):
            view = watched.view()
            if isinstance(view, TypeAheadList) and view.searching():
                before = view.currentIndex().row()
                view.setCurrentIndex(
                    view.model().index(watched.currentIndex(), 0, view.rootIndex())
                )
                view.keyboardSearch(" ")
                if view.currentIndex().row() != before:
                    watched.setCurrentIndex(view.currentIndex().row())
                return True
        return False


_SPACE_FILTER = _SpaceKeepsSearching()


def fit_drop_down(combo: QComboBox) -> None:
    """Give ``combo`` the app's list: all options up to twelve rows, closest-match type-ahead.
    Safe to call again (a re-polish after a style change)."""
    if combo.maxVisibleItems() != VISIBLE_ROWS:
        combo.setMaxVisibleItems(VISIBLE_ROWS)
    if not isinstance(combo.view(), TypeAheadList):
        current = combo.currentIndex()
        combo.setView(TypeAheadList(combo))
        if combo.currentIndex() != current:  # setView keeps the model; keep the choice too
            combo.setCurrentIndex(current)
        combo.installEventFilter(_SPACE_FILTER)


class DropDownStyle(QProxyStyle):
    """The app's style (Fusion underneath) that fits every combo box as it is polished."""

    def polish(self, target, /):  # Qt overloads: widget, palette, application
        if isinstance(target, QComboBox) and not target.isEditable():
            fit_drop_down(target)
        return super().polish(target)
