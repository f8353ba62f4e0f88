"""Qt's own messages (qDebug, qWarning...) forwarded into Python logging under the ``qt`` logger.

Without this, Qt prints warnings to stderr where nobody reads them; with it they land in the
rotating log file next to ours (after qutebrowser's ``qtlog.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _forward(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _LEVELS.get(kind, logging.WARNING)
    where = ""
    if context.file:
        where = f" ({context.file}:{context.line})"
    category = context.category or "default"
    log.log(level, "[%s] %s%s", category, message, where)


def install() -> Callable[..., Any] | None:
    """Route Qt messages into logging; returns the handler that was installed before."""
    return qInstallMessageHandler(_forward)


def uninstall(previous: Callable[..., Any] | None) -> None:
    """Put back the handler :func:`install` replaced."""
    qInstallMessageHandler(previous)
