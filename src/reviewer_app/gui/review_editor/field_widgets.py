# Longer than 600 lines because one factory per field kind, each a few lines, and their shared
# FieldEditor.
"""Widgets generated from a framework's field specs, one factory per field kind.

Each :class:`FieldEditor` shows a label, help and a control for one :class:`FieldSpec` and stores
JSON values: text -> str, choice -> option key, multi_choice -> [keys], date -> "YYYY-MM-DD",
time -> "HH:MM", count -> int, yes_no -> bool, row references -> str / [str], table -> [{column
id: value}]. ``edited(value)`` is emitted on every change the person makes (never on
:meth:`set_value`), so the editor can debounce and save it.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.action_fields import DUE_FIELD_IDS
from reviewer_app.domain.frameworks import FieldSpec, TableColumn
from reviewer_app.domain.frameworks.fields import ROW_REFERENCE_PATTERN
from reviewer_app.gui.review_editor.field_conflict import FieldConflict

#: What the style sheet's table item padding (``20_lists.qss``) takes from a cell, plus the grid.
CELL_PADDING_X = 2 * 8 + 1
CELL_PADDING_Y = 2 * 4 + 1

_DATE_FORMATS = (
    "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%m-%Y", "%d.%m.%Y",
    "%a %d %b %Y",  # as show_date shows it
)  # fmt: skip
#: How a date may be typed, said the same way wherever a date is refused.
DATE_EXAMPLES = "Type a date such as 23/11/2026, 23/11, today or +7."
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?")


class NotADateError(ValueError):
    """Typed text that is not a date; the message says why, in the person's words."""


def _no_such_day(text: str, today: date) -> str | None:
    """Why a day/month(/year) typed in digits is no date (31/02/2027), or None if it is one."""
    found = _NUMERIC_DATE.fullmatch(text)
    if found is None:
        return None
    day, month = int(found.group(1)), int(found.group(2))
    year_text = found.group(3)
    year = today.year if year_text is None else int(year_text)
    if year_text is not None and len(year_text) == 2:
        year += 2000
    if not 1 <= month <= 12:
        return f"“{text}” is not a date: there is no month {month}. {DATE_EXAMPLES}"
    try:
        date(year, month, day)
    except ValueError:
        month_name = date(year, month, 1).strftime("%B")
        last = calendar.monthrange(year, month)[1]
        return f"“{text}” is not a date: {month_name} {year} has {last} days. {DATE_EXAMPLES}"
    return None


def parse_date(text: str, today: date | None = None) -> date | None:
    """A date typed the way people type them: ``23/11/2026``, ``23/11``, ``2026-11-23``,
    ``today``, ``tomorrow``, ``+14`` (days from today). None for blank; ``NotADateError`` (whose
    message names the text and why, such as February having 28 days) if it is not a date."""
    today = today or date.today()
    typed = text.strip()
    text = typed.lower()
    if not text:
        return None
    if text in ("today", "t"):
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if re.fullmatch(r"\+\d{1,3}", text):
        return today + timedelta(days=int(text[1:]))
    impossible = _no_such_day(text, today)
    if impossible is not None:
        raise NotADateError(impossible)
    if re.fullmatch(r"\d{1,2}/\d{1,2}", text):
        day, month = (int(part) for part in text.split("/"))
        return date(today.year, month, day)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise NotADateError(f"“{typed}” is not a date. {DATE_EXAMPLES}")


