"""The one bridge from the change feed to the GUI thread.

``services.change_feed`` publishes on whatever thread made the change (the writer lane, the
sync thread). :class:`ChangeBridge` re-emits each notice as a Qt signal; the bridge lives on
the GUI thread, so Qt queues the signal there (after Electrum's ``QtEventListener``). Screens
connect to :attr:`ChangeBridge.review_changed` and redraw only what the notice names.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Signal

from reviewer_app.domain.changes import ReviewChanges
from reviewer_app.services.change_feed import ChangeFeed


class ChangeBridge(QObject):
    """Signals:
    review_changed(ReviewChanges): a review changed (emitted on the GUI thread).
    """

    review_changed = Signal(object)

    def __init__(self, feed: ChangeFeed, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = feed.subscribe(self._published)
        self.destroyed.connect(self._unsubscribe)

    def stop(self) -> None:
        """Hear no more notices (the store is closing)."""
        self._unsubscribe()

    def _published(self, changes: ReviewChanges) -> None:
        # Runs on the publishing thread; the queued signal carries the notice to the GUI thread.
        if shiboken6.isValid(self):
            self.review_changed.emit(changes)
