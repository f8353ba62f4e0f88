"""The Categorise dialog: the scheme's suggestion and the outcomes behind it, then the category
the lead reviewer or central team agrees, when, and why.

Built in code, not from a ``.ui`` file: its choices are the trust scheme's levels. Saving goes
through the Workspace on a background thread (the write itself on the writer lane); the dialog
closes only once the category is stored, and a refusal is shown in it as a sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui import theme
from reviewer_app.gui.discard_guard import AsksBeforeDiscarding
from reviewer_app.gui.failures import failure_sentence
from reviewer_app.gui.school_category import chip_style
from reviewer_app.gui.screen_fit import fit_window

if TYPE_CHECKING:
    from reviewer_app.domain.frameworks import CategorisationScheme, CategoryLevel
    from reviewer_app.domain.school_category import SchoolCategory
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.services.school_categorisation import SchoolSuggestion


#: Stores the category: (level key, rationale, agreed on) -> the stored record.
SaveCategory = Callable[[str, str, date], "SchoolCategory"]


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


def _wrapped(text: str = "", *, role: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        label.setProperty("role", role)
    if name:
        label.setObjectName(name)
    return label


class CategoriseDialog(AsksBeforeDiscarding, QDialog):
    """Agree a school's category under the trust's scheme.

    Signals:
        category_saved(SchoolCategory): the agreed category is stored.
    """

    category_saved = Signal(object)

    def __init__(
        self,
        school_name: str,
        scheme: CategorisationScheme,
        suggestion: SchoolSuggestion,
        *,
        current_key: str | None,
        save: SaveCategory,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("categoriseDialog")
        self.setWindowTitle(f"Categorise {school_name}")
        self.setAccessibleName(f"Agree the category of {school_name}")
        self.setMinimumWidth(640)
        self._scheme = scheme
        self._suggestion = suggestion
        self._save_category = save
        self._tasks = tasks
        self._saving = False

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        heading = _wrapped(scheme.title, role="subheading")
        layout.addWidget(heading)
        if scheme.agreed_by:
            layout.addWidget(_wrapped(f"Agreed by: {scheme.agreed_by}", role="muted"))

        # The suggestion and what led to it.
        box = QFrame()
        box.setObjectName("suggestionBox")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box_layout = QVBoxLayout(box)
        suggested = suggestion.suggestion.level
        self.suggestion_chip = QLabel(
            suggested.label if suggested is not None else "No suggestion yet"
        )
        self.suggestion_chip.setObjectName("suggestionChip")
        self.suggestion_chip.setStyleSheet(chip_style(suggested.colour if suggested else None))
        self.suggestion_chip.setAccessibleName(
            f"Suggested category: {suggested.label}" if suggested else "No category is suggested"
        )
        row_title = QLabel("Suggested from the school's signed reviews:")
        row_title.setProperty("role", "muted")
        box_layout.addWidget(row_title)
        box_layout.addWidget(self.suggestion_chip, 0, Qt.AlignmentFlag.AlignLeft)
        self.because_label = _wrapped(suggestion.suggestion.because, name="suggestionBecause")
        self.because_label.setAccessibleName("Why this is suggested")
        box_layout.addWidget(self.because_label)
        self.outcomes_list = QListWidget()
        self.outcomes_list.setObjectName("suggestionOutcomes")
        self.outcomes_list.setAccessibleName("Review outcomes behind the suggestion")
        for basis in suggestion.basis:
            self.outcomes_list.addItem(suggestion.describe(basis))
        if not suggestion.basis:
            considered = suggestion.reviews_considered
            self.outcomes_list.addItem(
                "No signed review outcomes to go on yet."
                if considered == 0
                else f"{considered} signed review(s) read; none of their outcomes led here."
            )
        self.outcomes_list.setWordWrap(True)
        self.outcomes_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.outcomes_list.setMinimumHeight(76)
        self.outcomes_list.setMaximumHeight(110)
        outcomes_label = QLabel("&Outcomes behind it:")
        outcomes_label.setBuddy(self.outcomes_list)
        box_layout.addWidget(outcomes_label)
        box_layout.addWidget(self.outcomes_list)
        note = _wrapped(suggestion.suggestion.note, role="muted")
        box_layout.addWidget(note)
        layout.addWidget(box)

        # The decision.
        form = QFormLayout()
        self.level_combo = QComboBox()
        self.level_combo.setObjectName("levelCombo")
        self.level_combo.setAccessibleName("Category to agree")
        for level in scheme.levels:
            self.level_combo.addItem(_swatch(level.colour), level.label, level.key)
        start_key = suggested.key if suggested is not None else current_key
        if start_key is not None:
            self.level_combo.setCurrentIndex(self.level_combo.findData(start_key))
        self.use_suggestion = QPushButton("&Use suggestion")
        self.use_suggestion.setAccessibleName("Choose the suggested category")
        self.use_suggestion.setEnabled(suggested is not None)
        self.use_suggestion.clicked.connect(self._choose_suggestion)
        choice = QHBoxLayout()
        choice.addWidget(self.level_combo, 1)
        choice.addWidget(self.use_suggestion)
        self.level_details = _wrapped(role="muted", name="levelDetails")
        self.level_details.setAccessibleName("What the chosen category means")
        category_column = QVBoxLayout()
        category_column.setSpacing(4)
        category_column.addLayout(choice)
        category_column.addWidget(self.level_details)
        category_label = QLabel("&Category:")
        category_label.setBuddy(self.level_combo)
        form.addRow(category_label, category_column)
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("agreedOn")
        self.date_edit.setAccessibleName("Date the category was agreed")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        today = date.today()
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        form.addRow("Agreed o&n:", self.date_edit)
        self.rationale_edit = QPlainTextEdit()
        self.rationale_edit.setObjectName("rationale")
        self.rationale_edit.setAccessibleName("Rationale for the category")
        self.rationale_edit.setPlaceholderText(
            "Why the school is in this category: the evidence weighed beyond the suggestion."
        )
        self.rationale_edit.setTabChangesFocus(True)
        self.rationale_edit.setMinimumHeight(72)
        self.rationale_edit.setMaximumHeight(110)
        form.addRow("&Rationale:", self.rationale_edit)
        layout.addLayout(form)

        self.form_error = _wrapped(role="formError", name="formError")
        self.form_error.setVisible(False)
        layout.addWidget(self.form_error)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.agree_button = self.buttons.addButton(
            "&Agree category", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.agree_button.setDefault(True)
        self.agree_button.setAccessibleName("Agree this category")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.level_combo.currentIndexChanged.connect(self._level_changed)
        self.rationale_edit.textChanged.connect(self._clear_error)
        self._level_changed()
        self.rationale_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        width = self.minimumWidth()
        layout.activate()
        height = layout.heightForWidth(width) if layout.hasHeightForWidth() else -1
        self.resize(width, max(height, self.sizeHint().height()))
        fit_window(self, "categoriseDialog")

    # ------------------------------------------------------------------ choosing

    def chosen_level(self) -> CategoryLevel | None:
        key = self.level_combo.currentData()
        return None if key is None else self._scheme.level(key)

    def _choose_suggestion(self) -> None:
        level = self._suggestion.suggestion.level
        if level is not None:
            self.level_combo.setCurrentIndex(self.level_combo.findData(level.key))

    def _level_changed(self, *_args: Any) -> None:
        level = self.chosen_level()
        if level is None:
            self.level_details.clear()
            return
        parts = [level.description] if level.description else []
        if level.visit_cadence:
            parts.append(f"Support: {level.visit_cadence}.")
        if level.expected_duration:
            parts.append(f"Expected duration: {level.expected_duration}.")
        suggested = self._suggestion.suggestion.level
        if suggested is not None and suggested.key != level.key:
            parts.append(f"This differs from the suggestion ({suggested.label}): say why below.")
        self.level_details.setText(" ".join(parts))

    # ------------------------------------------------------------------ saving

    @property
    def saving(self) -> bool:
        return self._saving

    def _show_error(self, message: str) -> None:
        self.form_error.setText(message)
        self.form_error.setVisible(True)

    def _clear_error(self) -> None:
        self.form_error.clear()
        self.form_error.setVisible(False)
        theme.set_invalid(self.rationale_edit, False)

    def save(self) -> None:
        """Check the rationale, then store the category in the background; close when stored."""
        if self._saving:
            return
        level = self.chosen_level()
        rationale = self.rationale_edit.toPlainText().strip()
        if level is None:
            self._show_error("Choose the category to agree.")
            self.level_combo.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if not rationale:
            self._show_error(
                "Say why the school is in this category: the rationale is kept with it."
            )
            theme.set_invalid(self.rationale_edit, True)
            self.rationale_edit.setAccessibleDescription(self.form_error.text())
            self.rationale_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        qdate = self.date_edit.date()
        agreed_on = date(qdate.year(), qdate.month(), qdate.day())
        self._set_saving(True)
        self._tasks.run(
            lambda: self._save_category(level.key, rationale, agreed_on),
            on_done=self._saved,
            on_failed=self._save_failed,
            context=self,
        )

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.agree_button.setEnabled(not saving)
        self.agree_button.setText("Saving…" if saving else "&Agree category")

    def _saved(self, category: SchoolCategory) -> None:
        self._set_saving(False)
        self.category_saved.emit(category)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self._set_saving(False)
        self._show_error(
            failure_sentence(
                error,
                "Reviewer could not store this category. Nothing was changed; try again, and if "
                "it keeps happening send the log file (Help > Show log folder) to your support "
                "contact.",
            )
        )

    def reject(self) -> None:
        if self._saving:
            return  # closing mid-write would hide whether the category was stored
        super().reject()
