"""The records the reviewer adds in the editor (evidence notes, photos and files, actions,
follow-ups of earlier actions), each an undoable command written through the SaveQueue, and
what every kind of change shares: the review held, undo and redo, back to draft on a change.

Never touches a widget: the window is told what changed through
:class:`~reviewer_app.gui.review_editor.view.EditorView`. Fields, judgements and the review's
lifecycle are in ``writes.py``.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from reviewer_app.domain.ids import new_id
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FollowUpOutcome,
    ReviewState,
)
from reviewer_app.domain.review_rules import may_withdraw, withdraw_refusal
from reviewer_app.gui.review_editor.commands import (
    AddActionCommand,
    AddAttachmentCommand,
    AddNoteCommand,
    FollowUpCommand,
    RecordCommand,
    WithdrawCommand,
)
from reviewer_app.services import review_session
from reviewer_app.services.review_draft import SharedFields

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from reviewer_app.domain.quick_capture import ParsedCapture
    from reviewer_app.gui.review_editor.save_queue import SaveQueue
    from reviewer_app.gui.review_editor.view import EditorView
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.services.review_session import ReviewContext
    from reviewer_app.services.workspace import Workspace

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


def now() -> datetime:
    return datetime.now().astimezone()


class RecordWrites:
    """The review held by one open editor and the records added to it (see ``EditorChanges``)."""

    def __init__(
        self,
        view: EditorView,
        workspace: Workspace,
        tasks: TaskRunner,
        saver: SaveQueue,
        undo_stack: QUndoStack,
    ) -> None:
        self.view = view
        self.workspace = workspace
        self.tasks = tasks
        self.saver = saver
        self.undo_stack = undo_stack
        #: The review being edited (None until it is read).
        self.ctx: ReviewContext | None = None
        self.fields = SharedFields("", {})
        #: Files attached since the last note: the next note links them.
        self.pending_attachments: list[str] = []

    def loaded(self, ctx: ReviewContext) -> None:
        """A review was (re)read: the shared answers are as the store has them."""
        self.ctx = ctx
        self.fields = SharedFields(ctx.me.id, ctx.fields)
        self.undo_stack.clear()

    # ------------------------------------------------------------------ undo and redo

    def undo(self) -> None:
        self.saver.flush()  # typing not yet committed becomes a command first
        self.undo_stack.undo()

    def redo(self) -> None:
        self.saver.flush()
        self.undo_stack.redo()

    def _changed(self) -> None:
        """After any change: counts, visibility and, for a review marked ready, back to draft."""
        self.view.refresh_progress()
        ctx = self.ctx
        assert ctx is not None
        if ctx.review.state is ReviewState.READY_FOR_SIGN_OFF:
            ready = ctx.review
            ctx.review = replace(ready, state=ReviewState.DRAFT)
            self.saver.submit(review_session.reopen_draft, self.workspace, ready)
            self.view.update_lock()

    # ------------------------------------------------------------------ notes

    def capture_note(self, parsed: ParsedCapture) -> None:
        """Enter in the capture bar: a timestamped, tagged note (linked to the current
        criterion when the line names none)."""
        ctx = self.ctx
        assert ctx is not None
        criteria = parsed.criterion_ids or (
            (self.view.current_criterion,) if self.view.current_criterion else ()
        )
        args = {
            "text": parsed.text,
            "criterion_ids": tuple(criteria),
            "tags": dict(parsed.tags),
            "pupil_refs": parsed.pupil_refs,
            "attachment_ids": tuple(self.pending_attachments),
        }
        self.pending_attachments = []
        self.view.show_pending_files(0)
        self.undo_stack.push(AddNoteCommand(self, args))

    def write_note(self, command: AddNoteCommand) -> None:
        ctx = self.ctx
        assert ctx is not None
        args = command.note_args
        write = command.begin_write()

        def done(note: EvidenceNote) -> None:
            if not self._landed(command, write, note.id, self.retract_note):
                return
            ctx.notes.append(note)
            self.view.note_added(note)
            self.after_notes_changed()

        self.saver.submit(
            self.workspace.reviews.add_note,
            ctx.review.id,
            args["text"],
            criterion_ids=args["criterion_ids"],
            tags=args["tags"],
            pupil_refs=args["pupil_refs"],
            attachment_ids=args["attachment_ids"],
            on_done=done,
        )

    def retract_note(self, note_id: str) -> None:
        ctx = self.ctx
        assert ctx is not None
        self.view.note_removed(note_id)
        ctx.notes[:] = [n for n in ctx.notes if n.id != note_id]
        self.saver.submit(self.workspace.reviews.retract_note, ctx.review.id, note_id)
        self.after_notes_changed()

    def withdraw_note(self, note: EvidenceNote) -> None:
        """Delete on a note in the list: withdraw it (undoable). Only its author may, as
        undoing would capture it again in the name of whoever withdrew it."""
        ctx = self.ctx
        if ctx is None or ctx.read_only:
            return
        # Undoing a withdrawal captures the note again: its author's alone (domain.review_rules).
        if not may_withdraw(note.author_id, ctx.me.id, is_lead=False):
            refusal = withdraw_refusal("their note", ctx.name_of(note.author_id), lead_may=False)
            self.view.show_note_hint(_not_withdrawn(refusal))
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
        self.undo_stack.push(WithdrawCommand("withdraw an evidence note", added, note.id))

    def _landed(self, command: RecordCommand, write: int, record_id: str, withdraw: Any) -> bool:
        """A record's write landed: True to show it; if it was undone meanwhile, withdraw it."""
        if command.landed(write, record_id):
            return True
        log.info("a record undone before it was saved is withdrawn")
        withdraw(record_id)
        return False

    def after_notes_changed(self) -> None:
        self.view.notes_changed()

    # ------------------------------------------------------------------ attachments

    def attach_file(self, path: Path) -> None:
        """Attach a photo or file (read and stored encrypted on the writer lane)."""
        if self.ctx is None or self.ctx.read_only:
            return
        self.undo_stack.push(AddAttachmentCommand(self, path))

    def write_attachment(self, command: AddAttachmentCommand) -> None:
        ctx = self.ctx
        assert ctx is not None
        reviews, review_id, path = self.workspace.reviews, ctx.review.id, command.path
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
            self.view.attachment_added(attachment)
            self.pending_attachments.append(attachment.id)
            self.view.show_pending_files(len(self.pending_attachments))

        self.saver.submit(store, on_done=done)

    def retract_attachment(self, attachment_id: str) -> None:
        ctx = self.ctx
        assert ctx is not None
        self.view.attachment_removed(attachment_id)
        if attachment_id in self.pending_attachments:
            self.pending_attachments.remove(attachment_id)
            self.view.show_pending_files(len(self.pending_attachments))
        ctx.attachments[:] = [a for a in ctx.attachments if a.id != attachment_id]
        self.saver.submit(self.workspace.reviews.retract_attachment, ctx.review.id, attachment_id)

    def load_thumbnail(self, attachment: Attachment) -> None:
        reviews = self.workspace.reviews

        def done(image: QImage | None) -> None:
            if image is not None:
                self.view.show_thumbnail(attachment.id, image)

        self.tasks.run(
            lambda: _thumbnail(reviews.attachment_data(attachment)),
            on_done=done,
            context=self.saver,
        )

    # ------------------------------------------------------------------ actions

    def add_action(self, text: str, owner: str, due: Any, priority: Any, criterion_id: Any) -> None:
        self.undo_stack.push(
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
        ctx = self.ctx
        assert ctx is not None
        args = command.action_args
        write = command.begin_write()

        def done(action: Action) -> None:
            if not self._landed(command, write, action.id, self.retract_action):
                return
            ctx.actions.append(action)
            self.view.action_added(action)
            self._changed()

        self.saver.submit(
            self.workspace.reviews.add_action,
            ctx.review.id,
            args["text"],
            owner=args["owner"],
            due=args["due"],
            priority=args["priority"],
            criterion_id=args["criterion_id"],
            on_done=done,
        )

    def retract_action(self, action_id: str) -> None:
        ctx = self.ctx
        assert ctx is not None
        self.view.action_removed(action_id)
        ctx.actions[:] = [a for a in ctx.actions if a.id != action_id]
        self.saver.submit(self.workspace.reviews.retract_action, ctx.review.id, action_id)
        self._changed()

    def withdraw_action(self, action: Action) -> None:
        """Delete on an action: withdraw it (undoable). Its author or the lead reviewer may,
        as the trust server allows; anyone else is told who can."""
        ctx = self.ctx
        if ctx is None or ctx.read_only:
            return
        if not may_withdraw(action.created_by, ctx.me.id, is_lead=ctx.is_lead):
            refusal = withdraw_refusal("this action", ctx.name_of(action.created_by))
            self.view.show_action_problem(_not_withdrawn(refusal))
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
        self.undo_stack.push(WithdrawCommand("withdraw an action", added, action.id))

    # ------------------------------------------------------------------ follow-ups

    def follow_up_changed(self, action_id: str, outcome: Any, evidence: str) -> None:
        """A follow-up row changed: save it after a pause (an outcome is needed to record)."""
        if outcome is None:
            return
        self.saver.schedule(
            f"follow-up:{action_id}", lambda: self._commit_follow_up(action_id, outcome, evidence)
        )

    def _commit_follow_up(self, action_id: str, outcome: FollowUpOutcome, evidence: str) -> None:
        ctx = self.ctx
        assert ctx is not None
        earlier = [f for f in ctx.follow_ups if f.action_id == action_id]
        old = (earlier[-1].outcome, earlier[-1].evidence) if earlier else None
        if old == (outcome, evidence):
            return
        if old is None:
            self.write_follow_up(action_id, outcome, evidence, show=False)
        else:
            self.undo_stack.push(FollowUpCommand(self, action_id, old, (outcome, evidence)))

    def write_follow_up(
        self, action_id: str, outcome: FollowUpOutcome, evidence: str, *, show: bool
    ) -> None:
        ctx = self.ctx
        assert ctx is not None
        follow_up = ActionFollowUp(
            new_id(), action_id, ctx.review.id, outcome, evidence, ctx.me.id, now()
        )
        ctx.follow_ups.append(follow_up)
        if show:
            self.view.show_follow_up(action_id, outcome, evidence)
        self.saver.submit(
            self.workspace.reviews.record_follow_up,
            ctx.review.id,
            action_id,
            outcome,
            evidence,
            follow_up_id=follow_up.id,
        )
        self._changed()
