"""My work (issue 17): what the person using this laptop has to do next, offline, in four
lists: visits coming up, reports waiting for their signature, actions to follow up, and the
schools whose support is overdue under their category (:mod:`reviewer_app.services.my_work`).

Enter or a double click on a visit opens its review; on an action or a school, the school's page.
Opened from View > My work (Ctrl+M); read in the background each time it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.school_category import format_day

if TYPE_CHECKING:
    from reviewer_app.services.my_work import MyWork

#: Before a sync has brought the meetings held with the schools (a CEO 1:1).
_MEETINGS_UNKNOWN = (
    "Meetings such as a CEO 1:1 are recorded on the trust console; its Cadence board shows "
    "those overdue until this computer syncs with the trust."
)

#: Where an item leads: ("visit", visit id) or ("school", school id).
TARGET = Qt.ItemDataRole.UserRole


class _Section(QWidget):
    """A heading with its count, and a list (or a line saying there is nothing)."""

    def __init__(self, name: str, title: str, empty: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title, self.empty_text = title, empty
        layout = self.box = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.heading = QLabel(title)
        self.heading.setObjectName("sectionTitle")
        self.heading.setProperty("role", "subheading")
        self.list = QListWidget()
        self.list.setObjectName(name)
        self.list.setAccessibleName(title)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.empty = QLabel(empty)
        self.empty.setProperty("role", "muted")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.list, 1)

    def fill(self, rows: list[tuple[str, str, tuple[str, str]]]) -> None:
        """Rows of (text, tooltip, target)."""
        self.list.clear()
        for text, tip, target in rows:
            item = QListWidgetItem(text)
            item.setToolTip(tip)
            item.setData(TARGET, target)
            self.list.addItem(item)
        self.heading.setText(f"{self.title} ({len(rows)})" if rows else self.title)
        self.empty.setVisible(not rows)
        self.list.setVisible(bool(rows))

    def texts(self) -> list[str]:
        return [self.list.item(n).text() for n in range(self.list.count())]


class MyWorkPage(QWidget):
    """The four lists of the person's work.

    Signals:
        visit_requested(str): open this visit's review.
        school_requested(str): show this school's page.
    """

    visit_requested = Signal(str)
    school_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("myWorkPage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        title = QLabel("My work")
        title.setObjectName("myWorkTitle")
        title.setProperty("role", "heading")
        self.summary = QLabel("Reading your work from this computer…")
        self.summary.setObjectName("myWorkSummary")
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.coming_up = _Section(
            "comingUpList", "Visits coming up", "No visit is planned for you."
        )
        self.to_sign = _Section(
            "toSignList", "Reports waiting for your signature", "No report waits for you."
        )
        self.to_follow_up = _Section(
            "myActionsList",
            "Actions to follow up",
            "No open action from your visits.",
        )
        self.support = _Section(
            "supportOverdueList",
            "Support overdue at your schools",
            "No visit your schools' support asks for is overdue.",
        )
        # Meetings (a CEO 1:1) are recorded on the trust console and come at each sync: the
        # note says from when, or, before any sync brought them, that this computer cannot tell.
        self.support_note = QLabel(_MEETINGS_UNKNOWN)
        self.support_note.setObjectName("supportMeetingsNote")
        self.support_note.setProperty("role", "muted")
        self.support_note.setWordWrap(True)
        self.support.box.insertWidget(1, self.support_note)  # under the heading
        grid.addWidget(self.coming_up, 0, 0)
        grid.addWidget(self.to_sign, 0, 1)
        grid.addWidget(self.to_follow_up, 1, 0)
        grid.addWidget(self.support, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid, 1)
        for section in self.sections:
            section.list.itemActivated.connect(self._activated)

    @property
    def sections(self) -> tuple[_Section, ...]:
        return (self.coming_up, self.to_sign, self.to_follow_up, self.support)

    def _activated(self, item: QListWidgetItem) -> None:
        kind, key = item.data(TARGET)
        (self.visit_requested if kind == "visit" else self.school_requested).emit(key)

    def show_work(self, work: MyWork) -> None:
        today = work.today
        self.coming_up.fill(
            [
                (
                    f"{format_day(i.visit.start)} · {i.title} · {i.school.name}",
                    "Press Enter or double-click to open the visit",
                    ("visit", i.visit.id),
                )
                for i in work.coming_up
            ]
        )
        self.to_sign.fill(
            [
                (
                    f"{i.title} · {i.school.name} · visited {format_day(i.visit.start)}",
                    "Your turn to sign: press Enter or double-click to open the visit",
                    ("visit", i.visit.id),
                )
                for i in work.to_sign
            ]
        )
        self.to_follow_up.fill(
            [
                (
                    f"{'Overdue · ' if i.overdue(today) else ''}{i.action.text} · "
                    f"{i.school.name} · {i.action.owner or 'no owner'}"
                    + (f" · due {format_day(i.action.due)}" if i.action.due else "")
                    + (f" · {i.last_outcome} when last followed up" if i.last_outcome else ""),
                    f"Agreed at the {i.agreed_at.title} of {format_day(i.agreed_at.visit.start)}",
                    ("school", i.school.id),
                )
                for i in work.actions
            ]
        )
        self.support.fill(
            [
                (
                    f"{i.school.name} · {i.due.describe(today)}",
                    f"Category: {i.category}" if i.category else "",
                    ("school", i.school.id),
                )
                for i in work.support
            ]
        )
        if work.meetings_as_of is None:
            self.support_note.setText(_MEETINGS_UNKNOWN)
            self.support.empty.setText("No visit your schools' support asks for is overdue.")
        else:
            self.support_note.setText(
                "Visits as this computer has them; meetings such as a CEO 1:1 as the trust "
                f"console had them at your last sync, {format_day(work.meetings_as_of)}."
            )
            self.support.empty.setText("Every school's support is on time.")
        overdue = sum(i.overdue(today) for i in work.actions)
        if work.empty:
            self.summary.setText("Nothing waits for you on this computer.")
        else:
            self.summary.setText(
                f"{_count(len(work.coming_up), 'visit')} coming up, "
                f"{_count(len(work.to_sign), 'report')} to sign, "
                f"{_count(len(work.actions), 'action')} to follow up ({overdue} overdue) and "
                f"{_count(len(work.support), 'piece')} of support overdue, as this computer "
                f"has them on {format_day(today)}."
            )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def load_my_work(window: object, page: MyWorkPage, today: Callable[[], date] = date.today) -> None:
    """Read the person's work in the background and show it on ``page``."""
    from reviewer_app.services.my_work import my_work

    workspace = getattr(window, "workspace", None)
    tasks = getattr(window, "tasks", None)
    if workspace is None or tasks is None:
        return
    day = today()
    tasks.run(lambda: my_work(workspace, day), on_done=page.show_work, context=page)
