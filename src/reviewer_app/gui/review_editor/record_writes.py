"""The records the reviewer adds in the editor (evidence notes, photos and files, actions,
follow-ups of earlier actions), each an undoable command written through the SaveQueue, and
what every kind of change shares: the review held, undo and redo, back to draft on a change.

Never touches a widget: each change goes into the review being edited (``ReviewDraft``), which
publishes it to the widgets that show it; hints and questions go through
:class:`~reviewer_app.gui.review_editor.view.EditorView`. Fields, judgements and the review's
lifecycle are in ``writes.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from reviewer_app.domain.review import (
    Action,
    Attachment,
    EvidenceNote,
    FollowUpOutcome,
)
from reviewer_app.gui.review_editor.commands import (
    AddActionCommand,
    AddAttachmentCommand,
    AddNoteCommand,
    CorrectNoteCommand,
    FollowUpCommand,
)
from reviewer_app.services import review_session
from reviewer_app.services.edit_history import EditHistory, RecordEdit, WithdrawEdit
from reviewer_app.services.review_draft import ReviewDraft

if TYPE_CHECKING:
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


class RecordWrites:
    """The review held by one open editor and the records added to it (see ``EditorChanges``)."""

    def __init__(
        self,
        view: EditorView,
        workspace: Workspace,
        tasks: TaskRunner,
        saver: SaveQueue,
        undo_stack: EditHistory,
    ) -> None:
        self.view = view
        self.workspace = workspace
        self.tasks = tasks
        self.saver = saver
        self.undo_stack = undo_stack
        #: The review being edited (None until it is read).
        self.draft: ReviewDraft | None = None
        #: The window has closed: files stored from now on get a note of their own.
        self.closing = False

    @property
    def ctx(self) -> ReviewContext | None:
        """The records of the review being edited (None until it is read)."""
        return None if self.draft is None else self.draft.ctx

    def _draft(self) -> ReviewDraft:
        assert self.draft is not None, "the review is not open yet"
        return self.draft

    def loaded(self, ctx: ReviewContext) -> None:
        """A review was (re)read: the records are as the store has them; undo starts afresh."""
        old = self.draft
        self.draft = ReviewDraft(ctx)
        if old is not None:  # files attached (or being stored) stay for the next note
            self.draft.pending_attachments = old.pending_attachments
            self.draft.saving_files = old.saving_files
        self.undo_stack.clear()

    # ------------------------------------------------------------------ undo and redo

    def undo(self) -> None:
        self.saver.flush()  # typing not yet committed becomes a command first
        self.undo_stack.undo()

    def redo(self) -> None:
        self.saver.flush()
        self.undo_stack.redo()

    def _changed(self) -> None:
        """After any change: a review marked ready goes back to draft (the draft publishes it;
        counts and visibility follow every change through the draft too)."""
        ready = self._draft().reopen_if_ready()
        if ready is not None:
            self.saver.submit(review_session.reopen_draft, self.workspace, ready)

    # ------------------------------------------------------------------ notes

    def capture_note(self, parsed: ParsedCapture) -> None:
        """Enter in the capture bar: a timestamped, tagged note (linked to the current
        criterion when the line names none)."""
        criteria = parsed.criterion_ids or (
            (self.view.current_criterion,) if self.view.current_criterion else ()
        )
        args = {
            "text": parsed.text,
            "criterion_ids": tuple(criteria),
            "tags": dict(parsed.tags),
            "pupil_refs": parsed.pupil_refs,
            "attachment_ids": self._draft().take_pending_attachments(),
        }
        self.undo_stack.push(AddNoteCommand(self, args))

    def write_note(self, command: AddNoteCommand) -> None:
        draft = self._draft()
        ctx = draft.ctx
        args = command.note_args
        write = command.begin_write()

        def done(note: EvidenceNote) -> None:
            if self._landed(command, write, note.id, self.retract_note):
                draft.note_saved(note)

        self._submit_note(ctx.review.id, args, on_done=done)

    def retract_note(self, note_id: str) -> None:
        draft = self._draft()
        draft.note_withdrawn(note_id)
        self.saver.submit(self.workspace.reviews.retract_note, draft.ctx.review.id, note_id)

    def withdraw_note(self, note: EvidenceNote) -> None:
        """Delete on a note in the list: withdraw it (undoable). Only its author may, as
        undoing would capture it again in the name of whoever withdrew it."""
        draft = self.draft
        if draft is None or draft.read_only:
            return
        refusal = draft.note_refusal(note)
        if refusal is not None:
            self.view.show_note_hint(refusal)
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
        self.undo_stack.push(WithdrawEdit("withdraw an evidence note", added, note.id))

    def correct_note(self, note: EvidenceNote, text: str, criterion_ids: tuple[str, ...]) -> None:
        """Store a changed note as a correction that supersedes it (the earlier wording stays in
        the store's history and syncs like any note); Ctrl+Z stores the earlier wording again.
        Only its author may change it."""
        draft = self.draft
        if draft is None or draft.read_only:
            return
        ctx = draft.ctx
        if note.author_id != ctx.me.id:
            self.view.show_note_hint(
                f"Not changed: only {ctx.name_of(note.author_id)} can change their note."
            )
            return
        kept = {
            "tags": dict(note.tags),
            "pupil_refs": note.pupil_refs,
            "attachment_ids": note.attachment_ids,
        }
        before = {"text": note.text, "criterion_ids": note.criterion_ids, **kept}
        after = {"text": text, "criterion_ids": criterion_ids, **kept}
        self.undo_stack.push(CorrectNoteCommand(self, note.id, before, after))

    def write_correction(self, old_id: str, new_id: str, args: dict[str, Any]) -> None:
        """Write ``args`` as note ``new_id``, superseding ``old_id``; shown once it lands."""
        draft = self._draft()

        def done(corrected: EvidenceNote) -> None:
            draft.note_withdrawn(old_id)
            draft.note_saved(corrected)

        self._submit_note(
            draft.ctx.review.id, args, on_done=done, supersedes=old_id, note_id=new_id
        )

    def _submit_note(
        self,
        review_id: str,
        args: dict[str, Any],
        *,
        on_done: Callable[[EvidenceNote], None],
        supersedes: str | None = None,
        note_id: str | None = None,
    ) -> None:
        """Save a note's words, criteria, tags, pupils and files (``args``) on the writer."""
        self.saver.submit(
            self.workspace.reviews.add_note,
            review_id,
            args["text"],
            criterion_ids=args["criterion_ids"],
            tags=args["tags"],
            pupil_refs=args["pupil_refs"],
            attachment_ids=args["attachment_ids"],
            supersedes=supersedes,
            note_id=note_id,
            on_done=on_done,
        )

    def _landed(self, command: RecordEdit, write: int, record_id: str, withdraw: Any) -> bool:
        """A record's write landed: True to show it; if it was undone meanwhile, withdraw it."""
        if command.landed(write, record_id):
            return True
        log.info("a record undone before it was saved is withdrawn")
        withdraw(record_id)
        return False

    # ------------------------------------------------------------------ attachments

    def attach_file(self, path: Path) -> None:
        """Attach a photo or file (read and stored encrypted on the writer lane)."""
        if self.draft is None or self.draft.read_only:
            return
        self.undo_stack.push(AddAttachmentCommand(self, path))

    def write_attachment(self, command: AddAttachmentCommand) -> None:
        draft = self._draft()
        reviews, review_id, path = self.workspace.reviews, draft.ctx.review.id, command.path
        write = command.begin_write()

        def store() -> Attachment:
            data = review_session.read_attachment_file(path)
            return reviews.add_attachment(
                review_id, path.name, review_session.media_type_of(path), data
            )

        def done(attachment: Attachment) -> None:
            draft.file_done(path.name)
            if not self._landed(command, write, attachment.id, self.retract_attachment):
                return
            draft.attachment_saved(attachment)
            if self.closing:  # stored after the window closed: it must not wait for a note
                self.save_waiting_files()

        def failed(_error: BaseException) -> None:
            draft.file_done(path.name)

        draft.file_saving(path.name)
        self.saver.submit(store, on_done=done, on_failed=failed)

    def save_waiting_files(self) -> None:
        """The review is closing with photos or files waiting for "the next note": they get a
        note of their own (linked to the criterion in view), so none is left unlinked."""
        self.closing = True
        draft = self.draft
        if draft is None or draft.read_only or not draft.pending_attachments:
            return
        waiting = draft.take_pending_attachments()
        names = [a.filename for a in draft.ctx.attachments if a.id in waiting]
        photos = all(
            a.media_type.startswith("image/") for a in draft.ctx.attachments if a.id in waiting
        )
        noun = ("Photo" if photos else "File") + ("s" if len(waiting) > 1 else "")
        args: dict[str, Any] = {
            "text": f"{noun} attached: {', '.join(names)}",
            "criterion_ids": (self.view.current_criterion,) if self.view.current_criterion else (),
            "tags": {},
            "pupil_refs": (),
            "attachment_ids": waiting,
        }
        self.undo_stack.push(AddNoteCommand(self, args))

    def retract_attachment(self, attachment_id: str) -> None:
        draft = self._draft()
        draft.attachment_withdrawn(attachment_id)
        review_id = draft.ctx.review.id
        self.saver.submit(self.workspace.reviews.retract_attachment, review_id, attachment_id)

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
        draft = self._draft()
        ctx = draft.ctx
        args = command.action_args
        write = command.begin_write()

        def done(action: Action) -> None:
            if self._landed(command, write, action.id, self.retract_action):
                draft.action_saved(action)
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
        draft = self._draft()
        draft.action_withdrawn(action_id)
        self.saver.submit(self.workspace.reviews.retract_action, draft.ctx.review.id, action_id)
        self._changed()

    def withdraw_action(self, action: Action) -> None:
        """Delete on an action: withdraw it (undoable). Its author or the lead reviewer may,
        as the trust server allows; anyone else is told who can."""
        draft = self.draft
        if draft is None or draft.read_only:
            return
        refusal = draft.action_refusal(action)
        if refusal is not None:
            self.view.show_action_problem(refusal)
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
        self.undo_stack.push(WithdrawEdit("withdraw an action", added, action.id))

    # ------------------------------------------------------------------ follow-ups

    def follow_up_changed(self, action_id: str, outcome: Any, evidence: str) -> None:
        """A follow-up row changed: save it after a pause (an outcome is needed to record)."""
        if outcome is None:
            return
        self.saver.schedule(
            f"follow-up:{action_id}", lambda: self._commit_follow_up(action_id, outcome, evidence)
        )

    def _commit_follow_up(self, action_id: str, outcome: FollowUpOutcome, evidence: str) -> None:
        old = self._draft().last_follow_up(action_id)
        if old == (outcome, evidence):
            return
        if old is None:
            self.write_follow_up(action_id, outcome, evidence, show=False)
        else:
            self.undo_stack.push(FollowUpCommand(self, action_id, old, (outcome, evidence)))

    def write_follow_up(
        self, action_id: str, outcome: FollowUpOutcome, evidence: str, *, show: bool
    ) -> None:
        draft = self._draft()
        follow_up = draft.follow_up(action_id, outcome, evidence, typed=not show)
        self.saver.submit(
            self.workspace.reviews.record_follow_up,
            draft.ctx.review.id,
            action_id,
            outcome,
            evidence,
            follow_up_id=follow_up.id,
        )
        self._changed()
