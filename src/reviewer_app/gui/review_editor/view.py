"""What the editor's changes (``writes.py``, ``record_writes.py``) and the changes a sync brings
(``incoming.py``) ask of the window beyond redrawing, as a protocol: where the person is, what
they see in a field, a hint, a notice, a question. Redrawing is not here: every change goes into
the review being edited (``services.review_draft.ReviewDraft``), which publishes what changed,
and the widgets that show it subscribe (``draft_signals.py``). Neither module imports the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtGui import QImage


class EditorView(Protocol):
    """The open review's window, as its controller sees it."""

    @property
    def current_criterion(self) -> str | None:
        """The criterion the person is on (the capture bar links a note to it), or None."""

    @property
    def notes_ready(self) -> bool:
        """True once the evidence notes have been read (they arrive after the first paint)."""

    @property
    def is_closed(self) -> bool: ...

    def set_current_criterion(self, criterion_id: str | None) -> None: ...

    def show_notice(self, text: str) -> None:
        """A short notice of what changed (who changed what), for a while."""

    def has_field(self, stored_id: str) -> bool:
        """The field is on a page already built (a page not built has nothing typed in it)."""

    def field_value(self, stored_id: str) -> Any:
        """The value the person sees in a built field."""

    def show_note_hint(self, text: str) -> None: ...

    def show_thumbnail(self, attachment_id: str, image: QImage) -> None: ...

    def show_action_problem(self, text: str) -> None: ...

    def ask_amendment_reason(self) -> str | None:
        """Why the signed review needs amending (None: the person cancelled)."""

    def show_amendment(self, review_id: str) -> None:
        """An amendment was started: show it instead."""
