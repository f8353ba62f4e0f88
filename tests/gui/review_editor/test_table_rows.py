"""Rows of a table field: "Remove" takes away the rows the reviewer chose (a row is chosen by
clicking or tabbing into one of its cells), is unavailable while none is chosen, and is undone
with the rest of the editor's changes. Each cell's accessible name carries its row's number,
which stays true when rows above it are removed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from support.fixture_trust import CEDAR, LEAD

CASE = (LEAD, CEDAR, "two-day-peer-review")


def test_remove_takes_the_chosen_rows_and_is_undone(drive, qtbot) -> None:
    person, school, framework_id = CASE
    shell = drive.start(person)
    editor = drive.open(shell, drive.visit(shell, school, framework_id))
    records = shell.workspace.reviews
    review_id = editor.ctx.review.id
    activities = ["Meeting with the headteacher", "Learning walk", "Pupil voice", "Feedback"]
    field = drive.set_field(editor, "day-plan", [{"activity": a} for a in activities])
    drive.wait_saved(editor)
    control = field.control
    table = control.table
    remove = control.remove_button
    column = next(i for i, c in enumerate(field.spec.columns) if c.id == "activity")

    def shown() -> list[str]:
        return [row["activity"] for row in field.value()]

    def stored() -> list[str]:
        return [row["activity"] for row in records.field_values(review_id)["day-plan"].value]

    def names() -> list[list[str]]:
        return [
            [table.cellWidget(row, c).accessibleName() for c in range(table.columnCount())]
            for row in range(table.rowCount())
        ]

    def expected_names(rows: int) -> list[list[str]]:
        return [
            [f"{c.label}, Activity {row}" for c in field.spec.columns] for row in range(1, rows + 1)
        ]

    assert names() == expected_names(4)

    # Nothing chosen yet: nothing to remove.
    table.clearSelection()
    assert not remove.isEnabled()

    # Clicking into the second row's cell chooses that row; Remove takes it, not the last one.
    qtbot.mouseClick(table.cellWidget(1, column), Qt.MouseButton.LeftButton)
    assert remove.isEnabled()
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert shown() == ["Meeting with the headteacher", "Pupil voice", "Feedback"]
    assert not remove.isEnabled()
    assert QApplication.focusWidget() is control.add_button  # the keyboard stays by the table
    # A screen reader announces the rows that moved up by their new numbers.
    assert names() == expected_names(3)
    assert table.cellWidget(1, column).accessibleName() == "Activity, Activity 2"
    drive.wait_saved(editor)
    assert stored() == ["Meeting with the headteacher", "Pupil voice", "Feedback"]

    # Ctrl+click adds rows to the choice; Remove takes them all.
    qtbot.mouseClick(table.cellWidget(0, column), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(
        table.cellWidget(2, column),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
    )
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert shown() == ["Pupil voice"]
    assert names() == expected_names(1)
    drive.wait_saved(editor)
    assert stored() == ["Pupil voice"]

    # Ctrl+Z brings the removed rows back, one removal at a time.
    drive.activate(editor)
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    drive.wait_saved(editor)
    assert shown() == stored() == ["Meeting with the headteacher", "Pupil voice", "Feedback"]
    assert not remove.isEnabled()
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    drive.wait_saved(editor)
    assert shown() == stored() == activities
    assert names() == expected_names(4)
