"""Data out (issue 17 item 6): the trust's judgements, actions, categories and visits as flat
rows, for CSV and XLSX downloads from the console and the read-only JSON API (``/api/v1/``).

The rows follow exactly the rules of the console's pages (:mod:`.trust_picture`): the same
schools, frameworks and parts a person may see there, and no others. Judgements are one row per
school x visit x criterion (the lead reviewer's agreed view), with the framework's id and
version. Every dataset filters by date: a visit's last day, an action's due date, the day a
category was agreed.

API tokens: a person makes their own in the console (Data out); the token is shown once and only
its SHA-256 is kept. A token reads what its person may see, while the person is active.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.domain.ids import new_id
from reviewer_app.server import models
from reviewer_app.server.trust_picture import (
    ReviewRow,
    Viewer,
    Visibility,
    _criteria_of,
    agreed_judgements,
    category_history,
    readable_reviews,
    trust_actions,
    visible_schools,
)

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Dataset:
    key: str
    title: str
    columns: tuple[str, ...]
    #: What the date filter applies to.
    dated_by: str
    rows: Callable[[Session, Viewer, date | None, date | None], list[Row]]


def _in(day: date | None, start: date | None, end: date | None) -> bool:
    if day is None:
        return start is None and end is None
    return (start is None or day >= start) and (end is None or day <= end)


def _school_columns(school: models.School) -> Row:
    return {"school_urn": school.urn, "school_name": school.name, "phase": school.phase,
            "local_authority": school.local_authority}  # fmt: skip


def judgement_rows(
    session: Session, viewer: Viewer, start: date | None, end: date | None
) -> list[Row]:
    visibility = Visibility(session, viewer)
    schools = {s.id: s for s in visible_schools(session, viewer)}
    reviews = [
        r for r in readable_reviews(session, visibility, schools) if _in(r.visit_end, start, end)
    ]
    rows = []
    for judgement in agreed_judgements(session, visibility, reviews):
        review = judgement.review
        title, levels = _criteria_of(review.framework_id, review.framework_version).get(
            judgement.criterion_id, (judgement.criterion_id, {})
        )
        level = levels.get(judgement.level_key or "")
        rows.append(
            {
                **_school_columns(schools[review.school_id]),
                "visit_id": review.visit_id,
                "visit_start": review.visit_start.isoformat(),
                "visit_end": review.visit_end.isoformat(),
                "review_id": review.review_id,
                "framework_id": review.framework_id,
                "framework_version": review.framework_version,
                "criterion_id": judgement.criterion_id,
                "criterion": title,
                "level_key": judgement.level_key or "",
                "level": level.label if level else (judgement.level_key or ""),
                "rationale": judgement.rationale,
            }
        )
    return rows


def action_rows(
    session: Session, viewer: Viewer, start: date | None, end: date | None
) -> list[Row]:
    rows = []
    for action in trust_actions(session, viewer):
        if not _in(action.due, start, end):
            continue
        last = action.trail[-1] if action.trail else None
        rows.append(
            {
                **_school_columns(action.school),
                "action_id": action.id,
                "review_id": action.review.review_id,
                "visit_end": action.review.visit_end.isoformat(),
                "framework_id": action.review.framework_id,
                "framework_version": action.review.framework_version,
                "criterion_id": action.criterion_id or "",
                "theme": action.theme,
                "action": action.text,
                "owner": action.owner,
                "priority": action.priority,
                "due": action.due.isoformat() if action.due else "",
                "status": action.status,
                "last_follow_up": last.outcome if last else "",
                "last_follow_up_on": last.day.isoformat() if last else "",
            }
        )
    rows.sort(key=lambda r: (r["school_name"], r["due"], r["action_id"]))
    return rows


def category_rows(
    session: Session, viewer: Viewer, start: date | None, end: date | None
) -> list[Row]:
    schools = {s.id: s for s in visible_schools(session, viewer)}
    rows = []
    for school_id, history in category_history(session, schools).items():
        for view in history:
            if not _in(view.agreed_on, start, end):
                continue
            rows.append(
                {
                    **_school_columns(schools[school_id]),
                    "scheme_id": view.scheme_id,
                    "level_key": view.level_key,
                    "level": view.label,
                    "agreed_on": view.agreed_on.isoformat(),
                    "agreed_by": view.agreed_by,
                    "rationale": view.rationale,
                }
            )
    rows.sort(key=lambda r: (r["school_name"], r["agreed_on"]))
    return rows


def visit_rows(session: Session, viewer: Viewer, start: date | None, end: date | None) -> list[Row]:
    visibility = Visibility(session, viewer)
    schools = {s.id: s for s in visible_schools(session, viewer)}
    reviewed: dict[str, list[ReviewRow]] = {}
    for review in readable_reviews(session, visibility, schools):
        reviewed.setdefault(review.visit_id, []).append(review)
    leads = dict(
        session.exec(
            select(models.VisitReviewer.visit_id, models.Person.name)
            .join(models.Person, col(models.Person.id) == col(models.VisitReviewer.person_id))
            .where(models.VisitReviewer.role == "lead_reviewer")
        ).all()
    )
    rows = []
    for visit in session.exec(
        select(models.Visit)
        .where(col(models.Visit.school_id).in_(sorted(schools)))
        .order_by(col(models.Visit.planned_start), col(models.Visit.id))
    ):
        if not visibility.framework(visit.framework_id) or not _in(visit.planned_end, start, end):
            continue
        reviews = reviewed.get(visit.id, [])
        rows.append(
            {
                **_school_columns(schools[visit.school_id]),
                "visit_id": visit.id,
                "framework_id": visit.framework_id,
                "framework_version": reviews[0].framework_version if reviews else "",
                "visit_start": visit.planned_start.isoformat(),
                "visit_end": visit.planned_end.isoformat(),
                "lead": leads.get(visit.id, ""),
                "review_id": reviews[0].review_id if reviews else "",
            }
        )
    return rows


_SCHOOL = ("school_urn", "school_name", "phase", "local_authority")
_JUDGEMENT = (
    "visit_id",
    "visit_start",
    "visit_end",
    "review_id",
    "framework_id",
    "framework_version",
    "criterion_id",
    "criterion",
    "level_key",
    "level",
    "rationale",
)
_ACTION = (
    "action_id",
    "review_id",
    "visit_end",
    "framework_id",
    "framework_version",
    "criterion_id",
    "theme",
    "action",
    "owner",
    "priority",
    "due",
    "status",
    "last_follow_up",
    "last_follow_up_on",
)
_CATEGORY = ("scheme_id", "level_key", "level", "agreed_on", "agreed_by", "rationale")
_VISIT = ("visit_id", "framework_id", "framework_version", "visit_start", "visit_end", "lead",
          "review_id")  # fmt: skip
DATASETS: dict[str, Dataset] = {
    d.key: d
    for d in (
        Dataset("judgements", "Judgements", (*_SCHOOL, *_JUDGEMENT), "the visit's last day",
                judgement_rows),
        Dataset("actions", "Actions", (*_SCHOOL, *_ACTION), "the action's due date", action_rows),
        Dataset("categories", "Categories", (*_SCHOOL, *_CATEGORY), "the day it was agreed",
                category_rows),
        Dataset("visits", "Visits", (*_SCHOOL, *_VISIT), "the visit's last day", visit_rows),
    )
}  # fmt: skip


def dataset(key: str) -> Dataset:
    found = DATASETS.get(key)
    if found is None:
        names = ", ".join(DATASETS)
        raise NotFoundError(f"There is no dataset '{key}'; the datasets are {names}.")
    return found


def parse_day(value: str | None, name: str) -> date | None:
    """A date filter from a query (YYYY-MM-DD), or None when not given."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            f"The '{name}' date '{value}' is not a date: write it as YYYY-MM-DD, "
            "for example 2026-09-01."
        ) from None


