"""The one place where an exception becomes a sentence on screen.

A refusal from the services is a :class:`~reviewer_app.domain.errors.ReviewerError`: its own
sentence and hint are shown as they are. Anything else is a fault: it is logged with its
traceback (unless the caller's runner logged it already) and the person reads the caller's
plain sentence, which says where the details are.
"""

from __future__ import annotations

import logging

from reviewer_app.domain.errors import ReviewerError

log = logging.getLogger(__name__)


def failure_sentence(
    error: BaseException, fallback: str, *, logged: bool = False, short: bool = False
) -> str:
    """``error`` in words: a refusal's sentence (and hint, unless ``short``: for a place too
    small for it), else ``fallback`` (logged here unless ``logged``)."""
    if isinstance(error, ReviewerError):
        return error.message if short else str(error)
    if not logged:
        log.error("%s", fallback, exc_info=error)
    return fallback
