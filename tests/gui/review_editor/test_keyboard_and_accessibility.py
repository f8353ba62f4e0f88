"""Keyboard first and accessible, on each of the three frameworks: Tab reaches every control of
every page in reading order (sections, then the page top to bottom, then the evidence panel),
and every control it reaches has an accessible name (or a visible label that is its buddy) and
an accessible description."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.review_editor import ReviewEditor
from support.fixture_trust import CEDAR, LEAD, SAFEGUARDING_LEAD, WILLOW

CASES = {
    "learning-walk": (LEAD, CEDAR, {"status": VisitStatus.IN_PROGRESS}),
    "safeguarding-audit": (
        SAFEGUARDING_LEAD,
        WILLOW,
        {"status": VisitStatus.PLANNED},
    ),
    "two-day-peer-review": (LEAD, CEDAR, {"status": VisitStatus.PLANNED}),
}


@dataclass
class Stop:
    widget: QWidget
    where: str  # "nav", "page" or "evidence"


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName()!r} {widget.accessibleName()!r}"


def buddy_label(widget: QWidget) -> QLabel | None:
    """A visible label whose buddy is ``widget`` (screen readers read it as the name)."""
    for label in widget.window().findChildren(QLabel):
        if label.buddy() is widget and label.isVisible() and label.text().strip():
            return label
    return None


def focusable(editor: ReviewEditor) -> list[QWidget]:
    """Every control on screen that takes focus with Tab."""
    found = []
    for widget in editor.findChildren(QWidget):
        if (
            widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
            and widget.window() is editor
        ):
            found.append(widget)
    return found


def tab_round(qtbot, editor: ReviewEditor) -> list[Stop]:
    """Put the keyboard on the sections list and press Tab until it comes back."""
    editor.nav.setFocus(Qt.FocusReason.TabFocusReason)
    assert QApplication.focusWidget() is editor.nav
    page = editor.stack.currentWidget()
    stops: list[Stop] = []
    for _ in range(600):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is editor.nav:
            return stops
        assert widget is not None
        assert widget.window() is editor, "Tab left the editor"
        if page.isAncestorOf(widget):
            where = "page"
        elif editor.evidence.isAncestorOf(widget):
            where = "evidence"
        else:
            where = "other"
        stops.append(Stop(widget, where))
    raise AssertionError(
        "Tab never came back to the sections list: "
        + "; ".join(describe(s.widget) for s in stops[:60])
    )


def page_position(page: QWidget, widget: QWidget) -> tuple[int, int]:
    body = page.widget() if hasattr(page, "widget") else page
    point = widget.mapTo(body, QPoint(0, 0))
    return point.y(), point.x()


@pytest.mark.parametrize("framework_id", list(CASES))
def test_every_control_is_reached_by_tab_in_order_and_is_named(drive, qtbot, framework_id) -> None:
    person, school, match = CASES[framework_id]
    shell = drive.start(person)
    visit = drive.visit(shell, school, framework_id, **match)
    editor = drive.open(shell, visit)
    unnamed: list[str] = []
    undescribed: list[str] = []
    unreachable: list[str] = []
    out_of_order: list[str] = []
    for row, key in enumerate(editor.nav_keys):
        if editor.nav.item(row).isHidden():
            continue
        editor.nav.setCurrentRow(row)
        page = editor.stack.currentWidget()
        qtbot.waitUntil(lambda p=page: p.isVisible())
        stops = tab_round(qtbot, editor)
        where = [s.where for s in stops]
        # Sections, then the page, then the evidence panel: never back and forth.
        assert "other" not in where, [describe(s.widget) for s in stops if s.where == "other"]
        assert where == sorted(where, key=["page", "evidence"].index), (key, where)
        # Within the page, top to bottom (and left to right on one line).
        inside = [s.widget for s in stops if s.where == "page" and s.widget is not page]
        positions = [page_position(page, w) for w in inside]
        for before, after, widget in zip(positions, positions[1:], inside[1:], strict=False):
            if after[0] < before[0] - 4:
                out_of_order.append(f"{key}: {describe(widget)} comes back up the page")
        reached = {id(s.widget) for s in stops} | {id(editor.nav)}
        for widget in focusable(editor):
            if id(widget) not in reached:
                unreachable.append(f"{key}: {describe(widget)}")
        for stop in [Stop(editor.nav, "nav"), *stops]:
            widget = stop.widget
            if not widget.accessibleName().strip() and buddy_label(widget) is None:
                unnamed.append(f"{key}: {describe(widget)}")
            if not widget.accessibleDescription().strip():
                undescribed.append(f"{key}: {describe(widget)}")
    problems = {
        "not reached by Tab": unreachable,
        "no accessible name": unnamed,
        "no accessible description": undescribed,
        "out of reading order": out_of_order,
    }
    import json

    print(
        "PROB",
        framework_id,
        json.dumps({k: sorted(set(v)) for k, v in problems.items() if v}, indent=0),
    )
    assert {k: sorted(set(v)) for k, v in problems.items() if v} == {}


def test_rows_added_to_a_table_join_the_tab_order_in_place(drive, qtbot) -> None:
    person, school, match = CASES["two-day-peer-review"]
    shell = drive.start(person)
    editor = drive.open(shell, drive.visit(shell, school, "two-day-peer-review", **match))
    field = drive.field(editor, "day-plan")
    table = field.control
    for _ in range(2):
        table.add_button.setFocus()
        qtbot.keyClick(table.add_button, Qt.Key.Key_Space)
        # The new row's first cell has the keyboard.
        assert QApplication.focusWidget() is table.table.cellWidget(table.table.rowCount() - 1, 0)
    # Tab goes along each row, then on to the next row, then to the buttons under the table.
    cells = [
        table.table.cellWidget(row, column)
        for row in range(table.table.rowCount())
        for column in range(table.table.columnCount())
    ]
    assert len(cells) == 2 * len(field.spec.columns)
    cells[0].setFocus()
    reached = [cells[0]]
    for _ in range(len(cells) + 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    assert reached == [*cells, table.add_button, table.remove_button]
    assert all(cell.accessibleName() and cell.accessibleDescription() for cell in cells)
    assert cells[len(field.spec.columns)].accessibleName().endswith(" 2")
