# Longer than 600 lines because it holds every kind of edit the editor makes (to become a Qt-free
# controller: issue 15).
"""The editor's changes: each becomes an undoable command whose write goes through the SaveQueue
to the writer lane. What the editor shows is updated at once (visibility and counts follow
the answer typed), and the store catches up within the debounce.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QInputDialog, QLineEdit

from reviewer_app.domain.carry_forward import is_carried_forward
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FieldValue,
    FollowUpOutcome,
    Judgement,
    Review,
    ReviewState,
    agreed_judgement,
)
from reviewer_app.domain.review_progress import ACTIONS_SECTION
from reviewer_app.domain.review_rules import may_withdraw, withdraw_refusal
from reviewer_app.gui.review_editor.actions_page import ActionsPage
from reviewer_app.gui.review_editor.commands import (
    AddActionCommand,
    AddAttachmentCommand,
    AddNoteCommand,
    ConfirmCommand,
    FollowUpCommand,
    RateCommand,
    RecordCommand,
    SetFieldCommand,
    WithdrawCommand,
)
from reviewer_app.gui.review_editor.section_page import SectionPage
from reviewer_app.services import review_session
from reviewer_app.services.review_draft import Arrival, PendingWrite, SharedFields
from reviewer_app.services.review_records import FieldWrite

if TYPE_CHECKING:
    from reviewer_app.domain.quick_capture import ParsedCapture
    from reviewer_app.gui.review_editor.editor import ReviewEditor
    from reviewer_app.gui.review_editor.field_widgets import FieldEditor
    from reviewer_app.services.review_session import ReviewContext

log = logging.getLogger(__name__)

THUMBNAIL_SIZE = 144


def _thumbnail(data: bytes) -> QImage | None:
    image = QImage()
    if not image.loadFromData(data):
        return None
    return image.scaled(
        THUMBNAIL_SIZE,
        THUMBNAIL_SIZE,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def _not_withdrawn(refusal: str) -> str:
    """'Not withdrawn: only …' from the rule's sentence."""
    return f"Not withdrawn: {refusal[:1].lower()}{refusal[1:]}"


def _now() -> datetime:
    return datetime.now().astimezone()


