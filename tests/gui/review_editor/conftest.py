"""Driving the real review editor the way a reviewer does: keys on rating controls, typing in
fields, the capture bar, the actions form, Enter on the sign-off check's missing items."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell, start_shell
from reviewer_app.domain.visits import Visit
from reviewer_app.gui.review_editor import ReviewEditor
from reviewer_app.gui.review_editor.criterion_card import RatingControl
from reviewer_app.gui.review_editor.field_widgets import DateLine, FieldEditor, TableEditor
from reviewer_app.gui.review_editor.signoff_page import SIGN_OFF_SECTION, SignOffPage
from reviewer_app.paths import AppPaths
from reviewer_app.services.review_records import ReviewRecords
from reviewer_app.settings import Settings
from support.fixture_trust import open_fixture_workspace
from support.identity import act_as


def make_photo(folder: Path, name: str, colour: str = "#3C9A5F") -> Path:
    """A real PNG on disk, as a phone photo would be."""
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    path = folder / name
    assert image.save(str(path))
    return path


def drop_files(widget: QWidget, files: list[Path]) -> tuple[bool, bool]:
    """Drag ``files`` over ``widget`` and drop them, as a file manager does; returns whether
    the drag was accepted on entering and the drop was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    mime.setText("\n".join(str(f) for f in files))  # file managers offer text too
    point = QPointF(widget.rect().center())
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(widget, drop)
    return enter.isAccepted(), drop.isAccepted()


