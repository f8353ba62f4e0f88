"""The editor's changes to shared answers and judgements, and the review's lifecycle (ready for
sign-off, amendment); the records added (notes, files, actions, follow-ups) are in
``record_writes.py``. Each change becomes an undoable command whose write goes through the
SaveQueue to the writer lane. What the editor shows is updated at once (visibility and counts
follow the answer typed), and the store catches up within the debounce.

Never touches a widget: each change goes into the review being edited
(``services.review_draft.ReviewDraft``), which publishes what changed; the widgets subscribe and
redraw it (``draft_signals.py``). What is not a redraw (the field the person sees, a notice, a
question) goes through :class:`~reviewer_app.gui.review_editor.view.EditorView`.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from reviewer_app.domain.review import FieldValue, Review
from reviewer_app.gui.review_editor.commands import (
    ConfirmCommand,
    RateCommand,
    SetFieldCommand,
)
from reviewer_app.gui.review_editor.record_writes import RecordWrites
from reviewer_app.services import review_session
from reviewer_app.services.review_records import FieldWrite
from reviewer_app.services.shared_fields import Arrival, PendingWrite

if TYPE_CHECKING:
    from reviewer_app.services.review_session import ReviewContext

log = logging.getLogger(__name__)


class EditorChanges(RecordWrites):
    """Turns the reviewer's changes in one open review into saved records, and tells the
    window (an :class:`EditorView`) what to show."""

    # ------------------------------------------------------------------ fields

    def field_edited(self, stored_id: str, value: Any) -> None:
        """The person changed a field: show its effects now, save it after a pause."""
        self._draft().field_typed(stored_id, value)
        self.saver.schedule(stored_id, lambda: self._commit_field(stored_id, value))

    def _commit_field(self, stored_id: str, new: Any) -> None:
        draft = self._draft()
        old = draft.fields.committed.get(stored_id)
        if new == old:
            return
        label = draft.field_label(stored_id)
        self.undo_stack.push(SetFieldCommand(self, stored_id, label, old, new))

    def write_field(self, stored_id: str, value: Any) -> None:
        """Write a field's value to the store (no widget change), on the version last seen."""
        self._submit_field(self._draft().fields.begin_write(stored_id, value))
        self._changed()

    def _submit_field(self, pending: PendingWrite) -> None:
        ctx = self.ctx
        assert ctx is not None
        self.saver.submit(
            self.workspace.reviews.write_field,
            ctx.review.id,
            pending.field_id,
            pending.stored,
            expected_version=pending.expected_version,
            on_done=lambda result: self._field_written(ctx, pending, result),
        )

    def _field_written(self, ctx: ReviewContext, pending: PendingWrite, result: FieldWrite) -> None:
        if ctx is not self.ctx:
            return  # the editor was rebuilt meanwhile: it read the field afresh
        outcome = self._draft().field_written(pending, result)  # a conflict is published
        if isinstance(outcome, PendingWrite):
            self._submit_field(outcome)

    # ------------------------------------------------------------------ pulled changes

    def fields_arrived(self, ctx: ReviewContext, values: dict[str, FieldValue]) -> list[str]:
        """Shared answers read again after a pull: show the newer ones in place (a conflict
        where the person is typing). Returns the fields shown, for the notice."""
        if ctx is not self.ctx:
            return []
        draft = self._draft()
        return [
            stored_id
            for stored_id, stored in values.items()
            if draft.field_arrived(stored, typing=self.saver.waiting(stored_id)) is Arrival.SHOW
        ]

    def keep_mine(self, stored_id: str) -> None:
        """In a conflict, the person keeps their value: written over the colleague's."""
        draft = self._draft()
        if not self.view.has_field(stored_id) or stored_id not in draft.fields.conflicts:
            return
        self.saver.cancel(stored_id)
        self._submit_field(draft.keep_mine(stored_id, self.view.field_value(stored_id)))
        self._changed()

    def use_theirs(self, stored_id: str) -> None:
        """In a conflict, the person takes the colleague's value (nothing is written)."""
        draft, view = self.draft, self.view
        if (
            draft is None
            or not view.has_field(stored_id)
            or stored_id not in draft.fields.conflicts
        ):
            return
        self.saver.cancel(stored_id)
        draft.use_theirs(stored_id)  # shown in its field, the conflict box closed

    def apply_field(self, stored_id: str, value: Any) -> None:
        """Show and write a value (undo and redo)."""
        self._draft().field_set(stored_id, value)
        self.write_field(stored_id, value)

    # ------------------------------------------------------------------ judgements

    def rate(self, criterion_id: str, level: str | None, agreed: bool) -> None:
        """The person chose a level on a rating control."""
        draft = self._draft()
        self.view.set_current_criterion(criterion_id)
        write_agreed = draft.writes_agreed(agreed)
        old = draft.level_of(criterion_id, agreed=write_agreed)
        if old == level:
            return
        self.undo_stack.push(RateCommand(self, criterion_id, write_agreed, old, level))

    def confirm(self, criterion_id: str) -> None:
        """The lead confirmed a carried-forward answer: the same level, agreed again as theirs."""
        self.view.set_current_criterion(criterion_id)
        carried = self._draft().carried_to_confirm(criterion_id)
        if carried is not None:
            self.undo_stack.push(ConfirmCommand(self, criterion_id, *carried))

    def write_judgement(
        self,
        criterion_id: str,
        level: str | None,
        *,
        agreed: bool,
        rationale: str = "",
        carried_forward_from: date | None = None,
    ) -> None:
        draft = self._draft()
        # One record, one id: the editor shows it under the id the store keeps it by.
        judgement = draft.judge(
            criterion_id,
            level,
            agreed=agreed,
            rationale=rationale,
            carried_forward_from=carried_forward_from,
        )
        reviews = self.workspace.reviews
        write = reviews.agree_judgement if agreed else reviews.propose_judgement
        self.saver.submit(
            write, draft.ctx.review.id, criterion_id, level, rationale,
            carried_forward_from=carried_forward_from, judgement_id=judgement.id,
        )  # fmt: skip
        self._changed()

    # ------------------------------------------------------------------ lifecycle

    def mark_ready(self) -> None:
        """Mark the review ready for sign-off (the check must find nothing missing)."""
        draft = self._draft()
        self.saver.flush()

        def done(review: Review) -> None:
            draft.review_arrived(review)  # published: the state, the lock, the progress

        self.saver.submit(review_session.mark_ready, self.workspace, draft.ctx, on_done=done)

    def start_amendment(self, reason: str | None = None) -> None:
        """Lead reviewer on a signed review: say why, then edit the amendment."""
        ctx = self.ctx
        assert ctx is not None
        if reason is None:
            reason = self.view.ask_amendment_reason()
            if reason is None or not reason.strip():
                return

        def done(review: Review) -> None:
            self.view.show_amendment(review.id)

        self.saver.submit(review_session.amend, self.workspace, ctx, reason, on_done=done)
