"""A page of the editor generated from one framework section (or the visit's own fields).

Pages are built the first time they are shown, so opening a large review builds one page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from reviewer_app.domain.frameworks import FieldSpec, Framework, Section, Visibility
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.gui.review_editor.criterion_card import CriterionCard
from reviewer_app.gui.review_editor.field_widgets import FieldEditor

if TYPE_CHECKING:
    from reviewer_app.domain.review import EvidenceNote
    from reviewer_app.services.review_draft import DraftChange, ReviewDraft


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

    def draft_changed(self, draft: ReviewDraft, change: DraftChange) -> None:
        """Redraw what a change to the review being edited names, on this page: a shared
        answer's value or its conflict box, a criterion's levels, the evidence counts, the
        lock. Nothing is rebuilt, so the focus and the scroll position stay."""
        ctx = draft.ctx
        for stored_id in change.fields & self.field_editors.keys():
            stored = ctx.fields.get(stored_id)
            self.field_editors[stored_id].set_value(stored.value if stored else None)
        for stored_id in change.conflicts & self.field_editors.keys():
            editor = self.field_editors[stored_id]
            newer = draft.fields.conflicts.get(stored_id)
            if newer is None:
                editor.hide_conflict()
            else:
                editor.show_conflict(ctx.name_of(newer.author_id), editor.value(), newer.value)
        for criterion_id in change.criteria & self.cards.keys():
            self.cards[criterion_id].draw_levels(draft.levels_shown(criterion_id))
        if change.touches(Entity.EVIDENCE_NOTE):
            self.show_evidence_counts(ctx.notes)
        if change.touches(Entity.REVIEW):
            self.set_read_only(draft.read_only, is_lead=ctx.is_lead)

    def show_evidence_counts(self, notes: Sequence[EvidenceNote]) -> None:
        """How many notes support each criterion, on its card."""
        counts: dict[str, int] = {}
        for note in notes:
            for criterion_id in note.criterion_ids:
                counts[criterion_id] = counts.get(criterion_id, 0) + 1
        for criterion_id, card in self.cards.items():
            card.set_evidence_count(counts.get(criterion_id, 0))

    def set_read_only(self, read_only: bool, *, is_lead: bool) -> None:
        for card in self.cards.values():
            card.set_read_only(read_only, is_lead=is_lead)
        for editor in self.field_editors.values():
            editor.set_read_only(read_only)

    def reveal(self, widget: QWidget) -> None:
        """Scroll so ``widget`` is on screen."""
        self.ensureWidgetVisible(widget, 40, 60)
