"""A school's visits as a table: dates, visit kind, status, team. Newest first.

The status column shows how far each visit's work has got (``services.visit_progress``): in
progress, ready for sign-off, waiting for signatures, signed. :meth:`VisitTableModel.set_tracks`
updates only the rows whose progress moved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from reviewer_app.domain.organisation import Role
from reviewer_app.domain.visit_progress import VisitProgress
from reviewer_app.domain.visits import Visit
from reviewer_app.domain.wording import readable_key

if TYPE_CHECKING:
    from reviewer_app.services.visit_progress import VisitTrack

#: The :class:`Visit` behind a row.
VisitRole = Qt.ItemDataRole.UserRole + 1
#: The visit's :class:`VisitProgress` (the status column paints it as a chip).
StatusRole = Qt.ItemDataRole.UserRole + 2
#: ``True`` when the visit's report waits for this person's signature ("Your turn to sign").
YourTurnRole = Qt.ItemDataRole.UserRole + 3

#: What the status column says of a visit waiting for this person's signature.
YOUR_TURN = "Your turn to sign"

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("When", "Visit", "Status", "Team")
WHEN, KIND, STATUS, TEAM = range(len(COLUMNS))


def format_dates(start: date, end: date) -> str:
    """'4 Nov 2025', '12–13 Mar 2026', '30 Mar – 2 Apr 2026' or across years in full."""
    if start == end:
        return f"{start.day} {start:%b %Y}"
    if start.year != end.year:
        return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day}–{end.day} {end:%b %Y}"


def visit_dates(visit: Visit) -> str:
    """Actual dates once known, planned dates before."""
    if visit.actual_start is not None:
        return format_dates(visit.actual_start, visit.actual_end or visit.actual_start)
    return format_dates(visit.planned_start, visit.planned_end)


class VisitTableModel(QAbstractTableModel):
    """The visits of one school, in the order given (the Workspace returns newest first).

    ``kind_titles`` maps framework ids to their titles, ``people`` maps person ids to names.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._visits: list[Visit] = []
        self._kind_titles: Mapping[str, str] = {}
        self._people: Mapping[str, str] = {}
        self._tracks: dict[str, VisitTrack] = {}

    def set_visits(
        self,
        visits: Sequence[Visit],
        *,
        kind_titles: Mapping[str, str],
        people: Mapping[str, str],
        tracks: Mapping[str, VisitTrack] | None = None,
    ) -> None:
        self.beginResetModel()
        self._visits = list(visits)
        self._kind_titles = dict(kind_titles)
        self._people = dict(people)
        if tracks is not None:
            self._tracks = dict(tracks)
        self.endResetModel()

    def set_tracks(self, tracks: Mapping[str, VisitTrack]) -> list[str]:
        """New progress for some visits: only their rows are redrawn. Returns the visit ids
        whose progress moved."""
        moved = []
        for row, visit in enumerate(self._visits):
            track = tracks.get(visit.id)
            if track is None or track == self._tracks.get(visit.id):
                continue
            self._tracks[visit.id] = track
            moved.append(visit.id)
            cell = self.index(row, STATUS)
            self.dataChanged.emit(cell, cell)
        return moved

    def progress(self, visit: Visit) -> VisitProgress:
        """How far the visit's work has got (from its status until its review is read)."""
        track = self._tracks.get(visit.id)
        return track.progress if track is not None else VisitProgress(visit.status.value)

    def your_turn(self, visit: Visit) -> bool:
        """Whether the visit's report waits for the signature of the person using this laptop."""
        track = self._tracks.get(visit.id)
        return track is not None and track.your_turn

    def review_ids(self) -> set[str]:
        """The current reviews of the visits shown."""
        return {t.review_id for t in self._tracks.values() if t.review_id is not None}

    def visits(self) -> list[Visit]:
        return list(self._visits)

    def kind_title(self, visit: Visit) -> str:
        """The framework's title; until the frameworks have loaded, a readable form of its id."""
        if visit.title:
            return visit.title
        title = self._kind_titles.get(visit.framework_id)
        return title or readable_key(visit.framework_id)

    def team_text(self, visit: Visit) -> str:
        """'Sam Patel (lead), Jo Evans'; the lead first."""
        names = []
        ordered = sorted(visit.reviewers, key=lambda r: r.role is not Role.LEAD_REVIEWER)
        for reviewer in ordered:
            name = self._people.get(reviewer.person_id, "Unknown reviewer")
            names.append(f"{name} (lead)" if reviewer.role is Role.LEAD_REVIEWER else name)
        return ", ".join(names)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visits)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._visits):
            return None
        visit = self._visits[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == WHEN:
                return visit_dates(visit)
            if column == KIND:
                return self.kind_title(visit)
            if column == STATUS:
                return YOUR_TURN if self.your_turn(visit) else self.progress(visit).label
            if column == TEAM:
                return self.team_text(visit)
        if role == Qt.ItemDataRole.ToolTipRole and column == TEAM:
            return self.team_text(visit)
        if role == Qt.ItemDataRole.ToolTipRole and column == STATUS and self.your_turn(visit):
            return (
                f"{self.progress(visit).label}: the report waits for your signature. Open the "
                "visit and choose Sign report… on its Sign-off check page."
            )
        if role == YourTurnRole:
            return self.your_turn(visit)
        if role == StatusRole:
            return self.progress(visit)
        if role == VisitRole:
            return visit
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
