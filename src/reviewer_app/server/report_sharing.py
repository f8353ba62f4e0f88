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

A trust admin not assigned to the school reads its fully signed reviews as **oversight**
(:mod:`.access`): always as the judgement summary, plus the signed reports when the school
shares the report with the trust (or the framework does not ask), because those are what the
trust was promised; with "the school only" they get the summary alone, as any reader off the
team does, here and in the console. Which signed reports a reader without a safeguarding role may
have is one rule (:func:`reviewer_app.domain.safeguarding_reports.why_withheld`, through
:func:`withheld_report`), here, on the console's pages and in its downloads: nothing of a
safeguarding framework, only the board summary of a framework that judges safeguarding, never the
full internal report of one with restricted parts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlmodel import Session, select

from reviewer_app.domain.organisation import SAFEGUARDING_ROLES
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.safeguarding_reports import ReportFramework, why_withheld
from reviewer_app.server import models
from reviewer_app.server.access import ReviewAccess, roles_of
from reviewer_app.server.framework_criteria import judges_safeguarding

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
    """Whether this reader receives only the judgement summary of ``review`` (with, for
    oversight, the signed reports :func:`overseen_reports` lets through)."""
    if access.oversight:
        return True
    if access.may_write:
        return False  # the visit's team
    return _school_only(session, review)


def _school_only(session: Session, review: models.Review) -> bool:
    choice = sharing_choice(session, review.id)
    return choice is not None and choice.value == SCHOOL_ONLY


def report_framework(session: Session, framework_id: str, version: str) -> ReportFramework:
    """What the sharing rule needs to know of a review's framework (one the server does not
    know is taken for a safeguarding framework: nothing of it goes to a reader without a
    safeguarding role)."""
    framework = session.get(models.Framework, framework_id)
    restricted_parts = session.exec(
        select(models.RestrictedItem.item_id).where(
            models.RestrictedItem.framework_id == framework_id
        )
    ).first()
    return ReportFramework(
        title=(framework.title if framework is not None else "") or framework_id,
        safeguarding=framework is None or framework.safeguarding,
        judges_safeguarding=judges_safeguarding(framework_id, version),
        restricted_parts=restricted_parts is not None,
    )


def withheld_report(
    payload: Mapping[str, Any], framework: ReportFramework, *, safeguarding_reader: bool
) -> str:
    """Why a reader may not have the signed report whose record is ``payload`` (a sentence
    for the page), or ``""`` when they may: the console's rule, and the laptops'."""
    return why_withheld(
        str(payload.get("audience", "")),
        str(payload.get("report_id", "")),
        framework,
        safeguarding_reader=safeguarding_reader,
    )


#: Whether a signed-report record (its payload) goes to a reader.
ReportFilter = Callable[[Mapping[str, Any]], bool]


def overseen_reports(
    session: Session, person: models.Person, review: models.Review, access: ReviewAccess
) -> ReportFilter | None:
    """Which signed reports of ``review`` an oversight reader receives (``None``: not an
    oversight reader, the summary rules alone apply)."""
    if not access.oversight:
        return None
    if _school_only(session, review):
        return lambda _payload: False
    if roles_of(session, person.id) & SAFEGUARDING_ROLES:
        return lambda _payload: True
    framework = report_framework(session, review.framework_id, review.framework_version)

    def allowed(payload: Mapping[str, Any]) -> bool:
        return not withheld_report(payload, framework, safeguarding_reader=False)

    return allowed


def summary_rows(
    rows: Sequence[Mapping[Any, Any]], reports: ReportFilter | None = None
) -> Sequence[Mapping[Any, Any]]:
    """The change-log rows a summary-only reader receives, judgements trimmed to the summary
    (and the signed reports ``reports`` lets through, for oversight)."""
    kept: list[Mapping[Any, Any]] = []
    for row in rows:
        entity, kind = row["entity"], row["kind"]
        if entity == Entity.REVIEW.value or (
            entity == Entity.FIELD_VALUE.value
            and row["field"] == SHARING_FIELD
            and kind in ("set", "resolve")
        ):
            kept.append(row)
        elif entity == Entity.SIGNED_REPORT.value and reports is not None:
            payload = row["payload"] if isinstance(row["payload"], dict) else {}
            if kind == "append" and reports(payload):
                kept.append(row)
        elif entity == Entity.JUDGEMENT.value and kind == "append":
            payload = row["payload"] if isinstance(row["payload"], dict) else {}
            if payload.get("agreed") is True:
                summary = {k: payload[k] for k in _SUMMARY_KEYS if k in payload}
                kept.append({**row, "payload": {**summary, "rationale": ""}})
    return kept
