"""Background work for the GUI: results come back on the GUI thread through a queued signal.

The GUI thread never waits on disk. There are two ways off it, and only two: reads (and any
other blocking work: checking a report, opening the store, a sync session) run on a small pool
of reader threads here; writes are submitted to the Workspace's single writer lane, whose
futures are watched here. Either way the
callbacks run on the GUI thread, after the work is done, and never touch a widget from a worker.
(After Anki's ``taskman.py`` and Picard's ``util/thread.py``.)
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class TaskRunner(QObject):
    """Runs blocking callables off the GUI thread and delivers their outcome on it.

    Signals:
        busy_changed(bool): work began (True) or the last piece of work finished (False).
        task_failed(BaseException): a task without its own failure callback raised.
    """

    busy_changed = Signal(bool)
    task_failed = Signal(object)
    _settled = Signal(object, object, object, object, bool)

    def __init__(self, parent: QObject | None = None, *, readers: int = 3) -> None:
        # Three readers: a sync session (or the store opening) may hold one for a while, and
        # the screens' reads keep two.
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="reviewer-read")
        self._pending = 0
        self._closed = False
        self._settled.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        """How many tasks have not yet delivered their outcome."""
        return self._pending

    def run(
        self,
        work: Callable[[], Any],
        *,
        on_done: Done | None = None,
        on_failed: Failed | None = None,
        context: QObject | None = None,
        quiet: bool = False,
    ) -> Future[Any]:
        """Run ``work`` on a reader thread; call ``on_done(result)`` on the GUI thread.

        When ``work`` itself returns a :class:`~concurrent.futures.Future` (a write submitted to
        the writer lane), its result is awaited on the reader thread, never on the GUI thread.
        ``context`` is a widget the callbacks belong to: if it has been deleted by the time the
        result arrives, the callbacks are skipped. ``quiet`` work shows its own progress (a sync,
        opening the store): it is not counted in :attr:`pending` nor makes the runner busy.
        """
        if self._closed:
            raise RuntimeError("the task runner has been shut down")

        def unwrap() -> Any:
            result = work()
            if isinstance(result, Future):
                return result.result()
            return result

        return self.watch(
            self._pool.submit(unwrap),
            on_done=on_done,
            on_failed=on_failed,
            context=context,
            quiet=quiet,
        )

    def watch(
        self,
        future: Future[Any],
        *,
        on_done: Done | None = None,
        on_failed: Failed | None = None,
        context: QObject | None = None,
        quiet: bool = False,
    ) -> Future[Any]:
        """Deliver the outcome of a future made elsewhere (the writer lane) on the GUI thread."""
        if not quiet:
            self._pending += 1
            if self._pending == 1:
                self.busy_changed.emit(True)
        callbacks = (on_done, on_failed, context, quiet)
        future.add_done_callback(lambda f: self._settled.emit(f, *callbacks))
        return future

    @Slot(object, object, object, object, bool)
    def _deliver(
        self,
        future: Future[Any],
        on_done: Done | None,
        on_failed: Failed | None,
        context: QObject | None,
        quiet: bool,
    ) -> None:
        if not quiet:
            self._pending -= 1
        try:
            if future.cancelled():
                return
            if context is not None and not shiboken6.isValid(context):
                return
            error = future.exception()
            if error is None:
                if on_done is not None:
                    on_done(future.result())
            elif on_failed is not None:
                on_failed(error)
            else:
                log.error("A background task failed", exc_info=error)
                self.task_failed.emit(error)
        finally:
            if self._pending == 0 and not quiet:
                self.busy_changed.emit(False)

    @staticmethod
    def wait_for(futures: list[Future[Any]]) -> None:
        """Block until ``futures`` are finished; work that :meth:`shutdown` took off the queue
        counts as finished, also when the shutdown comes while this waits.

        (``concurrent.futures.wait`` never returns for such work: a future cancelled by
        ``shutdown(cancel_futures=True)`` is never notified to its waiters. A future's own
        ``exception()`` is woken by the cancelling, so it is what is waited on here.)
        """
        for future in futures:
            with contextlib.suppress(CancelledError):
                future.exception()

    def shutdown(self) -> None:
        """Finish the reader threads (waiting for running work) and refuse new work."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
