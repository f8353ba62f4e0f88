"""Undo and redo across the editor: every change the reviewer makes is an edit kept in the
review's :class:`~reviewer_app.services.edit_history.EditHistory` (without Qt; see there how
undoing works on records that are never deleted). Each edit here says which of the editor's
writes does and undoes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reviewer_app.domain.ids import new_id
from reviewer_app.services.edit_history import Edit, RecordEdit

if TYPE_CHECKING:
    from datetime import date

    from reviewer_app.gui.review_editor.record_writes import RecordWrites
    from reviewer_app.gui.review_editor.writes import EditorChanges


class SetFieldCommand(Edit):
    """A field's value changed (typing is grouped by pauses)."""

    def __init__(
        self, editor: EditorChanges, stored_id: str, label: str, old: Any, new: Any
    ) -> None:
        super().__init__(f"change “{label}”")
        self.editor, self.stored_id, self.old, self.new = editor, stored_id, old, new
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            self.editor.write_field(self.stored_id, self.new)
        else:
            self.editor.apply_field(self.stored_id, self.new)

    def undo(self) -> None:
        self.editor.apply_field(self.stored_id, self.old)


class RateCommand(Edit):
    """A level was chosen or cleared for a criterion (own view or agreed)."""

    def __init__(
        self,
        editor: EditorChanges,
        criterion_id: str,
        agreed: bool,
        old: str | None,
        new: str | None,
    ) -> None:
        super().__init__("change a judgement")
        self.editor, self.criterion_id, self.agreed, self.old, self.new = (
            editor,
            criterion_id,
            agreed,
            old,
            new,
        )

    def redo(self) -> None:
        self.editor.write_judgement(self.criterion_id, self.new, agreed=self.agreed)

    def undo(self) -> None:
        self.editor.write_judgement(self.criterion_id, self.old, agreed=self.agreed)


class ConfirmCommand(Edit):
    """A carried-forward answer was confirmed; undo marks it carried forward again."""

    def __init__(self, editor: EditorChanges, criterion_id: str, level: str, carried: date) -> None:
        super().__init__("confirm a carried-forward answer")
        self.editor, self.criterion_id, self.level, self.carried = (
            editor,
            criterion_id,
            level,
            carried,
        )

    def redo(self) -> None:
        self.editor.write_judgement(self.criterion_id, self.level, agreed=True)

    def undo(self) -> None:
        self.editor.write_judgement(
            self.criterion_id, self.level, agreed=True, carried_forward_from=self.carried
        )


class AddNoteCommand(RecordEdit):
    """An evidence note was captured (undo withdraws it; redo captures it again)."""

    def __init__(self, editor: RecordWrites, note_args: dict[str, Any]) -> None:
        super().__init__("add an evidence note")
        self.editor, self.note_args = editor, note_args

    def write(self) -> None:
        self.editor.write_note(self)

    def withdraw(self, record_id: str) -> None:
        self.editor.retract_note(record_id)


class CorrectNoteCommand(Edit):
    """An evidence note was changed (its words or criteria). Every step is a new correction
    superseding the note as it stands, so undo stores the earlier wording again and redo the
    changed one; the store keeps each version."""

    def __init__(
        self, editor: RecordWrites, note_id: str, before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        super().__init__("change an evidence note")
        self.editor, self.before, self.after = editor, before, after
        #: The note as it stands now (the newest correction, once written).
        self.head = note_id

    def _write(self, args: dict[str, Any]) -> None:
        corrected = new_id()  # known before it lands, so an undo at once supersedes it
        self.editor.write_correction(self.head, corrected, args)
        self.head = corrected

    def redo(self) -> None:
        self._write(self.after)

    def undo(self) -> None:
        self._write(self.before)


class AddAttachmentCommand(RecordEdit):
    """A photo or file was attached (undo withdraws it)."""

    def __init__(self, editor: RecordWrites, path: Any) -> None:
        super().__init__(f"attach {path.name}")
        self.editor, self.path = editor, path

    def write(self) -> None:
        self.editor.write_attachment(self)

    def withdraw(self, record_id: str) -> None:
        self.editor.retract_attachment(record_id)


class AddActionCommand(RecordEdit):
    """A next step was added (undo withdraws it)."""

    def __init__(self, editor: RecordWrites, action_args: dict[str, Any]) -> None:
        super().__init__("add an action")
        self.editor, self.action_args = editor, action_args

    def write(self) -> None:
        self.editor.write_action(self)

    def withdraw(self, record_id: str) -> None:
        self.editor.retract_action(record_id)


class FollowUpCommand(Edit):
    """How an earlier action stands was recorded (undo records the previous answer again)."""

    def __init__(
        self,
        editor: RecordWrites,
        action_id: str,
        old: tuple[Any, str] | None,
        new: tuple[Any, str],
    ) -> None:
        super().__init__("follow up an action")
        self.editor, self.action_id, self.old, self.new = editor, action_id, old, new
        self._first = True

    def redo(self) -> None:
        self.editor.write_follow_up(self.action_id, *self.new, show=not self._first)
        self._first = False

    def undo(self) -> None:
        if self.old is not None:
            self.editor.write_follow_up(self.action_id, *self.old, show=True)