def show_date(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


class DateLine(QLineEdit):
    """A date typed as text (``23/11``, ``today``, ``+14``), shown back as ``Mon 23 Nov 2026``.

    Text that is not a date is kept as typed, marked, and :meth:`problem` says why.

    Signals:
        date_changed(object): the date (or None when cleared) after the person finished typing.
        problem_changed(str): why the typed text is not a date ("" once it is one again).
    """

    date_changed = Signal(object)
    problem_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("dd/mm/yyyy, today or +7")
        self.setAccessibleDescription(DATE_EXAMPLES)
        self._date: date | None = None
        self._problem = ""
        self.editingFinished.connect(self.finish)

    def chosen_date(self) -> date | None:
        """The date last read; None when blank or when the text is not a date."""
        return None if self._problem else self._date

    def problem(self) -> str:
        """Why the text in the box is not a date, or "" when it is one (or blank)."""
        return self._problem

    def set_date(self, value: date | None) -> None:
        self._date = value
        self.setText(show_date(value) if value else "")
        self._show_problem("")

    def _show_problem(self, problem: str) -> None:
        changed = problem != self._problem
        self._problem = problem
        self.setProperty("invalid", "true" if problem else "false")
        self.setToolTip(problem)
        self.style().unpolish(self)
        self.style().polish(self)
        if changed:
            self.problem_changed.emit(problem)

    def finish(self) -> None:
        """Read the typed date (when the person leaves the box, or the form is sent)."""
        if self._date is not None and self.text() == show_date(self._date):
            return  # shown as it was read ("Mon 23 Nov 2026" is not in the typed formats)
        try:
            value = parse_date(self.text())
        except NotADateError as error:
            self._show_problem(str(error))
            return
        changed = value != self._date
        self.set_date(value)
        if changed:
            self.date_changed.emit(value)


class GrowingTextEdit(QPlainTextEdit):
    """Paragraph text that grows with its content (no inner scroll bar on a scrolling page).

    Signals:
        text_edited(): the person changed the text.
    """

    text_edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._setting = False
        self.document().contentsChanged.connect(self._changed)
        self._fit()

    def set_text(self, text: str) -> None:
        self._setting = True
        try:
            if self.toPlainText() != text:
                self.setPlainText(text)
        finally:
            self._setting = False
        self._fit()

    def _changed(self) -> None:
        self._fit()
        if not self._setting:
            self.text_edited.emit()

    def _fit(self) -> None:
        lines = max(2, min(14, int(self.document().size().height())))
        line = self.fontMetrics().lineSpacing()
        self.setFixedHeight(lines * line + 2 * int(self.document().documentMargin()) + 6)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit()  # the cells' sizes are known once the style sheet has polished them


def _cell_widget(column: TableColumn, value: Any) -> QWidget:
    kind = column.kind
    if kind in ("choice", "yes_no"):
        box = QComboBox()
        box.addItem("—", None)
        options = (
            [("Yes", True), ("No", False)]
            if kind == "yes_no"
            else [(o.label, o.key) for o in column.options]
        )
        for label, key in options:
            box.addItem(label, key)
        index = box.findData(value) if value is not None else 0
        box.setCurrentIndex(max(0, index))
        return box
    if kind == "date":
        date_line = DateLine()
        try:
            date_line.set_date(date.fromisoformat(value) if value else None)
        except (TypeError, ValueError):
            date_line.set_date(None)
        return date_line
    if kind == "count":
        spin = QSpinBox()
        spin.setRange(-1, 100_000)
        spin.setSpecialValueText("—")
        spin.setValue(int(value) if isinstance(value, int) else -1)
        return spin
    line = QLineEdit()
    if kind == "row_reference":
        line.setValidator(QRegularExpressionValidator(QRegularExpression(ROW_REFERENCE_PATTERN)))
        line.setPlaceholderText("e.g. R14")
    elif kind == "time":
        line.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"^([01]?\d|2[0-3]):[0-5]\d$"))
        )
        line.setPlaceholderText("hh:mm")
    line.setText(str(value) if value is not None else "")
    return line


def _cell_value(widget: QWidget) -> Any:
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, DateLine):
        value = widget.chosen_date()
        return value.isoformat() if value else None
    if isinstance(widget, QSpinBox):
        return None if widget.value() < 0 else widget.value()
    if isinstance(widget, QLineEdit):
        # A half-typed reference ("Jan") is not acceptable input and is never stored.
        return (widget.text().strip() or None) if widget.hasAcceptableInput() else None
    return None


def _connect_cell(widget: QWidget, slot) -> None:
    if isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(lambda _i: slot())
    elif isinstance(widget, DateLine):
        widget.date_changed.connect(lambda _d: slot())
    elif isinstance(widget, QSpinBox):
        widget.valueChanged.connect(lambda _v: slot())
    elif isinstance(widget, QLineEdit):
        widget.textEdited.connect(lambda _t: slot())


