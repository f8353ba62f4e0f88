"""The sharing choice of a review ("Who may see this report"), enforced when reviews are read.

A framework that asks who may see the report does so with the shared field
:data:`SHARING_FIELD` (the two-day peer review: ``school``, the school only, or
``school-and-trust``). With "the school only", people who may read the review but are not on
the visit's team (central-team readers assigned to the school) receive the review's **judgement
summary** only: the review itself (so it is listed), its state, the sharing choice and who made
it, and each agreed judgement as criterion and level, without its rationale. The report body
(fields, notes, actions), evidence (attachments and their files), conflicts and signed PDFs are
withheld. The visit's team always receives everything.

The choice is read when the review is read, so it holds for every pull after it is made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session

from reviewer_app.server import models
from reviewer_app.server.access import ReviewAccess

#: The framework field that holds who may see the report.
SHARING_FIELD = "report-sharing"
#: Its value for "the school only".
SCHOOL_ONLY = "school"
#: The judgement fields a summary carries (no rationale: that is report body).
_SUMMARY_KEYS = (
    "id",
    "review_id",
    "criterion_id",
    "author_id",
    "level_key",
    "created_at",
    "agreed",
)


def sharing_choice(session: Session, review_id: str) -> models.FieldState | None:
    """The review's sharing choice as last set (value and who set it), if it has one."""
    return session.get(models.FieldState, (review_id, "field_value", review_id, SHARING_FIELD))


def summary_only(session: Session, review: models.Review, access: ReviewAccess) -> bool:
    """Whether this reader receives only the judgement summary of ``review``."""
    if access.may_write:
        return False  # the visit's team
    choice = sharing_choice(session, review.id)
    return choice is not None and choice.value == SCHOOL_ONLY


def summary_rows(rows: Sequence[Mapping[Any, Any]]) -> Sequence[Mapping[Any, Any]]:
    """The change-log rows a summary-only reader receives, judgements trimmed to the summary."""
    kept: list[Mapping[Any, Any]] = []
    for row in rows:
        entity, kind = row["entity"], row["kind"]
        if entity == "review" or (
            entity == "field_value" and row["field"] == SHARING_FIELD and kind in ("set", "resolve")
        ):
            kept.append(row)
        elif entity == "judgement" and kind == "append":
            payload = row["payload"] if isinstance(row["payload"], dict) else {}
            if payload.get("agreed") is True:
                summary = {k: payload[k] for k in _SUMMARY_KEYS if k in payload}
                kept.append({**row, "payload": {**summary, "rationale": ""}})
    return kept
