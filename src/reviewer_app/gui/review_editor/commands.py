"""Undo and redo across the editor: every change the reviewer makes is a QUndoCommand.

The store keeps every record (notes and judgements are append-only), so undoing writes a new
record that restores what was there: the previous field value, the previous level, a retraction
of a note, an attachment or an action. Redo writes the change again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from datetime import date

    from reviewer_app.gui.review_editor.record_writes import RecordWrites
    from reviewer_app.gui.review_editor.writes import EditorChanges


class SetFieldCommand(QUndoCommand):
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


class RateCommand(QUndoCommand):
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


class ConfirmCommand(QUndoCommand):
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


class RecordCommand(QUndoCommand):
    """Adds one record (a note, a photo or file, an action); undo withdraws it.

    The write lands on the writer lane a moment after ``redo``. An undo before it lands (a
    quick Ctrl+Z after Enter) is honoured when it lands: each ``redo`` is numbered, and a write
    that lands after its redo was undone is withdrawn at once instead of shown.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.record_id: str | None = None
        self._writes = 0
        self._wanted: int | None = None

    def begin_write(self) -> int:
        """A new write of the record; returns its number for :meth:`landed`."""
        self._writes += 1
        self._wanted = self._writes
        return self._writes

    def landed(self, write: int, record_id: str) -> bool:
        """The write numbered ``write`` was saved as ``record_id``. False when it was undone
        meanwhile (the caller withdraws the record instead of showing it)."""
        if write != self._wanted:
            return False
        self.record_id = record_id
        return True

    def redo(self) -> None:
        self.write()

    def undo(self) -> None:
        self._wanted = None
        if self.record_id is not None:
            record_id, self.record_id = self.record_id, None
            self.withdraw(record_id)

    def write(self) -> None:
        raise NotImplementedError

    def withdraw(self, record_id: str) -> None:
        raise NotImplementedError


class AddNoteCommand(RecordCommand):
    """An evidence note was captured (undo withdraws it; redo captures it again)."""

    def __init__(self, editor: RecordWrites, note_args: dict[str, Any]) -> None:
        super().__init__("add an evidence note")
        self.editor, self.note_args = editor, note_args

    def write(self) -> None:
        self.editor.write_note(self)

    def withdraw(self, record_id: str) -> None:
        self.editor.retract_note(record_id)


class AddAttachmentCommand(RecordCommand):
    """A photo or file was attached (undo withdraws it)."""

    def __init__(self, editor: RecordWrites, path: Any) -> None:
        super().__init__(f"attach {path.name}")
        self.editor, self.path = editor, path

    def write(self) -> None:
        self.editor.write_attachment(self)

    def withdraw(self, record_id: str) -> None:
        self.editor.retract_attachment(record_id)


class AddActionCommand(RecordCommand):
    """A next step was added (undo withdraws it)."""

    def __init__(self, editor: RecordWrites, action_args: dict[str, Any]) -> None:
        super().__init__("add an action")
        self.editor, self.action_args = editor, action_args

    def write(self) -> None:
        self.editor.write_action(self)

    def withdraw(self, record_id: str) -> None:
        self.editor.retract_action(record_id)


class WithdrawCommand(QUndoCommand):
    """A saved record was withdrawn: the reverse of adding it. Undo adds it again as a new
    record, and a redo after that withdraws the record undo added (not the first one)."""

    def __init__(self, text: str, added: RecordCommand, record_id: str) -> None:
        super().__init__(text)
        self.added = added
        added.record_id = record_id

    def redo(self) -> None:
        self.added.undo()

    def undo(self) -> None:
        self.added.redo()


class FollowUpCommand(QUndoCommand):
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