class TableEditor(QWidget):
    """Rows of a table field (a day plan, an anonymised record sample), one widget per cell.

    Signals:
        changed(): a cell, or the rows, changed.
    """

    changed = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(spec.columns))
        self.table.setHorizontalHeaderLabels([c.label for c in spec.columns])
        self.table.setAccessibleName(spec.label)
        # The keyboard goes to the cells and the buttons; the table itself is no stop.
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setVisible(False)
        # A row is chosen by clicking or tabbing into one of its cells (Ctrl+click adds rows).
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # sized in _fit
        header.setStretchLastSection(True)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        noun = (spec.row_label or "row").lower()
        self.add_button = QPushButton(f"Add {noun}")
        article = "an" if noun[:1] in "aeiou" else "a"
        self.add_button.setAccessibleName(f"Add {article} {noun} to {spec.label}")
        self.add_button.setAccessibleDescription(
            f"Adds a row to {spec.label}; Tab then goes through its cells."
        )
        self.add_button.clicked.connect(self._add_clicked)
        self.remove_button = QPushButton(f"Remove {noun}")
        self.remove_button.setAccessibleName(f"Remove the chosen {noun} from {spec.label}")
        self.remove_button.setAccessibleDescription(
            f"Removes the chosen rows of {spec.label}: click or tab into a row's cells to "
            "choose it, Ctrl+click to choose more."
        )
        self.remove_button.clicked.connect(self._remove_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_remove)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._fit()
        self._update_remove()

    def add_row(self, values: dict[str, Any] | None = None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        # Tab goes through the cells row by row, then to the buttons under the table.
        previous: QWidget = self.table.cellWidget(row - 1, self.table.columnCount() - 1) or (
            self.table
        )
        for column_index, column in enumerate(self.spec.columns):
            widget = _cell_widget(column, (values or {}).get(column.id))
            widget.setAccessibleName(self._cell_name(column, row))
            widget.setAccessibleDescription(
                column.help
                or f"{column.label} in {self.spec.label} (counts, dates and "
                "anonymised references only)"
                if self.spec.minimised
                else column.help or f"{column.label} in {self.spec.label}"
            )
            if column.help:
                widget.setToolTip(column.help)
            _connect_cell(widget, self.changed.emit)
            self.table.setCellWidget(row, column_index, widget)
            QWidget.setTabOrder(previous, widget)
            previous = widget
        QWidget.setTabOrder(previous, self.add_button)
        QWidget.setTabOrder(self.add_button, self.remove_button)
        self._fit()

    def _cell_name(self, column: TableColumn, row: int) -> str:
        """What a screen reader announces for a cell: its column and its row's number now."""
        return f"{column.label}, {self.spec.row_label or 'row'} {row + 1}"

    def _name_cells(self) -> None:
        # A cell's name holds its row's number, so rows below a removed one are renamed.
        for row in range(self.table.rowCount()):
            for column_index, column in enumerate(self.spec.columns):
                widget = self.table.cellWidget(row, column_index)
                if widget is not None:
                    widget.setAccessibleName(self._cell_name(column, row))

    def _add_clicked(self) -> None:
        self.add_row()
        self.changed.emit()
        first = self.table.cellWidget(self.table.rowCount() - 1, 0)
        if first is not None:
            first.setFocus()

    def _chosen_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedIndexes()})

    def _update_remove(self) -> None:
        self.remove_button.setEnabled(bool(self._chosen_rows()))

    def _remove_clicked(self) -> None:
        rows = self._chosen_rows()
        if not rows:
            return
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            # Not wherever Qt puts it when its cell goes or the disabled button loses it.
            self.add_button.setFocus()
        # Nothing is chosen, nor current, after a removal (a click into any row chooses it);
        # cleared first, as a current cell moving to a neighbouring row takes the keyboard.
        self.table.selectionModel().clear()
        for row in reversed(rows):
            self.table.removeRow(row)
        self._name_cells()
        self._fit()
        self._update_remove()
        self.changed.emit()

    def value(self) -> list[dict[str, Any]]:
        rows = []
        for row in range(self.table.rowCount()):
            rows.append(
                {
                    column.id: _cell_value(self.table.cellWidget(row, c))
                    for c, column in enumerate(self.spec.columns)
                }
            )
        return rows

    def set_value(self, rows: Any) -> None:
        self.table.setRowCount(0)
        for values in rows if isinstance(rows, list) else []:
            self.add_row(values if isinstance(values, dict) else {})
        self._fit()
        self._update_remove()

    def _fit(self) -> None:
        """Columns and rows as large as their cells need (a header's own size hint ignores
        the cell widgets), and the table as tall as its rows plus a sideways scroll bar if
        the columns are wider than the table."""
        table, header = self.table, self.table.horizontalHeader()
        rows = range(table.rowCount())
        for column in range(table.columnCount()):
            width = header.sectionSizeHint(column)
            for row in rows:
                cell = table.cellWidget(row, column)
                if cell is not None:
                    hint = cell.sizeHint().expandedTo(cell.minimumSizeHint())
                    width = max(width, hint.width() + CELL_PADDING_X)
            header.resizeSection(column, width)
        for row in rows:
            cells = [table.cellWidget(row, c) for c in range(table.columnCount())]
            heights = [c.sizeHint().height() + CELL_PADDING_Y for c in cells if c is not None]
            table.setRowHeight(row, max([34, *heights]))
        height = max(header.height(), header.sizeHint().height()) + 6
        height += sum(table.rowHeight(r) for r in rows)
        if header.length() > table.viewport().width():
            height += table.horizontalScrollBar().sizeHint().height()
        table.setFixedHeight(max(height, 40))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit()  # the cells' sizes are known once the style sheet has polished them