# -- file formats -------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    # A spreadsheet would run a cell starting with these as a formula (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(data: Dataset, rows: Sequence[Row]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads the accents), one header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(data.columns)
    for row in rows:
        writer.writerow([_cell(row.get(c, "")) for c in data.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(data: Dataset, rows: Sequence[Row]) -> bytes:
    """One worksheet named after the dataset, a header row, columns as text."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(data.title)
    sheet.append(list(data.columns))
    for row in rows:
        sheet.append([_cell(row.get(c, "")) for c in data.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- API tokens -----------------------------------------------------------------------------------


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, person: models.Person, name: str) -> tuple[models.ApiToken, str]:
    """A new token for ``person``; returns the row and the token (shown once, never kept)."""
    name = name.strip()
    if not name:
        raise ValidationError("Give the token a name, such as 'Power BI'.")
    if len(name) > 100:
        raise ValidationError("A token's name can be at most 100 characters.")
    token = "rvw_" + secrets.token_urlsafe(32)
    row = models.ApiToken(
        id=new_id(),
        person_id=person.id,
        name=name,
        token_sha256=_sha(token),
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row, token


def person_tokens(session: Session, person: models.Person) -> list[models.ApiToken]:
    return list(
        session.exec(
            select(models.ApiToken)
            .where(models.ApiToken.person_id == person.id)
            .order_by(col(models.ApiToken.created_at))
        ).all()
    )


def revoke_token(session: Session, person: models.Person, token_id: str) -> models.ApiToken:
    row = session.get(models.ApiToken, token_id)
    if row is None or row.person_id != person.id:
        raise NotFoundError("There is no such token of yours.")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        session.add(row)
    return row


def person_for_token(session: Session, token: str | None) -> models.Person | None:
    """The active person whose unrevoked token this is (its last use recorded), else None."""
    if not token:
        return None
    row = session.exec(
        select(models.ApiToken).where(models.ApiToken.token_sha256 == _sha(token))
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    person = session.get(models.Person, row.person_id)
    if person is None or not person.active:
        return None
    row.last_used_at = datetime.now(UTC)
    session.add(row)
    return person
