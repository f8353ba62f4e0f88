"""The change feed: every write and every pull publishes what changed; screens subscribe.

Publishing happens on whichever thread made the change (the writer lane, the sync thread) and
after the change is committed, so a subscriber that reads the store sees it. Subscribers must
be quick and thread-safe: the GUI's one subscriber (``gui.change_bridge``) only re-emits the
notice as a Qt signal, which Qt delivers on the GUI thread. Bound methods are held weakly (as
Electrum's ``CallbackManager`` does), so a closed window never keeps itself alive through the
feed. A subscriber that raises is logged and the others still hear the notice.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from reviewer_app.domain.changes import ReviewChanges

log = logging.getLogger(__name__)

Subscriber = Callable[[ReviewChanges], None]


class ChangeFeed:
    """A thread-safe list of subscribers to :class:`ReviewChanges`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[], Subscriber | None]] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Hear every notice from now on; returns a function that stops it."""
        ref: Callable[[], Any]
        if hasattr(subscriber, "__self__") and hasattr(subscriber, "__func__"):
            ref = weakref.WeakMethod(subscriber)
        else:
            ref = lambda: subscriber  # noqa: E731 - a plain function is held strongly
        with self._lock:
            self._subscribers.append(ref)

        def unsubscribe() -> None:
            with self._lock:
                if ref in self._subscribers:
                    self._subscribers.remove(ref)

        return unsubscribe

    def publish(self, changes: ReviewChanges) -> None:
        """Tell every subscriber (on the calling thread)."""
        with self._lock:
            refs = list(self._subscribers)
        for ref in refs:
            subscriber = ref()
            if subscriber is None:
                with self._lock:
                    if ref in self._subscribers:
                        self._subscribers.remove(ref)
                continue
            try:
                subscriber(changes)
            except Exception:
                log.exception("A change notice could not be delivered")
