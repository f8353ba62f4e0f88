"""Reports when the main window is on screen with its data, for bench/startup.py and e2e tests.

Enabled by the debug switch ``exit-after-show`` (``reviewer_app/debug.py``): once the schools list
is populated, the remembered school's visits (if one was reopened) and the visit kinds have arrived
(no background load is left) and the list has painted after that, the probe notes the time and what
the window shows. It then waits until the Workspace has attached and its first loads are done (the
schools may have come first from the quick read-only look at the store), and one line
``reviewer-probe: {json}`` goes to stdout with the wall-clock times in nanoseconds (``window_ns``:
first paint of the window, still opening the store; ``shown_ns``: painted with its data;
``ready_ns``: the Workspace open and idle), ``first_look`` (whether the schools shown came from the
quick look) and what the window showed, and the app quits.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from reviewer_app.gui.main_window import MainWindow
from reviewer_app.gui.models.schools import SchoolRole

PREFIX = "reviewer-probe: "


def snapshot(window: MainWindow) -> dict[str, Any]:
    """What the window shows: the schools, and the school page with its visit rows."""
    model = window.schools_model
    data: dict[str, Any] = {
        "title": window.windowTitle(),
        "status": window.store_status.text(),
        "schools": [model.index(r, 0).data(SchoolRole).name for r in range(model.rowCount())],
        "school": None,
    }
    school = window.current_school()
    if school is not None:
        visits = window.school_page.visits_model
        data["school"] = {
            "id": school.id,
            "name": school.name,
            "visits": [
                [visits.index(r, c).data() for c in range(visits.columnCount())]
                for r in range(visits.rowCount())
            ],
        }
    return data


class StartupProbe(QObject):
    """Waits for data and the first paint after it, then prints the probe line and quits."""

    def __init__(self, window: MainWindow, app: QApplication) -> None:
        super().__init__(window)
        self.window = window
        self.app = app
        self._schools = False
        self._school_waiting = window.waiting_for_school
        self._armed = False
        self._done = False
        self._window_ns: int | None = None
        self._shown: dict[str, Any] | None = None
        window.schools_loaded.connect(self._schools_loaded)
        window.school_shown.connect(self._school_shown)
        window.tasks.busy_changed.connect(lambda _busy: self._arm())
        window.tasks.busy_changed.connect(lambda _busy: self._finish())
        window.workspace_attached.connect(self._finish)
        window.schools_view.viewport().installEventFilter(self)
        window.loading_page.title.installEventFilter(self)

    def _schools_loaded(self, _count: int) -> None:
        self._schools = True
        if self.window.current_school() is None:
            self._school_waiting = False
        self._arm()

    def _school_shown(self, _school_id: str) -> None:
        self._school_waiting = False
        self._arm()

    def _arm(self) -> None:
        # With a school on show, wait for its visits and the visit kinds' titles too.
        idle = self.window.current_school() is None or self.window.tasks.pending == 0
        if self._schools and not self._school_waiting and idle and not self._armed:
            self._armed = True
            self.window.schools_view.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Paint:
            return False
        if self._window_ns is None:
            self._window_ns = time.time_ns()  # the window's first paint, data or not
        if self._armed and not self._done and watched is self.window.schools_view.viewport():
            self._done = True
            # Report after this paint has reached the screen.
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        self._shown = {
            "shown_ns": time.time_ns(),
            "window_ns": self._window_ns,
            "first_look": self.window.workspace is None,
            **snapshot(self.window),
        }
        self._finish()

    def _finish(self) -> None:
        """Once shown, and the Workspace is attached with nothing left to load: report, quit."""
        if self._shown is None or self.window.workspace is None or self.window.tasks.pending:
            return
        line = json.dumps({**self._shown, "ready_ns": time.time_ns()})
        self._shown = None
        sys.stdout.write(PREFIX + line + "\n")
        sys.stdout.flush()
        self.window.close()
        self.app.quit()
