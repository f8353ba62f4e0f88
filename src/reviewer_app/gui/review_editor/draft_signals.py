"""The review being edited, as a Qt signal: the editor's widgets subscribe here.

``services.review_draft.ReviewDraft`` publishes a ``DraftChange`` for every change to what it
holds (the person's edits, what their writes bring back, what a sync brings). The draft lives
on the GUI thread, so its notices are made there; this re-emits them as a signal, so that each
widget connects its own ``draft_changed(draft, change)`` and Qt disconnects it when the widget
goes. The change feed's notices (another thread) reach the draft through the one change bridge
(``gui/change_bridge.py``) and ``incoming.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from reviewer_app.services.review_draft import DraftChange, ReviewDraft


class DraftSignals(QObject):
    """Signals:
    changed(ReviewDraft, DraftChange): the draft changed; redraw what the change names.
    """

    changed = Signal(object, object)

    def __init__(self, draft: ReviewDraft, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self._stop: Callable[[], None] = draft.listen(self._published)
        self.destroyed.connect(self._stop)

    def stop(self) -> None:
        """Hear this draft no more (the editor read the review again)."""
        self._stop()

    def _published(self, draft: ReviewDraft, change: DraftChange) -> None:
        self.changed.emit(draft, change)


def follow_records(
    held: Sequence[Any],
    change: DraftChange,
    shown: Collection[str],
    *,
    add: Callable[[Any], None],
    remove: Callable[[str], None],
    reset: Callable[[Sequence[Any]], None],
) -> None:
    """Make a list model show what the draft holds, for the records a change names: those
    held and not shown are added (in the draft's order), those shown and no longer held are
    removed; everything is reset when the kind was read afresh."""
    if change.reread:
        reset(held)
        return
    named = change.record_ids
    for record in held:
        if record.id in named and record.id not in shown:
            add(record)
    kept = {r.id for r in held}
    for record_id in named:
        if record_id not in kept and record_id in shown:
            remove(record_id)