class Driver:
    """Opens the app as one person of the tests' trust (``support/fixture_trust.py``) and drives
    editors through their widgets."""

    def __init__(self, qtbot: QtBot, paths: AppPaths) -> None:
        self.qtbot = qtbot
        self.paths = paths
        self.shells: list[Shell] = []

    # ------------------------------------------------------------------ app

    def start(self, person_name: str) -> Shell:
        """Start the app on the tests' trust as ``person_name`` (who uses this laptop)."""
        workspace = open_fixture_workspace(self.paths)
        person = next(p for p in workspace.list_people() if p.name == person_name)
        if workspace.current_person.id != person.id:
            act_as(workspace, person)
        shell = start_shell(self.paths, demo=True, workspace=workspace, settings=Settings())
        self.qtbot.addWidget(shell.window)
        shell.window.show()
        self.qtbot.waitUntil(
            lambda: shell.window.schools_model.rowCount() > 0 and shell.tasks.pending == 0,
            timeout=10_000,
        )
        self.shells.append(shell)
        return shell

    def close_all(self) -> None:
        for shell in self.shells:
            shell.close()
        self.shells.clear()

    def visit(self, shell: Shell, school: str, framework_id: str, **match: Any) -> Visit:
        workspace = shell.workspace
        found = next(s for s in workspace.list_schools(school) if s.name == school)
        visits = [
            v for v in workspace.visits_for_school(found.id) if v.framework_id == framework_id
        ]
        for key, value in match.items():
            visits = [v for v in visits if getattr(v, key) == value]
        return visits[0]

    def plan_next_visit(self, shell: Shell, earlier: Visit, days_later: int = 21) -> Visit:
        """The school's next visit of the same kind, planned by the same team."""
        start = earlier.start + timedelta(days=days_later)
        visit = Visit(
            id=__import__("reviewer_app.domain.ids", fromlist=["new_id"]).new_id(),
            school_id=earlier.school_id,
            framework_id=earlier.framework_id,
            planned_start=start,
            planned_end=start,
            reviewers=earlier.reviewers,
        )
        return shell.workspace.save_visit(visit)

    def records_as(self, shell: Shell, person_name: str) -> ReviewRecords:
        """Review records written as another team member (their laptop's work, synced)."""
        person = next(p for p in shell.workspace.list_people() if p.name == person_name)
        return ReviewRecords(shell.workspace._store, shell.workspace.lane, lambda: person)

    def open(self, shell: Shell, visit: Visit) -> ReviewEditor:
        """Open the visit from the school page with the keyboard (select it, press Enter)."""
        window = shell.window
        window.select_school(visit.school_id)
        if not any(v.id == visit.id for v in window.school_page.visits_model.visits()):
            window._load_visits(visit.school_id)  # a visit planned behind the window's back
        self.qtbot.waitUntil(
            lambda: any(v.id == visit.id for v in window.school_page.visits_model.visits()),
            timeout=10_000,
        )
        window.school_page.select_visit(visit.id)
        view = window.school_page.visits_view
        view.setFocus()
        self.qtbot.keyClick(view, Qt.Key.Key_Return)
        editor = window.review_editors[visit.id]
        self.wait_loaded(editor)
        self.activate(editor)
        return editor

    def wait_loaded(self, editor: ReviewEditor, *, after: Any = None) -> None:
        """Wait until the editor shows a review (other than ``after``) with its notes read."""
        self.qtbot.waitUntil(
            lambda: (
                editor.ctx is not None
                and editor.ctx is not after
                and editor.notes_ready
                and editor.tasks.pending == 0
            ),
            timeout=10_000,
        )

    def activate(self, editor: ReviewEditor) -> None:
        """Bring the editor's window to the front (shortcuts work in the active window)."""
        editor.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=20_000)

    # ------------------------------------------------------------------ editing

    def wait_saved(self, editor: ReviewEditor) -> None:
        self.qtbot.waitUntil(
            lambda: (
                editor.saver.idle
                and editor.saved_indicator.property("state") == "saved"
                and editor.tasks.pending == 0
            ),
            timeout=10_000,
        )

    def field(self, editor: ReviewEditor, stored_id: str) -> FieldEditor:
        from reviewer_app.gui.review_editor.script import _section_of_field

        page = editor.show_page(_section_of_field(editor, stored_id))
        return page.field_editors[stored_id]  # type: ignore[attr-defined]

    def set_field(self, editor: ReviewEditor, stored_id: str, value: Any) -> FieldEditor:
        """Fill a field through its control, as typed or picked."""
        field = self.field(editor, stored_id)
        self.fill_control(field, value)
        return field

    def fill_control(self, field: FieldEditor, value: Any) -> None:
        control = field.control
        control.setFocus()
        if isinstance(control, QPlainTextEdit):
            control.selectAll()
            self.qtbot.keyClicks(control, str(value))
        elif isinstance(control, DateLine):
            control.clear()
            self.qtbot.keyClicks(control, value)
            self.qtbot.keyClick(control, Qt.Key.Key_Return)
        elif isinstance(control, QLineEdit):
            control.selectAll()
            self.qtbot.keyClicks(control, str(value))
        elif isinstance(control, QComboBox):
            index = control.findData(value)
            assert index >= 0, (field.stored_id, value)
            control.setCurrentIndex(index)
        elif isinstance(control, QSpinBox):
            control.setValue(int(value))
        elif isinstance(control, TableEditor):
            for row in value:
                control.add_button.click()
                r = control.table.rowCount() - 1
                for c, column in enumerate(field.spec.columns):
                    if column.id not in row:
                        continue
                    cell = control.table.cellWidget(r, c)
                    if isinstance(cell, QComboBox):
                        cell.setCurrentIndex(cell.findData(row[column.id]))
                    elif isinstance(cell, DateLine):
                        cell.setFocus()
                        self.qtbot.keyClicks(cell, row[column.id])
                        self.qtbot.keyClick(cell, Qt.Key.Key_Return)
                    elif isinstance(cell, QLineEdit):
                        cell.setFocus()
                        self.qtbot.keyClicks(cell, row[column.id])
        else:
            checks = control.findChildren(QCheckBox)
            for check in checks:
                key = next(o.key for o in field.spec.options if o.label == check.text())
                if (key in value) != check.isChecked():
                    check.click()

    def rate(
        self, editor: ReviewEditor, criterion_id: str, number: int, *, agreed: bool = False
    ) -> RatingControl:
        """Go to the criterion (F8 style navigation) and press the level's number key."""
        card = editor.go_to_criterion(criterion_id)
        control = card.agreed if agreed else card.rating
        assert control is not None
        assert control.isEnabled()
        control.setFocus()
        self.qtbot.keyClick(control, Qt.Key(Qt.Key.Key_0 + number))
        return control

    def capture(self, editor: ReviewEditor, line: str) -> None:
        """Ctrl+E, type the note with its tokens, Enter."""
        self.activate(editor)
        self.qtbot.keyClick(editor, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        capture = editor.evidence.capture
        assert QApplication.focusWidget() is capture
        self.qtbot.keyClicks(capture, line)
        self.qtbot.keyClick(capture, Qt.Key.Key_Return)

    def drop_on(self, widget: QWidget, files: list[Path]) -> tuple[bool, bool]:
        """Drop files on ``widget``; whether the drag and the drop were accepted."""
        return drop_files(widget, files)

    def drop(self, editor: ReviewEditor, files: list[Path]) -> None:
        """Drop files on the evidence notes, as from a file manager (a real QDropEvent)."""
        entered, dropped = drop_files(editor.evidence.notes_view.viewport(), files)
        assert entered
        assert dropped

    def sign_off_page(self, editor: ReviewEditor) -> SignOffPage:
        self.activate(editor)
        self.qtbot.keyClick(editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        page = editor.pages[SIGN_OFF_SECTION]
        assert isinstance(page, SignOffPage)
        assert editor.stack.currentWidget() is page
        return page

    def complete_from_check(
        self, editor: ReviewEditor, answer: Callable[[str, Any], Any], limit: int = 200
    ) -> list[str]:
        """Work through the sign-off check: Enter on the first missing item jumps to it, then
        fill what has the keyboard. ``answer(target id, widget)`` gives the value (or level
        number for a rating). Returns the messages of the items filled, in order."""
        done: list[str] = []
        for _ in range(limit):
            page = self.sign_off_page(editor)
            if page.missing_list.count() == 0:
                return done
            page.missing_list.setFocus()
            page.missing_list.setCurrentRow(0)
            item = page.missing_list.item(0).data(Qt.ItemDataRole.UserRole)
            done.append(item.message)
            self.qtbot.keyClick(page.missing_list, Qt.Key.Key_Return)
            focus = QApplication.focusWidget()
            if isinstance(focus, RatingControl):
                self.qtbot.keyClick(
                    focus, Qt.Key(Qt.Key.Key_0 + int(answer(item.target_id, focus)))
                )
            else:
                field = focus
                while field is not None and not isinstance(field, FieldEditor):
                    field = field.parentWidget()
                assert isinstance(field, FieldEditor), (
                    f"no field has the keyboard for {item.message}"
                )
                self.fill_control(field, answer(item.target_id, field))
        raise AssertionError(f"the sign-off check never emptied: {done[-3:]}")


@pytest.fixture
def paths(data_dir: Path) -> AppPaths:
    return AppPaths.from_base(data_dir).ensure()


@pytest.fixture
def drive(qtbot: QtBot, paths: AppPaths) -> Iterator[Driver]:
    driver = Driver(qtbot, paths)
    yield driver
    driver.close_all()


@pytest.fixture
def photo(tmp_path: Path) -> Callable[..., Path]:
    """Make a real PNG file to attach: ``photo("corridor.png")``."""
    return lambda name, colour="#3C9A5F": make_photo(tmp_path, name, colour)