class EditorChanges:
    """Turns the reviewer's changes in one :class:`ReviewEditor` into saved records."""

    def __init__(self, editor: ReviewEditor) -> None:
        self.editor = editor
        self.fields = SharedFields("", {})

    def loaded(self, ctx: ReviewContext) -> None:
        """A review was (re)read: the shared answers are as the store has them."""
        self.fields = SharedFields(ctx.me.id, ctx.fields)

    # ------------------------------------------------------------------ undo and redo

    def undo(self) -> None:
        self.editor.saver.flush()  # typing not yet committed becomes a command first
        self.editor.undo_stack.undo()

    def redo(self) -> None:
        self.editor.saver.flush()
        self.editor.undo_stack.redo()

    def _changed(self) -> None:
        """After any change: counts, visibility and, for a review marked ready, back to draft."""
        self.editor.refresh_progress()
        ctx = self.editor.ctx
        assert ctx is not None
        if ctx.review.state is ReviewState.READY_FOR_SIGN_OFF:
            ready = ctx.review
            ctx.review = replace(ready, state=ReviewState.DRAFT)
            self.editor.saver.submit(review_session.reopen_draft, self.editor.workspace, ready)
            self.editor.update_lock()

    # ------------------------------------------------------------------ fields

    def field_edited(self, stored_id: str, value: Any) -> None:
        """The person changed a field: show its effects now, save it after a pause."""
        self._remember_field(stored_id, value)
        self.editor.refresh_progress()
        self.editor.saver.schedule(stored_id, lambda: self._commit_field(stored_id, value))

    def _commit_field(self, stored_id: str, new: Any) -> None:
        old = self.fields.committed.get(stored_id)
        if new == old:
            return
        label = self._field_label(stored_id)
        self.editor.undo_stack.push(SetFieldCommand(self, stored_id, label, old, new))

    def _field_label(self, stored_id: str) -> str:
        ctx = self.editor.ctx
        assert ctx is not None
        for sid, spec in ctx.framework.all_fields():
            if sid == stored_id:
                return spec.label
        return stored_id

    def _remember_field(self, stored_id: str, value: Any) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        old = ctx.fields.get(stored_id)
        ctx.fields[stored_id] = FieldValue(
            review_id=ctx.review.id,
            field_id=stored_id,
            value=value,
            version=(old.version if old else 0) + 1,
            author_id=ctx.me.id,
            updated_at=_now(),
        )

    def write_field(self, stored_id: str, value: Any) -> None:
        """Write a field's value to the store (no widget change), on the version last seen."""
        self._submit_field(self.fields.begin_write(stored_id, value))
        self._changed()

    def _submit_field(self, pending: PendingWrite) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        self.editor.saver.submit(
            self.editor.workspace.reviews.write_field,
            ctx.review.id,
            pending.field_id,
            pending.stored,
            expected_version=pending.expected_version,
            on_done=lambda result: self._field_written(ctx, pending, result),
        )

    def _field_written(self, ctx: ReviewContext, pending: PendingWrite, result: FieldWrite) -> None:
        if ctx is not self.editor.ctx:
            return  # the editor was rebuilt meanwhile: it read the field afresh
        outcome = self.fields.written(pending, result)
        if isinstance(outcome, PendingWrite):
            self._submit_field(outcome)
        elif isinstance(outcome, FieldValue):
            self._show_conflict(pending.field_id, outcome)

    # ------------------------------------------------------------------ pulled changes

    def fields_arrived(self, ctx: ReviewContext, values: dict[str, FieldValue]) -> list[str]:
        """Shared answers read again after a pull: show the newer ones in place (a conflict
        where the person is typing). Returns the fields shown, for the notice."""
        if ctx is not self.editor.ctx:
            return []
        shown: list[str] = []
        for stored_id, stored in values.items():
            typing = self.editor.saver.waiting(stored_id)
            arrival = self.fields.arrived(stored, typing=typing)
            if arrival is Arrival.SHOW:
                ctx.fields[stored_id] = stored
                editor = self._field_editor(stored_id)
                if editor is not None:
                    editor.set_value(stored.value)
                shown.append(stored_id)
            elif (
                arrival in (Arrival.CONFLICT, Arrival.IGNORED)
                and stored_id in self.fields.conflicts
            ):
                self._show_conflict(stored_id, self.fields.conflicts[stored_id])
        if shown:
            self.editor.refresh_progress()
        return shown

    def _field_editor(self, stored_id: str) -> FieldEditor | None:
        for page in self.editor.pages.values():
            if isinstance(page, SectionPage) and stored_id in page.field_editors:
                return page.field_editors[stored_id]
        return None

    def _show_conflict(self, stored_id: str, newer: FieldValue) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        editor = self._field_editor(stored_id)
        if editor is None:
            return  # a page not built yet has nothing typed in it
        editor.show_conflict(ctx.name_of(newer.author_id), editor.value(), newer.value)

    def keep_mine(self, stored_id: str) -> None:
        """In a conflict, the person keeps their value: written over the colleague's."""
        editor = self._field_editor(stored_id)
        if editor is None or stored_id not in self.fields.conflicts:
            return
        self.editor.saver.cancel(stored_id)
        editor.hide_conflict()
        value = editor.value()
        self._remember_field(stored_id, value)
        self._submit_field(self.fields.keep_mine(stored_id, value))
        self._changed()

    def use_theirs(self, stored_id: str) -> None:
        """In a conflict, the person takes the colleague's value (nothing is written)."""
        ctx = self.editor.ctx
        editor = self._field_editor(stored_id)
        if ctx is None or editor is None or stored_id not in self.fields.conflicts:
            return
        self.editor.saver.cancel(stored_id)
        newer = self.fields.use_theirs(stored_id)
        ctx.fields[stored_id] = newer
        editor.set_value(newer.value)
        editor.hide_conflict()
        self.editor.refresh_progress()

    def apply_field(self, stored_id: str, value: Any) -> None:
        """Show and write a value (undo and redo)."""
        for page in self.editor.pages.values():
            if isinstance(page, SectionPage) and stored_id in page.field_editors:
                page.field_editors[stored_id].set_value(value)
        self._remember_field(stored_id, value)
        self.write_field(stored_id, value)

    # ------------------------------------------------------------------ judgements

    def rate(self, criterion_id: str, level: str | None, agreed: bool) -> None:
        """The person chose a level on a rating control."""
        ctx = self.editor.ctx
        assert ctx is not None
        self.editor.set_current_criterion(criterion_id)
        write_agreed = agreed or not ctx.is_team_visit
        old = self._level_of(criterion_id, agreed=write_agreed)
        if old == level:
            return
        self.editor.undo_stack.push(RateCommand(self, criterion_id, write_agreed, old, level))

    def confirm(self, criterion_id: str) -> None:
        """The lead confirmed a carried-forward answer: the same level, agreed again as theirs."""
        ctx = self.editor.ctx
        assert ctx is not None
        self.editor.set_current_criterion(criterion_id)
        agreed = agreed_judgement(ctx.judgements, criterion_id)
        if (
            is_carried_forward(agreed)
            and agreed is not None
            and agreed.level_key is not None
            and agreed.carried_forward_from is not None
        ):
            self.editor.undo_stack.push(
                ConfirmCommand(self, criterion_id, agreed.level_key, agreed.carried_forward_from)
            )

    def _level_of(self, criterion_id: str, *, agreed: bool) -> str | None:
        ctx = self.editor.ctx
        assert ctx is not None
        found = [
            j
            for j in ctx.judgements
            if j.criterion_id == criterion_id
            and j.agreed == agreed
            and (agreed or j.author_id == ctx.me.id)
        ]
        if not found:
            return None
        return max(found, key=lambda j: (j.created_at, j.id)).level_key

    def write_judgement(
        self,
        criterion_id: str,
        level: str | None,
        *,
        agreed: bool,
        rationale: str = "",
        carried_forward_from: date | None = None,
    ) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        # One record, one id: the editor shows it under the id the store keeps it by.
        judgement = Judgement(
            new_id(),
            ctx.review.id,
            criterion_id,
            ctx.me.id,
            level,
            _now(),
            rationale,
            agreed=agreed,
            carried_forward_from=carried_forward_from,
        )
        ctx.judgements.append(judgement)
        reviews = self.editor.workspace.reviews
        write = reviews.agree_judgement if agreed else reviews.propose_judgement
        self.editor.saver.submit(
            write, ctx.review.id, criterion_id, level, rationale,
            carried_forward_from=carried_forward_from, judgement_id=judgement.id,
        )  # fmt: skip
        self.editor.show_card_levels(self.editor.card(criterion_id))
        self._changed()

    # ------------------------------------------------------------------ notes

    def capture_note(self, parsed: ParsedCapture) -> None:
        """Enter in the capture bar: a timestamped, tagged note (linked to the current
        criterion when the line names none)."""
        ctx = self.editor.ctx
        assert ctx is not None
        criteria = parsed.criterion_ids or (
            (self.editor.current_criterion,) if self.editor.current_criterion else ()
        )
        args = {
            "text": parsed.text,
            "criterion_ids": tuple(criteria),
            "tags": dict(parsed.tags),
            "pupil_refs": parsed.pupil_refs,
            "attachment_ids": tuple(self.editor.pending_attachments),
        }
        self.editor.pending_attachments = []
        self.editor.evidence.set_pending_files(0)
        self.editor.undo_stack.push(AddNoteCommand(self, args))

    def write_note(self, command: AddNoteCommand) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        args = command.note_args
        write = command.begin_write()

        def done(note: EvidenceNote) -> None:
            if not self._landed(command, write, note.id, self.retract_note):
                return
            ctx.notes.append(note)
            self.editor.notes_model.add(note)
            self.after_notes_changed()

        self.editor.saver.submit(
            self.editor.workspace.reviews.add_note,
            ctx.review.id,
            args["text"],
            criterion_ids=args["criterion_ids"],
            tags=args["tags"],
            pupil_refs=args["pupil_refs"],
            attachment_ids=args["attachment_ids"],
            on_done=done,
        )

    def retract_note(self, note_id: str) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        self.editor.notes_model.remove(note_id)
        ctx.notes[:] = [n for n in ctx.notes if n.id != note_id]
        self.editor.saver.submit(self.editor.workspace.reviews.retract_note, ctx.review.id, note_id)
        self.after_notes_changed()

    def withdraw_note(self, note: EvidenceNote) -> None:
        """Delete on a note in the list: withdraw it (undoable). Only its author may, as
        undoing would capture it again in the name of whoever withdrew it."""
        ctx = self.editor.ctx
        if ctx is None or ctx.read_only:
            return
        # Undoing a withdrawal captures the note again: its author's alone (domain.review_rules).
        if not may_withdraw(note.author_id, ctx.me.id, is_lead=False):
            refusal = withdraw_refusal("their note", ctx.name_of(note.author_id), lead_may=False)
            self.editor.evidence.show_hint(_not_withdrawn(refusal))
            return
        args = {
            "text": note.text,
            "criterion_ids": note.criterion_ids,
            "tags": dict(note.tags),
            "pupil_refs": note.pupil_refs,
            "attachment_ids": note.attachment_ids,
        }
        # Withdrawing is adding in reverse: redo retracts, undo captures it again.
        added = AddNoteCommand(self, args)
        self.editor.undo_stack.push(WithdrawCommand("withdraw an evidence note", added, note.id))

    def _landed(self, command: RecordCommand, write: int, record_id: str, withdraw: Any) -> bool:
        """A record's write landed: True to show it; if it was undone meanwhile, withdraw it."""
        if command.landed(write, record_id):
            return True
        log.info("a record undone before it was saved is withdrawn")
        withdraw(record_id)
        return False

    def after_notes_changed(self) -> None:
        for page in self.editor.pages.values():
            if isinstance(page, SectionPage):
                self.editor.update_evidence_counts(page)
        self.editor.evidence.update_count()

    # ------------------------------------------------------------------ attachments

    def attach_file(self, path: Path) -> None:
        """Attach a photo or file (read and stored encrypted on the writer lane)."""
        if self.editor.ctx is None or self.editor.ctx.read_only:
            return
        self.editor.undo_stack.push(AddAttachmentCommand(self, path))

    def write_attachment(self, command: AddAttachmentCommand) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        reviews, review_id, path = self.editor.workspace.reviews, ctx.review.id, command.path
        write = command.begin_write()

        def store() -> Attachment:
            data = review_session.read_attachment_file(path)
            return reviews.add_attachment(
                review_id, path.name, review_session.media_type_of(path), data
            )

        def done(attachment: Attachment) -> None:
            if not self._landed(command, write, attachment.id, self.retract_attachment):
                return
            ctx.attachments.append(attachment)
            self.editor.attachments_model.add(attachment)
            self.editor.pending_attachments.append(attachment.id)
            self.editor.evidence.set_pending_files(len(self.editor.pending_attachments))

        self.editor.saver.submit(store, on_done=done)

    def retract_attachment(self, attachment_id: str) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        self.editor.attachments_model.remove(attachment_id)
        if attachment_id in self.editor.pending_attachments:
            self.editor.pending_attachments.remove(attachment_id)
            self.editor.evidence.set_pending_files(len(self.editor.pending_attachments))
        ctx.attachments[:] = [a for a in ctx.attachments if a.id != attachment_id]
        self.editor.saver.submit(
            self.editor.workspace.reviews.retract_attachment, ctx.review.id, attachment_id
        )

    def load_thumbnail(self, attachment: Attachment) -> None:
        reviews = self.editor.workspace.reviews

        def done(image: QImage | None) -> None:
            if image is not None:
                self.editor.attachments_model.thumbnail_ready(
                    attachment.id, QPixmap.fromImage(image)
                )

        self.editor.tasks.run(
            lambda: _thumbnail(reviews.attachment_data(attachment)),
            on_done=done,
            context=self.editor,
        )

    # ------------------------------------------------------------------ actions

    def add_action(self, text: str, owner: str, due: Any, priority: Any, criterion_id: Any) -> None:
        self.editor.undo_stack.push(
            AddActionCommand(
                self,
                {
                    "text": text,
                    "owner": owner,
                    "due": due,
                    "priority": priority,
                    "criterion_id": criterion_id,
                },
            )
        )

    def write_action(self, command: AddActionCommand) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        args = command.action_args
        write = command.begin_write()

        def done(action: Action) -> None:
            if not self._landed(command, write, action.id, self.retract_action):
                return
            ctx.actions.append(action)
            self.editor.actions_model.add(action)
            self._changed()

        self.editor.saver.submit(
            self.editor.workspace.reviews.add_action,
            ctx.review.id,
            args["text"],
            owner=args["owner"],
            due=args["due"],
            priority=args["priority"],
            criterion_id=args["criterion_id"],
            on_done=done,
        )

    def retract_action(self, action_id: str) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        self.editor.actions_model.remove(action_id)
        ctx.actions[:] = [a for a in ctx.actions if a.id != action_id]
        self.editor.saver.submit(
            self.editor.workspace.reviews.retract_action, ctx.review.id, action_id
        )
        self._changed()

    def withdraw_action(self, action: Action) -> None:
        """Delete on an action: withdraw it (undoable). Its author or the lead reviewer may,
        as the trust server allows; anyone else is told who can."""
        ctx = self.editor.ctx
        if ctx is None or ctx.read_only:
            return
        if not may_withdraw(action.created_by, ctx.me.id, is_lead=ctx.is_lead):
            page = self.editor.pages.get(ACTIONS_SECTION)
            if isinstance(page, ActionsPage):
                refusal = withdraw_refusal("this action", ctx.name_of(action.created_by))
                page.show_problem(_not_withdrawn(refusal))
            return
        added = AddActionCommand(
            self,
            {
                "text": action.text,
                "owner": action.owner,
                "due": action.due,
                "priority": action.priority,
                "criterion_id": action.criterion_id,
            },
        )
        self.editor.undo_stack.push(WithdrawCommand("withdraw an action", added, action.id))

    # ------------------------------------------------------------------ follow-ups

    def follow_up_changed(self, action_id: str, outcome: Any, evidence: str) -> None:
        """A follow-up row changed: save it after a pause (an outcome is needed to record)."""
        if outcome is None:
            return
        self.editor.saver.schedule(
            f"follow-up:{action_id}", lambda: self._commit_follow_up(action_id, outcome, evidence)
        )

    def _commit_follow_up(self, action_id: str, outcome: FollowUpOutcome, evidence: str) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        earlier = [f for f in ctx.follow_ups if f.action_id == action_id]
        old = (earlier[-1].outcome, earlier[-1].evidence) if earlier else None
        if old == (outcome, evidence):
            return
        if old is None:
            self.write_follow_up(action_id, outcome, evidence, show=False)
        else:
            self.editor.undo_stack.push(FollowUpCommand(self, action_id, old, (outcome, evidence)))

    def write_follow_up(
        self, action_id: str, outcome: FollowUpOutcome, evidence: str, *, show: bool
    ) -> None:
        ctx = self.editor.ctx
        assert ctx is not None
        follow_up = ActionFollowUp(
            new_id(), action_id, ctx.review.id, outcome, evidence, ctx.me.id, _now()
        )
        ctx.follow_ups.append(follow_up)
        if show:
            from reviewer_app.domain.review_progress import FOLLOW_UP_SECTION
            from reviewer_app.gui.review_editor.actions_page import FollowUpPage

            page = self.editor.pages.get(FOLLOW_UP_SECTION)
            if isinstance(page, FollowUpPage) and action_id in page.rows:
                page.rows[action_id].show_follow_up(outcome, evidence)
        self.editor.saver.submit(
            self.editor.workspace.reviews.record_follow_up,
            ctx.review.id,
            action_id,
            outcome,
            evidence,
            follow_up_id=follow_up.id,
        )
        self._changed()

    # ------------------------------------------------------------------ lifecycle

    def mark_ready(self) -> None:
        """Mark the review ready for sign-off (the check must find nothing missing)."""
        ctx = self.editor.ctx
        assert ctx is not None
        self.editor.saver.flush()

        def done(review: Review) -> None:
            ctx.review = review
            self.editor.update_lock()
            self.editor.refresh_progress()

        self.editor.saver.submit(
            review_session.mark_ready, self.editor.workspace, ctx, on_done=done
        )

    def start_amendment(self, reason: str | None = None) -> None:
        """Lead reviewer on a signed review: say why, then edit the amendment."""
        ctx = self.editor.ctx
        assert ctx is not None
        if reason is None:
            reason, ok = QInputDialog.getText(
                self.editor,
                "Amend the signed review",
                "Why does the signed review need amending?",
                QLineEdit.EchoMode.Normal,
            )
            if not ok or not reason.strip():
                return

        def done(review: Review) -> None:
            self.editor.review_replaced.emit(review.id)
            self.editor.load(review.id)

        self.editor.saver.submit(
            review_session.amend, self.editor.workspace, ctx, reason, on_done=done
        )
