"""Typed errors whose message is a sentence a school reviewer understands.

Every error raised towards the user names the thing at fault and, where there is one, what to do.
Tracebacks go to the log; the message goes to the screen.
"""

from __future__ import annotations


class ReviewerError(Exception):
    """Base of every error meant to be shown to a person.

    ``message`` says what went wrong and names the thing at fault; ``hint`` says what to do.
    """

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class ValidationError(ReviewerError):
    """Input broke a domain rule (a visit without a school, dates out of order...)."""


class NotFoundError(ReviewerError):
    """A record that was asked for does not exist."""


class PermissionDeniedError(ReviewerError):
    """The person may not see or change this record."""


class LockedError(ReviewerError):
    """The record is signed or otherwise locked; changes need an amendment."""
