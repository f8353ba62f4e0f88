"""A guard against a PySide6 6.12 reference-counting bug on Python 3.11.

On Python 3.11 every call from Python of a Qt method that returns ``void`` (``label.setText``,
``item.setHidden``...) takes one reference from ``None`` that it never gave back. A busy editor
makes hundreds of such calls per keystroke, and after a few minutes' typing the count reaches
zero and Python aborts with "none_dealloc: deallocating None" (the editor tests hit it in
seconds). Python 3.12 made ``None`` immortal (PEP 683), so the bug is harmless there. Until the
project moves to Python 3.12 or PySide6 is fixed, :func:`guard` gives ``None`` enough references
that it can never reach zero in a session.
"""

from __future__ import annotations

import ctypes
import sys

_GUARD = 1 << 48
_done = False


def guard() -> None:
    """Make ``None`` practically immortal on Python 3.11 (once per process; no-op on 3.12+)."""
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    _done = True
    # ob_refcnt is the first field of every PyObject in a release build of CPython 3.11.
    ctypes.c_ssize_t.from_address(id(None)).value += _GUARD
