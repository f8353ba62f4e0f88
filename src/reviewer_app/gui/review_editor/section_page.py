"""A page of the editor generated from one framework section (or the visit's own fields).

Pages are built the first time they are shown, so opening a large review builds one page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from reviewer_app.domain.frameworks import FieldSpec, Framework, Section, Visibility
from reviewer_app.gui.review_editor.criterion_card import CriterionCard
from reviewer_app.gui.review_editor.field_widgets import FieldEditor


class SectionPage(QScrollArea):
    """A scrolling page: the section's description, its criteria as cards, then its fields."""

    def __init__(
        self,
        framework: Framework,
        section: Section | None,
        *,
        title: str,
        fields: Sequence[FieldSpec],
        team_visit: bool,
        is_lead: bool,
        card_extra: Callable[[CriterionCard], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``card_extra(card)`` adds to each card as it is made (so Tab reaches what it adds in
        reading order): the editor adds the criterion's actions."""
        super().__init__(parent)
        self.section = section
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setObjectName(f"section:{section.id if section else 'visit'}")
        body = QWidget()
        body.setObjectName("sectionBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(28, 20, 28, 28)
        layout.setSpacing(14)
        heading = QLabel(title)
        heading.setProperty("role", "heading")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        if section is not None and section.description:
            description = QLabel(section.description)
            description.setProperty("role", "muted")
            description.setWordWrap(True)
            layout.addWidget(description)
        if section is not None and section.caveat:
            caveat = QLabel(f"Wording to confirm: {section.caveat}")
            caveat.setObjectName("sectionCaveat")
            caveat.setProperty("role", "notice")
            caveat.setWordWrap(True)
            layout.addWidget(caveat)
        self.cards: dict[str, CriterionCard] = {}
        self.field_editors: dict[str, FieldEditor] = {}
        for criterion in section.criteria if section else ():
            editors = []
            for spec in framework.fields_of(criterion):
                stored_id = f"{criterion.id}.{spec.id}"
                editor = FieldEditor(spec, stored_id)
                editors.append((stored_id, editor))
                self.field_editors[stored_id] = editor
            card = CriterionCard(
                criterion,
                framework.scale_for(criterion),
                editors,
                team_visit=team_visit,
                is_lead=is_lead,
            )
            self.cards[criterion.id] = card
            if card_extra is not None:
                card_extra(card)
            layout.addWidget(card)
        if fields:
            holder = QWidget()
            holder.setProperty("role", "card")
            holder.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
            holder_layout = QVBoxLayout(holder)
            holder_layout.setContentsMargins(18, 12, 18, 12)
            for spec in fields:
                editor = FieldEditor(spec, spec.id)
                self.field_editors[spec.id] = editor
                holder_layout.addWidget(editor)
            layout.addWidget(holder)
        layout.addStretch(1)
        self.setWidget(body)

    def apply_visibility(self, shown: Visibility) -> None:
        """Hide criteria and fields whose conditions do not hold (live, as answers change)."""
        for criterion_id, card in self.cards.items():
            card.setVisible(criterion_id in shown.criteria)
        for stored_id, editor in self.field_editors.items():
            editor.setVisible(stored_id in shown.fields)

    def reveal(self, widget: QWidget) -> None:
        """Scroll so ``widget`` is on screen."""
        self.ensureWidgetVisible(widget, 40, 60)
