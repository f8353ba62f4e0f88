"""The open review's window redrawn from the review being edited (``services.review_draft``,
without Qt): what the editor's changes (``writes.py``, ``record_writes.py``) and the changes a
sync brings (``incoming.py``) ask for through ``view.EditorView``. It names the window's parts
(pages, cards, fields, the evidence panel, the header); its callers name only records.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from reviewer_app.domain.review_progress import ACTIONS_SECTION, FOLLOW_UP_SECTION
from reviewer_app.gui.review_editor.actions_page import ActionsPage, FollowUpPage
from reviewer_app.gui.review_editor.section_page import SectionPage

if TYPE_CHECKING:
    from reviewer_app.domain.review import Action, Attachment, EvidenceNote, FollowUpOutcome
    from reviewer_app.gui.review_editor.criterion_card import CriterionCard
    from reviewer_app.gui.review_editor.editor import ReviewEditor
    from reviewer_app.gui.review_editor.navigation import EditorNavigation
    from reviewer_app.services.review_draft import ReviewDraft

#: How long the notice of a colleague's change stays in the status bar.
NOTICE_MS = 15_000


class EditorRedraw:
    """Redraws one :class:`ReviewEditor` from the records its changes hold (an EditorView)."""

    def __init__(self, window: ReviewEditor) -> None:
        self.window = window

    @property
    def current_criterion(self) -> str | None:
        return self.window.current_criterion

    @property
    def notes_ready(self) -> bool:
        return self.window.notes_ready

    @property
    def is_closed(self) -> bool:
        return self.window.is_closed

    def set_current_criterion(self, criterion_id: str | None) -> None:
        self.window.set_current_criterion(criterion_id)

    def _draft(self) -> ReviewDraft:
        draft = self.window.changes.draft
        assert draft is not None, "the review is not open yet"
        return draft

    def _nav(self) -> EditorNavigation:
        navigation = self.window.navigation
        assert navigation is not None
        return navigation

    def show_card_levels(self, card: CriterionCard) -> None:
        shown = self._draft().levels_shown(card.criterion.id)
        card.show_levels(shown.own, shown.agreed, shown.proposals, shown.agreed_by)
        card.show_carried_forward(shown.carried_forward, may_confirm=shown.may_confirm)

    def update_evidence_counts(self, page: SectionPage) -> None:
        counts: dict[str, int] = {}
        for note in self.window.notes_model.notes():
            for cid in note.criterion_ids:
                counts[cid] = counts.get(cid, 0) + 1
        for cid, card in page.cards.items():
            card.set_evidence_count(counts.get(cid, 0))

    def refresh_progress(self) -> None:
        self.window.progress = self._draft().progress()
        self._nav().show_progress(self.window.progress, self.window.actions_model.rowCount())

    def update_lock(self) -> None:
        draft = self._draft()
        self.window.header.show_state(draft.ctx.review.state, draft.lock_banner())
        locked = draft.read_only
        self.window.evidence.capture.setEnabled(not locked)
        self.window.evidence.attach_button.setEnabled(not locked)
        self.window.menu_actions.attach.setEnabled(not locked)
        self.window.menu_actions.note.setEnabled(not locked)
        for page in self.window.pages.values():
            self.apply_lock_to(page)

    def apply_lock_to(self, page: QWidget) -> None:
        ctx = self.window.ctx
        assert ctx is not None
        locked = ctx.read_only
        if isinstance(page, SectionPage):
            for card in page.cards.values():
                card.set_read_only(locked, is_lead=ctx.is_lead)
            for editor in page.field_editors.values():
                editor.set_read_only(locked)
        elif isinstance(page, ActionsPage):
            page.set_read_only(locked)
        elif isinstance(page, FollowUpPage):
            for row in page.rows.values():
                row.setEnabled(not locked)

    # ------------------------------------------------------------------ what the changes show

    def show_notice(self, text: str) -> None:
        self.window.statusBar().showMessage(text, NOTICE_MS)

    def show_field(self, stored_id: str, value: Any) -> None:
        editor = self._nav().field_editor(stored_id)
        if editor is not None:
            editor.set_value(value)

    def has_field(self, stored_id: str) -> bool:
        return self._nav().field_editor(stored_id) is not None

    def field_value(self, stored_id: str) -> Any:
        editor = self._nav().field_editor(stored_id)
        return None if editor is None else editor.value()

    def show_field_conflict(self, stored_id: str, author: str, mine: Any, theirs: Any) -> None:
        editor = self._nav().field_editor(stored_id)
        if editor is not None:
            editor.show_conflict(author, mine, theirs)

    def hide_field_conflict(self, stored_id: str) -> None:
        editor = self._nav().field_editor(stored_id)
        if editor is not None:
            editor.hide_conflict()

    def show_levels(self, criterion_id: str) -> None:
        card = self._nav().built_card(criterion_id)
        if card is not None:
            self.show_card_levels(card)

    def note_added(self, note: EvidenceNote) -> None:
        self.window.notes_model.add(note)

    def note_removed(self, note_id: str) -> None:
        self.window.notes_model.remove(note_id)

    def notes_changed(self) -> None:
        for page in self._nav().section_pages():
            self.update_evidence_counts(page)
        self.window.evidence.update_count()

    def show_note_hint(self, text: str) -> None:
        self.window.evidence.show_hint(text)

    def attachment_added(self, attachment: Attachment) -> None:
        self.window.attachments_model.add(attachment)

    def attachment_removed(self, attachment_id: str) -> None:
        self.window.attachments_model.remove(attachment_id)

    def show_thumbnail(self, attachment_id: str, image: QImage) -> None:
        self.window.attachments_model.thumbnail_ready(attachment_id, QPixmap.fromImage(image))

    def show_pending_files(self, count: int, saving: Collection[str] = ()) -> None:
        self.window.evidence.set_pending_files(count, saving)

    def action_added(self, action: Action) -> None:
        self.window.actions_model.add(action)

    def action_removed(self, action_id: str) -> None:
        self.window.actions_model.remove(action_id)

    def show_action_problem(self, text: str) -> None:
        page = self.window.pages.get(ACTIONS_SECTION)
        if isinstance(page, ActionsPage):
            page.show_problem(text)

    def show_follow_up(self, action_id: str, outcome: FollowUpOutcome, evidence: str) -> None:
        page = self.window.pages.get(FOLLOW_UP_SECTION)
        if isinstance(page, FollowUpPage) and action_id in page.rows:
            page.rows[action_id].show_follow_up(outcome, evidence)

    def ask_amendment_reason(self) -> str | None:
        reason, ok = QInputDialog.getText(
            self.window,
            "Amend the signed review",
            "Why does the signed review need amending?",
            QLineEdit.EchoMode.Normal,
        )
        return reason if ok else None

    def show_amendment(self, review_id: str) -> None:
        self.window.review_replaced.emit(review_id)
        self.window.load(review_id)
