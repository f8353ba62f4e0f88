"""The open review's window, drawn from the review being edited (``services.review_draft``,
without Qt): the first drawing of the window and of each page as it is built, the progress and
the lock when the draft publishes a change to them, and what the editor's changes ask through
``view.EditorView`` beyond redrawing. It names the window's parts (pages, the navigation, the
evidence panel, the header); its callers name only records. Each part redraws what a change
names itself (its ``draft_changed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from reviewer_app.domain.review_progress import ACTIONS_SECTION
from reviewer_app.gui.review_editor.actions_page import ActionsPage, FollowUpPage
from reviewer_app.gui.review_editor.section_page import SectionPage

if TYPE_CHECKING:
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
        card.draw_levels(self._draft().levels_shown(card.criterion.id))

    def update_evidence_counts(self, page: SectionPage) -> None:
        page.show_evidence_counts(self._draft().ctx.notes)

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
            page.set_read_only(locked, is_lead=ctx.is_lead)
        elif isinstance(page, ActionsPage):
            page.set_read_only(locked)
        elif isinstance(page, FollowUpPage):
            for row in page.rows.values():
                row.setEnabled(not locked)

    # ------------------------------------------------------------------ what the changes show

    def show_notice(self, text: str) -> None:
        self.window.statusBar().showMessage(text, NOTICE_MS)

    def has_field(self, stored_id: str) -> bool:
        return self._nav().field_editor(stored_id) is not None

    def field_value(self, stored_id: str) -> Any:
        editor = self._nav().field_editor(stored_id)
        return None if editor is None else editor.value()

    def show_note_hint(self, text: str) -> None:
        self.window.evidence.show_hint(text)

    def show_thumbnail(self, attachment_id: str, image: QImage) -> None:
        self.window.attachments_model.thumbnail_ready(attachment_id, QPixmap.fromImage(image))

    def show_action_problem(self, text: str) -> None:
        page = self.window.pages.get(ACTIONS_SECTION)
        if isinstance(page, ActionsPage):
            page.show_problem(text)

    def ask_amendment_reason(self) -> str | None:
        reason, ok = QInputDialog.getText(
            self.window,
            "Amend the signed review",
            "Why does the signed review need amending?",
            QLineEdit.EchoMode.Normal,
        )
        return reason if ok else None

    def show_amendment(self, review_id: str) -> None:
        self.window.load(review_id)
