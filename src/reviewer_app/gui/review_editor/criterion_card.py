"""One criterion as the editor shows it: the question, guidance and look-fors at hand, the
rating control on the framework's scale, other reviewers' proposals, the agreed judgement and
the criterion's own fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.frameworks import Criterion, RatingScale
from reviewer_app.gui.review_editor.field_widgets import FieldEditor

if TYPE_CHECKING:
    from reviewer_app.services.review_draft import LevelsShown


def _text_colour(background: str) -> str:
    colour = QColor(background)
    luminance = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()
    return "#1b1f23" if luminance > 160 else "#ffffff"


class FlowLayout(QLayout):
    """Lays its items out in rows, wrapping to the next row when the width runs out, so a
    five-level scale stays readable in a narrow window or at 150% scaling."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and row_height > 0:
                x, y = area.x(), y + row_height + self._spacing
                row_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


class RatingControl(QWidget):
    """The scale's levels as buttons in the scale's colours; number keys choose a level.

    Press 1 to 9 for a level, 0 or Delete to clear; clicking the chosen level clears it.

    Signals:
        level_chosen(object): the person chose a level key (None: cleared).
    """

    level_chosen = Signal(object)

    def __init__(
        self, scale: RatingScale, title: str, who: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.scale = scale
        self._level: str | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setProperty("role", "ratingControl")
        self.setAccessibleName(f"{who} for {title}")
        self.base_description = (
            f"Rating on the scale “{scale.title}”. Press 1 to {len(scale.levels)} to choose a "
            "level, 0 to clear." + (f" {scale.note}" if scale.not_an_ofsted_grade else "")
        )
        self.setAccessibleDescription(self.base_description)
        layout = FlowLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        self.buttons: dict[str, QPushButton] = {}
        for number, level in enumerate(scale.levels, start=1):
            button = QPushButton(f"{number}  {level.label}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setProperty("role", "ratingLevel")
            button.setToolTip(level.description or level.label)
            button.setAccessibleName(f"{level.label} (key {number})")
            button.setAccessibleDescription(level.description)
            fg = _text_colour(level.colour)
            button.setStyleSheet(
                "QPushButton[role='ratingLevel'] {"
                f" border: 2px solid {level.colour}; border-radius: 6px; padding: 5px 10px;"
                " background: palette(base); }"
                "QPushButton[role='ratingLevel']:checked {"
                f" background: {level.colour}; color: {fg}; font-weight: 600; }}"
            )
            button.clicked.connect(lambda _c=False, key=level.key: self._clicked(key))
            # Room for the label in bold (the chosen level), so choosing one never cuts it off.
            button.ensurePolished()
            bold = QFont(button.font())
            bold.setWeight(QFont.Weight.DemiBold)
            needed = QFontMetrics(bold).horizontalAdvance(button.text()) + 2 * (10 + 2) + 8
            button.setMinimumWidth(max(button.sizeHint().width(), needed))
            self.group.addButton(button)
            self.buttons[level.key] = button
            layout.addWidget(button)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def level(self) -> str | None:
        return self._level

    def set_level(self, key: str | None) -> None:
        """Show ``key`` as chosen without it counting as a choice."""
        self._level = key
        for level_key, button in self.buttons.items():
            button.setChecked(level_key == key)

    def _clicked(self, key: str) -> None:
        self.choose(None if key == self._level else key)

    def choose(self, key: str | None) -> None:
        """Choose a level as the person would (emits ``level_chosen``)."""
        if key == self._level:
            self.set_level(key)
            return
        self.set_level(key)
        self.level_chosen.emit(key)

    def choose_number(self, number: int) -> bool:
        """Choose the ``number``-th level (1-based); 0 clears. False if there is none."""
        if number == 0:
            self.choose(None)
            return True
        if 1 <= number <= len(self.scale.levels):
            self.choose(self.scale.levels[number - 1].key)
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9 and plain and self.choose_number(key - Qt.Key.Key_0):
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.choose(None)
            return
        super().keyPressEvent(event)

    def setEnabled(self, enabled: bool) -> None:
        super().setEnabled(enabled)
        for button in self.buttons.values():
            button.setEnabled(enabled)


class CriterionCard(QFrame):
    """A criterion with its rating controls and fields.

    Signals:
        rated(str, object, bool): criterion id, level key (None: cleared), agreed.
        confirmed(str): criterion id whose carried-forward answer the person confirmed.
        evidence_requested(str): show the evidence linked to this criterion.
    """

    rated = Signal(str, object, bool)
    confirmed = Signal(str)
    evidence_requested = Signal(str)

    def __init__(
        self,
        criterion: Criterion,
        scale: RatingScale | None,
        fields: Sequence[tuple[str, FieldEditor]],
        *,
        team_visit: bool,
        is_lead: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.criterion = criterion
        self.scale = scale
        self.field_editors = dict(fields)
        #: The criterion's actions from the action plan, added by the editor (criterion_actions).
        self.criterion_actions: QWidget | None = None
        self.setObjectName(f"criterion:{criterion.id}")
        self.setProperty("role", "card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)

        top = QHBoxLayout()
        title = QLabel(criterion.title + ("" if criterion.required else "  (optional)"))
        title.setProperty("role", "criterionTitle")
        title.setWordWrap(True)
        top.addWidget(title, 1)
        self.evidence_button = QToolButton()
        self.evidence_button.setText("No evidence yet")
        self.evidence_button.setAccessibleName(f"Show the evidence for {criterion.title}")
        self.evidence_button.setToolTip("Show the notes linked to this criterion")
        self.evidence_button.setAccessibleDescription(
            "Lists the evidence notes linked to this criterion in the evidence panel."
        )
        self.evidence_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.evidence_button.clicked.connect(lambda: self.evidence_requested.emit(criterion.id))
        top.addWidget(self.evidence_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        if criterion.prompt:
            prompt = QLabel(criterion.prompt)
            prompt.setWordWrap(True)
            layout.addWidget(prompt)

        self.guidance = QLabel(self._guidance_html())
        self.guidance.setWordWrap(True)
        self.guidance.setTextFormat(Qt.TextFormat.RichText)
        self.guidance.setProperty("role", "guidance")
        self.guidance.setVisible(bool(self.guidance.text()))
        self.guidance.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.guidance)

        self.carried = QLabel()
        self.carried.setObjectName("carriedForward")
        self.carried.setProperty("role", "notice")
        self.carried.setWordWrap(True)
        self.carried.hide()
        self.confirm_button = QPushButton("Confirm")
        self.confirm_button.setObjectName("confirmCarried")
        self.confirm_button.setToolTip("Confirm the answer carried forward still holds")
        self.confirm_button.setAccessibleName(
            f"Confirm the carried-forward answer: {criterion.title}"
        )
        self.confirm_button.hide()
        self.confirm_button.clicked.connect(lambda: self.confirmed.emit(criterion.id))
        self.rating: RatingControl | None = None
        self.agreed: RatingControl | None = None
        self.agreed_by: QLabel | None = None
        self.proposals = QLabel()
        self.proposals.setProperty("role", "muted")
        self.proposals.setWordWrap(True)
        self.proposals.setTextFormat(Qt.TextFormat.RichText)
        if scale is not None:
            own = "Your view" if team_visit else "Judgement"
            caption = QLabel(own)
            caption.setProperty("role", "fieldLabel")
            layout.addWidget(caption)
            self.rating = RatingControl(scale, criterion.title, own)
            self.rating.level_chosen.connect(lambda key: self.rated.emit(criterion.id, key, False))
            layout.addWidget(self.rating)
            if team_visit:
                layout.addWidget(self.proposals)
                agreed_caption = QLabel(
                    "Agreed judgement (you set it as lead reviewer)"
                    if is_lead
                    else "Agreed judgement (set by the lead reviewer)"
                )
                agreed_caption.setProperty("role", "fieldLabel")
                layout.addWidget(agreed_caption)
                self.agreed_by = QLabel()
                self.agreed_by.setObjectName("agreedBy")
                self.agreed_by.setProperty("role", "muted")
                self.agreed_by.hide()
                self.agreed = RatingControl(scale, criterion.title, "Agreed judgement")
                self.agreed.setEnabled(is_lead)
                self.agreed.level_chosen.connect(
                    lambda key: self.rated.emit(criterion.id, key, True)
                )
                layout.addWidget(self.agreed)
                layout.addWidget(self.agreed_by)
            carried_row = QHBoxLayout()
            carried_row.addWidget(self.carried, 1)
            carried_row.addWidget(self.confirm_button, 0)
            layout.addLayout(carried_row)
            if scale.not_an_ofsted_grade:
                note = QLabel(scale.note)
                note.setProperty("role", "gradeNote")
                note.setWordWrap(True)
                layout.addWidget(note)
        for _stored_id, editor in fields:
            layout.addWidget(editor)

    def _guidance_html(self) -> str:
        criterion = self.criterion
        parts = []
        if criterion.caveat:
            parts.append(f"<p><i>Wording to confirm:</i> {escape(criterion.caveat)}</p>")
        if criterion.guidance:
            parts.append(f"<p>{escape(criterion.guidance)}</p>")
        if criterion.look_fors:
            items = "".join(f"<li>{escape(lf.text)}</li>" for lf in criterion.look_fors)
            parts.append(f"<b>Look for</b><ul style='margin-top:2px'>{items}</ul>")
        if criterion.evidence_sources:
            parts.append("<b>Evidence from</b> " + escape("; ".join(criterion.evidence_sources)))
        return "".join(parts)

    def first_focus(self) -> QWidget:
        """Where the keyboard goes when the person moves to this criterion."""
        if self.rating is not None and self.rating.isEnabled():
            return self.rating
        for editor in self.field_editors.values():
            if editor.isVisible():
                return editor.control
        return self.evidence_button

    def show_carried_forward(self, note: str, *, may_confirm: bool) -> None:
        """Mark the answer as carried forward from an earlier review until it is confirmed
        (``note`` empty: not carried, or confirmed)."""
        self.carried.setText(note)
        self.carried.setVisible(bool(note))
        self.confirm_button.setVisible(bool(note) and may_confirm)

    def show_levels(
        self,
        own: str | None,
        agreed: str | None,
        proposals: Mapping[str, str],
        agreed_by: str = "",
    ) -> None:
        """Show the person's level, the agreed level and the others' proposals (name -> label);
        ``agreed_by`` says who set the agreed level and when."""
        if self.rating is not None:
            self.rating.set_level(own)
        if self.agreed is not None:
            self.agreed.set_level(agreed)
        if self.agreed_by is not None:
            self.agreed_by.setText(agreed_by)
            self.agreed_by.setVisible(bool(agreed_by and agreed))
            if self.agreed is not None:
                self.agreed.setAccessibleDescription(
                    self.agreed.base_description + (f" {agreed_by}." if agreed else "")
                )
        if proposals:
            self.proposals.setText(
                "Proposals: "
                + " · ".join(
                    f"<b>{escape(name)}</b>: {escape(label)}" for name, label in proposals.items()
                )
            )
        else:
            self.proposals.setText("No proposals from the team yet.")

    def draw_levels(self, shown: LevelsShown) -> None:
        """The levels as the review being edited holds them (``ReviewDraft.levels_shown``)."""
        self.show_levels(shown.own, shown.agreed, shown.proposals, shown.agreed_by)
        self.show_carried_forward(shown.carried_forward, may_confirm=shown.may_confirm)

    def set_evidence_count(self, count: int) -> None:
        self.evidence_button.setText(
            "No evidence yet" if count == 0 else f"{count} note" + ("" if count == 1 else "s")
        )

    def set_read_only(self, read_only: bool, *, is_lead: bool) -> None:
        if self.rating is not None:
            self.rating.setEnabled(not read_only)
        if self.agreed is not None:
            self.agreed.setEnabled(is_lead and not read_only)
        for editor in self.field_editors.values():
            editor.set_read_only(read_only)
