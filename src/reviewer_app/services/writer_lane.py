"""The single writer lane: one worker thread through which every database write goes.

SQLite allows one writer at a time. Funnelling writes through one thread (after Anki's
``taskman``) means writes never contend with each other, run in the order they were asked for,
and the GUI thread never waits on the disk: it gets a :class:`~concurrent.futures.Future` and is
told when it is done. Reads use their own sessions on any thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from reviewer_app.services.change_feed import ChangeFeed

P = ParamSpec("P")
T = TypeVar("T")

_THREAD_NAME = "reviewer-writer"


class WriterLane:
    """A one-thread executor for writes. Safe to call from any thread, including its own.

    ``changes`` is the store's change feed: whoever writes through the lane publishes there what
    it changed, once the write is committed.
    """

    def __init__(self) -> None:
        self.changes = ChangeFeed()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=_THREAD_NAME)
        self._lane_thread: threading.Thread | None = None
        self._closed = False
        # Learn the worker's identity up front, so call() from inside the lane never deadlocks.
        self._executor.submit(self._remember_thread).result()

    def _remember_thread(self) -> None:
        self._lane_thread = threading.current_thread()

    def on_lane(self) -> bool:
        """True when the calling code already runs on the writer thread."""
        return threading.current_thread() is self._lane_thread

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Queue ``fn`` on the lane and return its future at once."""
        if self.on_lane():
            # Already on the lane: run now, or the queued call would wait behind its caller.
            future: Future[T] = Future()
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)
            return future
        return self._executor.submit(fn, *args, **kwargs)

    def call(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` on the lane and wait for its result (inline if already on the lane)."""
        if self.on_lane():
            return fn(*args, **kwargs)
        return self._executor.submit(fn, *args, **kwargs).result()

    def close(self) -> None:
        """Finish queued writes, then stop the thread."""
        if not self._closed:
            self._closed = True
            self._executor.shutdown(wait=True)
