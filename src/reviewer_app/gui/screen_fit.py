"""Every window opens inside the screen it is on, and comes back at the size it was last given
on that screen.

A 1366 x 768 laptop at 100% and a 1920 x 1080 laptop at 150% (1280 x 720 logical pixels) are
the screens reviewers use; a window asked for 1320 x 860 on either would open with its bottom
under the taskbar. :func:`fit_window`, called at the end of a window's constructor, gives it the
size remembered for this screen (or the size it asks for), shrunk to the screen's available
area less room for the title bar, and a place inside that area (a dialog is centred on its
parent by Qt, which keeps it on the screen). :func:`remember_size` notes the size when the window
closes (a dialog's ``finished`` does it by itself), per screen: the same window on a
docking-station monitor and on the laptop's own screen keeps two sizes.

No event filter: a Python filter on a window that Python's garbage collector destroys would be
called while the window is half gone (a crash). Sizes live in the QSettings file of this
instance's config folder (``window-state.ini``), set by :func:`remember_in`; until then (some
tests, screenshots) windows fit but remember nothing.
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QDialog, QWidget

#: Room kept for the window manager's frame: the title bar above, borders at the sides.
FRAME_ALLOWANCE = QSize(16, 40)
#: The property that holds a fitted window's name in the settings file.
KEY_PROPERTY = "screenFitKey"

_settings: QSettings | None = None


def remember_in(path: Path | None) -> None:
    """Remember window sizes in the INI file at ``path`` (``None``: remember nothing)."""
    global _settings
    _settings = QSettings(str(path), QSettings.Format.IniFormat) if path is not None else None


def screen_key(screen: QScreen) -> str:
    """One screen as a settings key: its name, its size in logical pixels and its scale."""
    size = screen.size()
    scale = round(screen.devicePixelRatio() * 100)
    name = re.sub(r"[^A-Za-z0-9]+", "-", screen.name()).strip("-") or "screen"
    return f"{name}-{size.width()}x{size.height()}-{scale}"


def usable_area(screen: QScreen) -> QRect:
    """Where a window's contents may go on ``screen``: its available area (without the
    taskbar or dock) less the frame allowance."""
    area = screen.availableGeometry()
    return QRect(
        area.x() + FRAME_ALLOWANCE.width() // 2,
        area.y() + FRAME_ALLOWANCE.height() - FRAME_ALLOWANCE.width() // 2,
        area.width() - FRAME_ALLOWANCE.width(),
        area.height() - FRAME_ALLOWANCE.height(),
    )


def _screen_of(window: QWidget) -> QScreen:
    parent = window.parentWidget()
    if parent is not None and parent.window().isVisible():
        found = QGuiApplication.screenAt(parent.window().geometry().center())
        if found is not None:
            return found
    return window.screen() or QGuiApplication.primaryScreen()


def _group(screen: QScreen, key: str) -> str:
    return f"windows/{screen_key(screen)}/{key}"


def _remembered(screen: QScreen, key: str) -> tuple[QRect | None, bool]:
    if _settings is None:
        return None, False
    group = _group(screen, key)
    value = _settings.value(f"{group}/geometry")
    maximised = str(_settings.value(f"{group}/maximised", "false")).lower() == "true"
    if isinstance(value, list | tuple) and len(value) == 4:
        try:
            x, y, w, h = (int(v) for v in value)
        except (TypeError, ValueError):
            return None, False
        return QRect(x, y, w, h), maximised
    return None, maximised


def fit_window(
    window: QWidget, key: str, preferred: QSize | tuple[int, int] | None = None
) -> QSize:
    """Size ``window`` for its screen: its remembered (or ``preferred``) size, no larger than
    the screen's usable area; place it inside that area. Returns the size given.

    ``key`` names the window in the settings file (``"reviewEditor"``); ``preferred`` is the
    size it asks for on a screen with room (default: its size now).
    """
    if isinstance(preferred, tuple):
        preferred = QSize(*preferred)
    window.setProperty(KEY_PROPERTY, key)
    screen = _screen_of(window)
    area = usable_area(screen)
    remembered, maximised = _remembered(screen, key)
    wanted = remembered.size() if remembered is not None else (preferred or window.size())
    size = wanted.expandedTo(window.minimumSize()).boundedTo(area.size())
    size = size.boundedTo(window.maximumSize())
    window.resize(size)
    if remembered is not None and area.contains(QRect(remembered.topLeft(), size)):
        window.move(remembered.topLeft())
    elif not isinstance(window, QDialog) or window.parentWidget() is None:
        # Qt centres a dialog on its parent and keeps it on the screen; other windows here.
        parent = window.parentWidget()
        centre = (
            parent.window().geometry().center()
            if parent is not None and parent.window().isVisible()
            else area.center()
        )
        top_left = centre - QPoint(size.width() // 2, size.height() // 2)
        x = min(max(top_left.x(), area.left()), area.right() + 1 - size.width())
        y = min(max(top_left.y(), area.top()), area.bottom() + 1 - size.height())
        window.move(x, y)
    if maximised:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    if isinstance(window, QDialog):
        ref = weakref.ref(window)
        window.finished.connect(lambda _result: _remember_ref(ref))
    return size


def _remember_ref(ref: weakref.ref[QDialog]) -> None:
    window = ref()
    if window is not None:
        remember_size(window)


def remember_size(window: QWidget) -> None:
    """Note ``window``'s size and place for the screen it is on (call it as it closes)."""
    key = window.property(KEY_PROPERTY)
    if _settings is None or not key:
        return
    screen = window.screen() or QGuiApplication.primaryScreen()
    maximised = window.isMaximized()
    rect = window.normalGeometry() if maximised else window.geometry()
    if rect.isEmpty():
        return
    group = _group(screen, str(key))
    _settings.setValue(f"{group}/geometry", [rect.x(), rect.y(), rect.width(), rect.height()])
    _settings.setValue(f"{group}/maximised", "true" if maximised else "false")
    _settings.sync()
