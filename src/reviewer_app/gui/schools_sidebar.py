"""The schools sidebar: a filter box (name or URN) above the list of the trust's schools."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from reviewer_app.domain.organisation import School
from reviewer_app.gui import theme
from reviewer_app.gui.delegates import SchoolItemDelegate
from reviewer_app.gui.models.schools import SchoolFilterModel, SchoolListModel, SchoolRole


class SchoolsSidebar(QWidget):
    """Lists the schools and lets the person narrow them down by typing.

    Enter in the filter opens the first match; a filter that matches nothing says so.

    Signals:
        school_chosen(School): the person chose a school (click, keys, or Enter in the filter).
    """

    school_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumWidth(240)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 16, 12, 12)
        layout.setSpacing(10)
        title = QLabel("SCHOOLS")
        title.setObjectName("sidebarTitle")
        title.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(title)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("schoolFilter")
        self.filter_edit.setPlaceholderText("Find by name or URN")
        self.filter_edit.setAccessibleName("Find a school by name or URN")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.addAction(theme.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        layout.addWidget(self.filter_edit)

        self.model = SchoolListModel(self)
        self.proxy = SchoolFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.view = QListView()
        self.view.setObjectName("schoolList")
        self.view.setAccessibleName("Schools")
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(SchoolItemDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setMouseTracking(True)
        self.view.setUniformItemSizes(True)
        self.no_match = QLabel()
        self.no_match.setObjectName("noMatch")
        self.no_match.setProperty("role", "muted")
        self.no_match.setWordWrap(True)
        self.no_match.setContentsMargins(6, 4, 6, 0)
        self.no_match.hide()
        layout.addWidget(self.no_match)
        layout.addWidget(self.view, 1)

        self.filter_edit.textChanged.connect(self._filter_changed)
        self.filter_edit.returnPressed.connect(self._open_first_match)
        self.view.selectionModel().currentChanged.connect(self._current_changed)

    def set_schools(self, schools: Sequence[School]) -> None:
        """Replace the list (the filter stays as typed)."""
        self.model.set_schools(schools)
        self._update_no_match()

    def current_school(self) -> School | None:
        index = self.view.currentIndex()
        return index.data(SchoolRole) if index.isValid() else None

    def select_school(self, school_id: str) -> bool:
        """Choose the school with ``school_id``, clearing a filter that hides it."""
        row = self.model.row_of(school_id)
        if row < 0:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():
            self.filter_edit.clear()
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.selectionModel().setCurrentIndex(
            proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(proxy_index)
        return True

    def focus_filter(self) -> None:
        """Put the keyboard focus in the filter with its text selected (Ctrl+F)."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        school = current.data(SchoolRole) if current.isValid() else None
        if school is not None:
            self.school_chosen.emit(school)

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_query(text)
        self._update_no_match()

    def _update_no_match(self) -> None:
        query = self.filter_edit.text().strip()
        empty = bool(query) and self.proxy.rowCount() == 0
        if empty:
            self.no_match.setText(
                f"No school matches “{query}”. Check the spelling, or type the six-digit URN."
            )
        self.no_match.setVisible(empty)

    def _open_first_match(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        self.view.selectionModel().setCurrentIndex(
            self.proxy.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
