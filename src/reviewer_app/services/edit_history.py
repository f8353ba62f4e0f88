"""Undo and redo of the edits made in an open review, without Qt.

The store keeps every record (notes and judgements are append-only), so undoing writes a new
record that restores what was there: the previous field value, the previous level, a withdrawal
of a note, a file or an action. Redo writes the change again. An :class:`Edit` knows how to do
and undo itself; :class:`EditHistory` keeps them in order, as a word processor does: a new edit
after some undos drops the edits that could have been redone.

:class:`RecordEdit` is an edit that adds one record, whose write lands on the writer lane a
moment after it is made: an undo before it lands (a quick Ctrl+Z after Enter) is honoured when
it lands. Each write is numbered, and a write that lands after it was undone is withdrawn at once
instead of shown.
"""

from __future__ import annotations

from collections.abc import Callable


class Edit:
    """One undoable edit. ``text`` names it after "Undo" / "Redo" ("change a judgement")."""

    def __init__(self, text: str) -> None:
        self.text = text

    def redo(self) -> None:
        raise NotImplementedError

    def undo(self) -> None:
        raise NotImplementedError


class EditHistory:
    """The edits made, in order, and where undo has got to.

    Listeners (:meth:`listen`) are called after every change with the history itself, to
    enable and name the Undo and Redo commands.
    """

    def __init__(self) -> None:
        self._edits: list[Edit] = []
        self._done = 0  # edits[:done] are done; edits[done:] can be redone
        self._busy = False
        self._listeners: list[Callable[[EditHistory], None]] = []

    def listen(self, listener: Callable[[EditHistory], None]) -> None:
        self._listeners.append(listener)
        listener(self)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener(self)

    @property
    def can_undo(self) -> bool:
        return self._done > 0

    @property
    def can_redo(self) -> bool:
        return self._done < len(self._edits)

    @property
    def undo_text(self) -> str:
        return self._edits[self._done - 1].text if self.can_undo else ""

    @property
    def redo_text(self) -> str:
        return self._edits[self._done].text if self.can_redo else ""

    def __len__(self) -> int:
        return len(self._edits)

    def push(self, edit: Edit) -> None:
        """Do ``edit`` and keep it as the newest (what could have been redone is dropped).
        An edit pushed while another is being done or undone is done but not kept."""
        if self._busy:
            edit.redo()
            return
        del self._edits[self._done :]
        self._run(edit.redo)
        self._edits.append(edit)
        self._done += 1
        self._changed()

    def undo(self) -> None:
        if not self.can_undo or self._busy:
            return
        self._done -= 1
        self._run(self._edits[self._done].undo)
        self._changed()

    def redo(self) -> None:
        if not self.can_redo or self._busy:
            return
        self._run(self._edits[self._done].redo)
        self._done += 1
        self._changed()

    def clear(self) -> None:
        """Forget every edit (a review was opened or read again)."""
        self._edits.clear()
        self._done = 0
        self._changed()

    def _run(self, step: Callable[[], None]) -> None:
        self._busy = True
        try:
            step()
        finally:
            self._busy = False


class RecordEdit(Edit):
    """Adds one record; undo withdraws it (see the module's docstring for writes still on
    their way). Subclasses say how to :meth:`write` and :meth:`withdraw`."""

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


class WithdrawEdit(Edit):
    """A saved record was withdrawn: the reverse of adding it. Undo adds it again as a new
    record, and a redo after that withdraws the record undo added (not the first one)."""

    def __init__(self, text: str, added: RecordEdit, record_id: str) -> None:
        super().__init__(text)
        self.added = added
        added.record_id = record_id

    def redo(self) -> None:
        self.added.undo()

    def undo(self) -> None:
        self.added.redo()
