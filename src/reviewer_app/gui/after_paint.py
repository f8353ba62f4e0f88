"""Run something once a widget has painted: work that must not delay the first screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _PaintWatch(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None], at_most_ms: int) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        # A widget that is never painted (minimised, covered) must not hold the work back.
        QTimer.singleShot(at_most_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            # After this paint has been handled (and reached the screen).
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is None:
            return
        self._widget.removeEventFilter(self)
        # Left inert as the widget's child (it goes with the widget) rather than deleted
        # later: a deferred delete here raced the widget's own deletion in the GUI tests
        # (a double delete, about one run in four when report tests ran first).
        callback()


def call_after_paint(
    widget: QWidget, callback: Callable[[], None], *, at_most_ms: int = 500
) -> None:
    """Call ``callback`` on the GUI thread just after ``widget``'s next paint.

    Or after ``at_most_ms``, whichever comes first; called once either way.
    """
    _PaintWatch(widget, callback, at_most_ms)
