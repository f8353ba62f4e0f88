"""Logging without Qt: a rotating file in the log folder and an in-memory tail for crash reports.

Review content never goes to the log: log records name records by id, never by what they say.
"""

from __future__ import annotations

import collections
import logging
import logging.handlers
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
#: The attribute that marks the handlers Reviewer installed (removed again on a second setup).
OURS = "reviewer_handler"
_MAX_BYTES = 2 * 1024 * 1024
_BACKUPS = 5


class RingBufferHandler(logging.Handler):
    """Keeps the last ``capacity`` formatted records, to attach to a crash report."""

    def __init__(self, capacity: int = 500) -> None:
        super().__init__()
        self.records: collections.deque[str] = collections.deque(maxlen=capacity)
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.records.append(self.format(record))
        except Exception:
            self.handleError(record)

    def tail(self) -> str:
        return "\n".join(self.records)


_ring: RingBufferHandler | None = None
_log_file: Path | None = None


def configure(
    log_file: Path, *, level: int = logging.INFO, console: bool = False
) -> RingBufferHandler:
    """Configure the root logger once; safe to call again (it replaces its own handlers)."""
    global _ring, _log_file
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, OURS, False):
            root.removeHandler(handler)
            handler.close()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    _ring = RingBufferHandler()
    handlers: list[logging.Handler] = [file_handler, _ring]
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter(LOG_FORMAT))
        handlers.append(stream)
    for handler in handlers:
        setattr(handler, OURS, True)
        root.addHandler(handler)
    root.setLevel(level)
    _log_file = log_file
    return _ring


def details_in_log() -> str:
    """The end of a failure's sentence: "the details are in the log (PATH)" naming the file this
    run writes, so the reader knows where to look (and can send it to the trust's support)."""
    if _log_file is None:
        return "the details are in the log"
    return f"the details are in the log ({_log_file})"


def recent_log() -> str:
    """The last few hundred log lines of this run (empty before :func:`configure`)."""
    return _ring.tail() if _ring is not None else ""