class FieldEditor(QWidget):
    """One generated field: label, help and the control for its kind.

    Signals:
        edited(object): the person changed the value (the new JSON value).
        keep_mine_requested(): in a conflict, the person keeps their value.
        use_theirs_requested(): in a conflict, the person takes the colleague's value.
    """

    edited = Signal(object)
    keep_mine_requested = Signal()
    use_theirs_requested = Signal()

    def __init__(self, spec: FieldSpec, stored_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.stored_id = stored_id
        self.setObjectName(f"field:{stored_id}")
        self._setting = False
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(4)
        label_text = spec.label + (" *" if spec.required else "")
        self.label = QLabel(label_text)
        self.label.setProperty("role", "fieldLabel")
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        if spec.help:
            help_label = QLabel(spec.help)
            help_label.setProperty("role", "muted")
            help_label.setWordWrap(True)
            layout.addWidget(help_label)
        self.control = self._build_control()
        self.label.setBuddy(self.control)
        description = spec.help or spec.label
        if spec.required:
            description += " (required)"
        if spec.minimised:
            description += " Counts, dates and anonymised references only."
        self.control.setAccessibleName(spec.label)
        self.control.setAccessibleDescription(description)
        layout.addWidget(self.control)
        #: Shown when a colleague changed the answer while the person was typing.
        self.conflict: FieldConflict | None = None
        #: Why typed text cannot be kept (a date that is not a date); made when first needed.
        self.problem_label: QLabel | None = None

    # ------------------------------------------------------------------ building

    def _build_control(self) -> QWidget:
        spec = self.spec
        kind = spec.kind
        if kind == "long_text":
            edit = GrowingTextEdit()
            edit.text_edited.connect(self._emit)
            return edit
        if kind in ("text", "row_reference", "row_references", "time"):
            line = QLineEdit()
            if kind == "row_reference":
                pattern = spec.reference_pattern
                line.setValidator(QRegularExpressionValidator(QRegularExpression(pattern)))
                line.setPlaceholderText("An anonymised reference such as R14")
            elif kind == "row_references":
                line.setPlaceholderText("Anonymised references separated by commas: R3, R14")
                line.setValidator(
                    QRegularExpressionValidator(QRegularExpression(r"^[A-Za-z0-9,\s]*$"))
                )
            elif kind == "time":
                line.setPlaceholderText("hh:mm")
                line.setValidator(
                    QRegularExpressionValidator(
                        QRegularExpression(r"^([01]?\d|2[0-3]):?[0-5]?\d?$")
                    )
                )
            line.textEdited.connect(lambda _t: self._emit())
            return line
        if kind in ("choice", "yes_no"):
            box = QComboBox()
            box.addItem("Not answered", None)
            if kind == "yes_no":
                box.addItem("Yes", True)
                box.addItem("No", False)
            else:
                for option in spec.options:
                    box.addItem(option.label, option.key)
            box.currentIndexChanged.connect(lambda _i: self._emit())
            return box
        if kind == "multi_choice":
            holder = QWidget()
            holder_layout = QVBoxLayout(holder)
            holder_layout.setContentsMargins(0, 0, 0, 0)
            holder_layout.setSpacing(2)
            self._checks: list[tuple[str, QCheckBox]] = []
            for option in spec.options:
                check = QCheckBox(option.label)
                check.setAccessibleName(f"{spec.label}: {option.label}")
                check.setAccessibleDescription(spec.help or f"One of the choices for {spec.label}")
                check.toggled.connect(lambda _on: self._emit())
                holder_layout.addWidget(check)
                self._checks.append((option.key, check))
            holder.setFocusProxy(self._checks[0][1])
            return holder
        if kind == "date":
            line = DateLine()
            line.date_changed.connect(lambda _d: self._emit())
            line.problem_changed.connect(self._show_problem)
            if spec.id in DUE_FIELD_IDS:  # an action's due date held as a field (audit v1)
                line.date_changed.connect(self._warn_if_past)
            return line
        if kind == "count":
            spin = QSpinBox()
            spin.setRange(-1, 1_000_000)
            spin.setSpecialValueText("Not counted")
            spin.setValue(-1)
            spin.setMaximumWidth(180)
            spin.valueChanged.connect(lambda _v: self._emit())
            return spin
        table = TableEditor(spec)
        table.changed.connect(self._emit)
        table.setFocusProxy(table.add_button)
        return table

    def _warn_if_past(self, value: date | None) -> None:
        """A due date already past is kept, with a word under it (most often a slip)."""
        if value is not None and value < date.today():
            self._show_problem(
                f"This due date, {show_date(value)}, has already passed. Keep it only if "
                "that is right."
            )
        else:
            self._show_problem("")

    def _show_problem(self, problem: str) -> None:
        """Say under the control why what was typed cannot be kept ("" hides it)."""
        if self.problem_label is None:
            if not problem:
                return
            self.problem_label = QLabel()
            self.problem_label.setProperty("role", "hint")
            self.problem_label.setProperty("problem", True)
            self.problem_label.setWordWrap(True)
            self._layout.insertWidget(self._layout.indexOf(self.control) + 1, self.problem_label)
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))

    # ------------------------------------------------------------------ values

    def _emit(self) -> None:
        if not self._setting:
            self.edited.emit(self.value())

    def value(self) -> Any:
        control, kind = self.control, self.spec.kind
        if isinstance(control, GrowingTextEdit):
            return control.toPlainText()
        if isinstance(control, DateLine):
            value = control.chosen_date()
            return value.isoformat() if value else None
        if isinstance(control, QLineEdit):
            text = control.text().strip()
            if kind == "row_references":
                return [part.strip().upper() for part in text.split(",") if part.strip()]
            return text
        if isinstance(control, QComboBox):
            return control.currentData()
        if isinstance(control, QSpinBox):
            return None if control.value() < 0 else control.value()
        if isinstance(control, TableEditor):
            return control.value()
        return [key for key, check in self._checks if check.isChecked()]

    def set_value(self, value: Any) -> None:
        """Show ``value`` without it counting as an edit."""
        self._setting = True
        try:
            control, kind = self.control, self.spec.kind
            if isinstance(control, GrowingTextEdit):
                control.set_text(value if isinstance(value, str) else "")
            elif isinstance(control, DateLine):
                try:
                    control.set_date(date.fromisoformat(value) if value else None)
                except (TypeError, ValueError):
                    control.set_date(None)
            elif isinstance(control, QLineEdit):
                if kind == "row_references" and isinstance(value, list):
                    text = ", ".join(str(v) for v in value)
                else:
                    text = "" if value is None else str(value)
                if control.text() != text:
                    control.setText(text)
            elif isinstance(control, QComboBox):
                control.setCurrentIndex(max(0, control.findData(value)) if value is not None else 0)
            elif isinstance(control, QSpinBox):
                control.setValue(int(value) if isinstance(value, int) else -1)
            elif isinstance(control, TableEditor):
                control.set_value(value or [])
            else:
                chosen = set(value) if isinstance(value, list) else set()
                for key, check in self._checks:
                    check.setChecked(key in chosen)
        finally:
            self._setting = False

    def describe(self, value: Any) -> str:
        """A value in words, as this field shows it (for the conflict box)."""
        if value is None or value == "" or value == []:
            return "(empty)"
        if self.spec.options:
            labels = {o.key: o.label for o in self.spec.options}
            if isinstance(value, list):
                return ", ".join(labels.get(str(v), str(v)) for v in value)
            return labels.get(str(value), str(value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, list):
            return "\n".join(
                ", ".join(str(v) for v in row.values()) if isinstance(row, dict) else str(row)
                for row in value
            )
        return str(value)

    def show_conflict(self, who: str, mine: Any, theirs: Any) -> None:
        """Show both values under the control; the person's typing stays where it is."""
        if self.conflict is None:
            self.conflict = FieldConflict(self)
            self.conflict.keep_mine_requested.connect(self.keep_mine_requested)
            self.conflict.use_theirs_requested.connect(self.use_theirs_requested)
            self._layout.addWidget(self.conflict)
        self.conflict.show_texts(who, self.describe(mine), self.describe(theirs))
        self.conflict.show()

    def hide_conflict(self) -> None:
        if self.conflict is not None:
            self.conflict.hide()

    def set_read_only(self, read_only: bool) -> None:
        control = self.control
        if isinstance(control, QLineEdit | QPlainTextEdit):
            control.setReadOnly(read_only)
        else:
            control.setEnabled(not read_only)
