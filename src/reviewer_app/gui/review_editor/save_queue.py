"""Autosave: every change goes to the Workspace's writer lane within a second, no save button.

Typing is debounced (a field's write waits until the reviewer pauses for ``DEBOUNCE_MS``); a
rating, a note or an action is written at once. Writes are submitted to the writer lane and
their futures watched by the TaskRunner, so the GUI thread never waits on the store. The queue
says what the saved indicator shows: saving, saved (with the time) or a failure in words.

With the debug switch ``editor-trace`` (``reviewer_app/debug.py``), each time everything is saved a
line ``reviewer-editor: {"saved": n}`` goes to stdout (the end-to-end test reads it).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from reviewer_app import debug
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.gui.failures import failure_sentence
from reviewer_app.gui.tasks import TaskRunner

log = logging.getLogger(__name__)

#: How long typing must pause before the field is written.
DEBOUNCE_MS = 350
TRACE_PREFIX = "reviewer-editor: "


class SaveQueue(QObject):
    """Debounced, ordered writes through the writer lane, with a saved state.

    Signals:
        state_changed(str, str): the indicator's state ("saving", "saved", "failed") and text.
    """

    state_changed = Signal(str, str)

    def __init__(
        self,
        submit: Callable[..., Any],
        tasks: TaskRunner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._submit = submit
        self._tasks = tasks
        self._timers: dict[str, QTimer] = {}
        self._debounced: dict[str, Callable[[], None]] = {}
        self._in_flight = 0
        self.saved_count = 0
        self.state = "saved"
        self.text = "All changes saved"
        self._trace = debug.is_on(debug.EDITOR_TRACE)

    @property
    def idle(self) -> bool:
        """True when nothing is waiting to be written and nothing is being written."""
        return not self._debounced and self._in_flight == 0

    def schedule(self, key: str, write: Callable[[], None]) -> None:
        """Run ``write`` (which calls :meth:`submit`) after a pause; a newer one for the same
        ``key`` replaces it."""
        self._debounced[key] = write
        timer = self._timers.get(key)
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda k=key: self._fire(k))
            self._timers[key] = timer
        timer.start(DEBOUNCE_MS)
        self._set_state("saving", "Saving…")

    def waiting(self, key: str) -> bool:
        """True when a change under ``key`` waits for the pause that writes it."""
        return key in self._debounced

    def cancel(self, key: str) -> None:
        """Forget the change waiting under ``key`` (the person chose another value)."""
        timer = self._timers.get(key)
        if timer is not None:
            timer.stop()
        if self._debounced.pop(key, None) is not None:
            self._maybe_saved()

    def _fire(self, key: str) -> None:
        write = self._debounced.pop(key, None)
        if write is not None:
            write()
        self._maybe_saved()

    def flush(self) -> None:
        """Write every debounced change now (the window is closing, or undo needs it)."""
        for key in list(self._debounced):
            timer = self._timers.get(key)
            if timer is not None:
                timer.stop()
            self._fire(key)

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> None:
        """Queue ``fn(*args, **kwargs)`` on the writer lane now."""
        self._in_flight += 1
        self._set_state("saving", "Saving…")
        future = self._submit(fn, *args, **kwargs)

        def done(result: Any) -> None:
            self._in_flight -= 1
            self.saved_count += 1
            if on_done is not None:
                on_done(result)
            self._maybe_saved()

        def failed(error: BaseException) -> None:
            self._in_flight -= 1
            if isinstance(error, ReviewerError):
                log.info("A change was refused: %s", type(error).__name__)
            fallback = "the change could not be written (see the log)"
            # The hint would not fit the indicator.
            text = f"Not saved: {failure_sentence(error, fallback, short=True)}"
            self._set_state("failed", text)
            if on_failed is not None:
                on_failed(error)

        self._tasks.watch(future, on_done=done, on_failed=failed, context=self)

    def _maybe_saved(self) -> None:
        if self.idle and self.state != "failed":
            self._set_state("saved", f"All changes saved at {datetime.now():%H:%M:%S}")
            if self._trace:
                sys.stdout.write(TRACE_PREFIX + json.dumps({"saved": self.saved_count}) + "\n")
                sys.stdout.flush()

    def _set_state(self, state: str, text: str) -> None:
        if state == "saving" and self.state == "failed":
            # Keep the failure on show until the next change is saved.
            self.state = "saving"
        self.state, self.text = state, text
        self.state_changed.emit(state, text)
