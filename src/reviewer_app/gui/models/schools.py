"""The schools list: a list model over domain :class:`School` objects and its name/URN filter."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from reviewer_app.domain.organisation import School

#: The :class:`School` behind a row.
SchoolRole = Qt.ItemDataRole.UserRole + 1
#: One line of facts under the name: "URN 100001 · Primary · Oldham".
FactsRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


def school_facts(school: School) -> str:
    """The facts line shown under a school's name."""
    parts = [f"URN {school.urn}", school.phase.label]
    if school.local_authority:
        parts.append(school.local_authority)
    return " · ".join(parts)


class SchoolListModel(QAbstractListModel):
    """Schools in the order the Workspace gives them (by name)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._schools: list[School] = []

    def set_schools(self, schools: Sequence[School]) -> None:
        """Replace the list (a reload after the store changed, or the Workspace taking over).

        When the same schools arrive in the same order, the rows are updated in place (views
        keep their selection and scroll position, proxies their filter); otherwise the model
        is reset.
        """
        new = list(schools)
        if [s.id for s in new] == [s.id for s in self._schools]:
            changed = [
                row for row, (a, b) in enumerate(zip(self._schools, new, strict=True)) if a != b
            ]
            self._schools = new
            if changed:
                self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], 0))
            return
        self.beginResetModel()
        self._schools = new
        self.endResetModel()

    def schools(self) -> list[School]:
        return list(self._schools)

    def row_of(self, school_id: str) -> int:
        """Row of the school with ``school_id``, or -1."""
        for row, school in enumerate(self._schools):
            if school.id == school_id:
                return row
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._schools)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._schools):
            return None
        school = self._schools[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return school.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{school.name}\n{school_facts(school)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{school.name}, {school_facts(school)}"
        if role == FactsRole:
            return school_facts(school)
        if role == SchoolRole:
            return school
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


class SchoolFilterModel(QSortFilterProxyModel):
    """Shows the schools whose name or URN matches every word typed (case-insensitive).

    "oak 1000" finds Oak Primary with URN 100012; a lone number matches URNs containing it.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_query(self, text: str) -> None:
        """Filter by ``text``; an empty query shows every school."""
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._words:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        school = index.data(SchoolRole)
        if school is None:
            return False
        haystack = f"{school.name.casefold()} {school.urn}"
        return all(word in haystack for word in self._words)
