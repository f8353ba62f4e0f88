"""What the editor's changes (``writes.py``) and the changes a sync brings (``incoming.py``) ask
the window to show, as a protocol: they name records and fields, never a widget, and the window
(``editor.ReviewEditor``) decides which of its parts redraw. Neither module imports the window.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from reviewer_app.domain.review import Action, Attachment, EvidenceNote, FollowUpOutcome


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

    # ------------------------------------------------------------------ whole review

    def refresh_progress(self) -> None:
        """Completion counts, visibility and the sign-off check, from the records held."""

    def update_lock(self) -> None:
        """The review's state, banner and what may be changed, from the records held."""

    def set_current_criterion(self, criterion_id: str | None) -> None: ...

    def show_notice(self, text: str) -> None:
        """A short notice of what changed (who changed what), for a while."""

    # ------------------------------------------------------------------ fields and levels

    def show_field(self, stored_id: str, value: Any) -> None:
        """Show a shared answer's value where its field is on screen."""

    def has_field(self, stored_id: str) -> bool:
        """The field is on a page already built (a page not built has nothing typed in it)."""

    def field_value(self, stored_id: str) -> Any:
        """The value the person sees in a built field."""

    def show_field_conflict(self, stored_id: str, author: str, mine: Any, theirs: Any) -> None: ...

    def hide_field_conflict(self, stored_id: str) -> None: ...

    def show_levels(self, criterion_id: str) -> None:
        """Redraw the levels on a criterion's card (when its page is built)."""

    # ------------------------------------------------------------------ records

    def note_added(self, note: EvidenceNote) -> None: ...

    def note_removed(self, note_id: str) -> None: ...

    def notes_changed(self) -> None:
        """Evidence counts on the criteria and in the panel."""

    def show_note_hint(self, text: str) -> None: ...

    def attachment_added(self, attachment: Attachment) -> None: ...

    def attachment_removed(self, attachment_id: str) -> None: ...

    def show_thumbnail(self, attachment_id: str, image: QImage) -> None: ...

    def show_pending_files(self, count: int, saving: Collection[str] = ()) -> None:
        """How many files wait for the next note, and which are being stored now."""

    def action_added(self, action: Action) -> None: ...

    def action_removed(self, action_id: str) -> None: ...

    def show_action_problem(self, text: str) -> None: ...

    def show_follow_up(self, action_id: str, outcome: FollowUpOutcome, evidence: str) -> None:
        """Show how an earlier action stands on its row (when the page is built)."""

    # ------------------------------------------------------------------ lifecycle

    def ask_amendment_reason(self) -> str | None:
        """Why the signed review needs amending (None: the person cancelled)."""

    def show_amendment(self, review_id: str) -> None:
        """An amendment was started: show it instead."""
