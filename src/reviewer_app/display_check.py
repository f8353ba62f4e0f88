"""Is there a screen Qt can open a window on? Asked before Qt starts, because Qt cannot be asked.

On Linux, Qt's X11 (xcb) platform plugin aborts the whole process (``qFatal``) when there is no
display, when the display cannot be reached, or when a system library it needs is missing, with
a message about plugins and ``xcb-cursor0`` that sends people the wrong way. This module checks the
same things first, with nothing but ``ctypes`` (no Qt, microseconds when all is well), so
``reviewer-app`` can say what is wrong in one sentence and exit non-zero.

Windows and macOS always have a screen for a signed-in person, and Qt platforms without one
(``offscreen``, ``minimal``, ``vnc``...) need none of this: only X11 and Wayland are checked.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Mapping

#: What to do without a screen, said in the messages.
XVFB_HINT = "put `xvfb-run -a` in front of the command you typed"

#: Libraries Qt's xcb platform plugin loads (Qt 6.5 and later), with the Debian package of each.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb.so.1", "libxcb1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libEGL.so.1", "libegl1"),
    ("libfontconfig.so.1", "libfontconfig1"),
)


def _platform_names(environ: Mapping[str, str]) -> list[str]:
    """The Qt platform plugins Qt will try, in order (``QT_QPA_PLATFORM`` may list several)."""
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return [name.split(":", 1)[0].strip() for name in chosen.split(";") if name.strip()]
    if environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland":
        return ["wayland", "xcb"]
    return ["xcb"]


def _missing_libraries() -> list[str]:
    """Debian packages whose library the xcb plugin needs and the dynamic loader cannot find."""
    missing = []
    for soname, package in XCB_LIBRARIES:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(package)
    return missing


def _x_display_reachable(display: str) -> bool:
    """True when an X server answers on ``display`` (one connection, closed at once)."""
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return connection is not None and xcb.xcb_connection_has_error(connection) == 0
    finally:
        if connection is not None:
            xcb.xcb_disconnect(connection)  # also frees the error connection object


def missing_display(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """One sentence saying why no window can be opened, or ``None`` when one can.

    ``environ`` and ``platform`` default to this process's (``os.environ``, ``sys.platform``).
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    names = _platform_names(environ)
    if not names or names[0] not in {"xcb", "wayland"}:
        return None  # offscreen, minimal, vnc, eglfs...: Qt needs no display server
    display = environ.get("DISPLAY", "")
    if "wayland" in names and environ.get("WAYLAND_DISPLAY"):
        return None  # Qt reports a broken Wayland session without aborting, then tries xcb
    if not display:
        return (
            "There is no display to open Reviewer's window on (DISPLAY is not set): start it "
            f"from a desktop session, or without a screen {XVFB_HINT}."
        )
    missing = _missing_libraries()
    if missing:
        return (
            "Reviewer cannot open a window because this computer lacks system libraries that Qt "
            f"needs for X11 ({', '.join(missing)}): install them with "
            f"`apt-get install {' '.join(missing)}` (with sudo if you are not root)."
        )
    if not _x_display_reachable(display):
        return (
            f"Reviewer cannot reach the display {display} named by DISPLAY: start it from a "
            f"desktop session, or without a screen {XVFB_HINT}."
        )
    return None
