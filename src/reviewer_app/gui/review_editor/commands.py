"""Undo and redo across the editor: every change the reviewer makes is a QUndoCommand.

The store keeps every record (notes and judgements are append-only), so undoing writes a new
record that restores what was there: the previous field value, the previous level, a retraction
of a note, an attachment or an action. Redo writes the change again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
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


class AddNoteCommand(QUndoCommand):
    """An evidence note was captured (undo withdraws it; redo captures it again)."""

    def __init__(self, editor: EditorChanges, note_args: dict[str, Any]) -> None:
        super().__init__("add an evidence note")
        self.editor, self.note_args = editor, note_args
        self.note_id: str | None = None

    def redo(self) -> None:
        self.editor.write_note(self)

    def undo(self) -> None:
        if self.note_id is not None:
            self.editor.retract_note(self.note_id)
            self.note_id = None


class AddAttachmentCommand(QUndoCommand):
    """A photo or file was attached (undo withdraws it)."""

    def __init__(self, editor: EditorChanges, path: Any) -> None:
        super().__init__(f"attach {path.name}")
        self.editor, self.path = editor, path
        self.attachment_id: str | None = None

    def redo(self) -> None:
        self.editor.write_attachment(self)

    def undo(self) -> None:
        if self.attachment_id is not None:
            self.editor.retract_attachment(self.attachment_id)
            self.attachment_id = None


class AddActionCommand(QUndoCommand):
    """A next step was added (undo withdraws it)."""

    def __init__(self, editor: EditorChanges, action_args: dict[str, Any]) -> None:
        super().__init__("add an action")
        self.editor, self.action_args = editor, action_args
        self.action_id: str | None = None

    def redo(self) -> None:
        self.editor.write_action(self)

    def undo(self) -> None:
        if self.action_id is not None:
            self.editor.retract_action(self.action_id)
            self.action_id = None


class FollowUpCommand(QUndoCommand):
    """How an earlier action stands was recorded (undo records the previous answer again)."""

    def __init__(
        self,
        editor: EditorChanges,
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
