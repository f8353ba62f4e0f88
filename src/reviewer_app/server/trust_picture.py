# Longer than 600 lines because one set of visibility rules serves every oversight page (issue 17).
"""The trust-wide picture the console's oversight pages read: which schools and which parts of
their reviews a person may see, and the latest agreed view of each school per area.

One set of rules for every page, download and API answer (issue 17):

* **Schools**: the central team (trust admin) sees every school of the trust; everyone else the
  schools they are assigned to (:class:`~reviewer_app.server.models.Assignment`), as the sync API
  decides.
* **Frameworks**: a safeguarding framework's reviews are for safeguarding roles only.
* **Restricted parts** of open frameworks (a single central record sample, ...) are for
  safeguarding roles only (:func:`~reviewer_app.server.access.restriction_for`).
* **Safeguarding columns** (the safeguarding view) are shown to safeguarding roles only.

The "agreed view" of an area is the lead reviewer's agreed judgement (``agreed: true``) of the
area's criterion in the newest review that has one; the arrow compares it with the review
before on the same scale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reviewer_app.domain.organisation import SAFEGUARDING_ROLES, Role
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.server import models
from reviewer_app.server.access import Restriction, roles_of
from reviewer_app.server.framework_criteria import (
    SAFEGUARDING_CRITERIA,
    built_in_framework,
)
from reviewer_app.server.report_sharing import report_framework, withheld_report

#: Roles that see every school of the trust (the central team).
CENTRAL_ROLES = frozenset({Role.TRUST_ADMIN})


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the trust overview: an area judged by criteria of the same id in any
    framework (``criteria``), or every criterion of one framework (``framework``, its weakest
    agreed level)."""

    key: str
    label: str
    scale_id: str
    criteria: frozenset[str] = frozenset()
    framework: str | None = None
    safeguarding: bool = False


#: The six evaluation areas of Ofsted's renewed framework (November 2025), safeguarding and SEND.
AREA_COLUMNS: tuple[Column, ...] = tuple(
    Column(key, label, "ofsted-2025-five-point", frozenset({key}))
    for key, label in (
        ("inclusion", "Inclusion"),
        ("curriculum-and-teaching", "Curriculum and teaching"),
        ("achievement", "Achievement"),
        ("attendance-and-behaviour", "Attendance and behaviour"),
        ("personal-development-and-wellbeing", "Personal development and wellbeing"),
        ("leadership-and-governance", "Leadership and governance"),
    )
)
SAFEGUARDING_COLUMN = Column(
    "safeguarding",
    "Safeguarding",
    "safeguarding-met",
    SAFEGUARDING_CRITERIA,
    safeguarding=True,
)
#: What only safeguarding roles see of any framework: its safeguarding judgement and the notes
#: and actions about it.
SAFEGUARDING_VIEW = Restriction(criteria=SAFEGUARDING_COLUMN.criteria)
SEND_COLUMN = Column("send", "SEND", "send-maturity", framework="send-review")
COLUMNS: tuple[Column, ...] = (*AREA_COLUMNS, SAFEGUARDING_COLUMN, SEND_COLUMN)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking, and so what they may see."""

    person: models.Person
    roles: frozenset[Role]

    @classmethod
    def of(cls, session: Session, person: models.Person) -> Viewer:
        return cls(person=person, roles=roles_of(session, person.id))

    @property
    def safeguarding(self) -> bool:
        return bool(self.roles & SAFEGUARDING_ROLES)

    @property
    def central(self) -> bool:
        return bool(self.roles & CENTRAL_ROLES)

    def columns(self) -> tuple[Column, ...]:
        return tuple(c for c in COLUMNS if self.safeguarding or not c.safeguarding)


def visible_schools(session: Session, viewer: Viewer) -> list[models.School]:
    """The schools ``viewer`` may see, by name."""
    if not viewer.person.active:
        return []
    statement = select(models.School).where(models.School.trust_id == viewer.person.trust_id)
    if not viewer.central:
        statement = statement.where(
            col(models.School.id).in_(
                select(models.Assignment.school_id).where(
                    models.Assignment.person_id == viewer.person.id
                )
            )
        )
    return list(session.exec(statement.order_by(col(models.School.name))).all())


class Visibility:
    """Which frameworks and which of their parts ``viewer`` may see (read once per request)."""

    def __init__(self, session: Session, viewer: Viewer) -> None:
        self.viewer = viewer
        frameworks = session.exec(select(models.Framework)).all()
        self.titles = {f.id: f.title or f.id for f in frameworks}
        self.safeguarding_frameworks = frozenset(f.id for f in frameworks if f.safeguarding)
        restricted: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
        if not viewer.safeguarding:
            for row in session.exec(select(models.RestrictedItem)):
                criteria, fields = restricted[row.framework_id]
                (criteria if row.kind == "criterion" else fields).add(row.item_id)
        # The safeguarding view of an open framework (a peer review's "safeguarding: met") is
        # left out for others too, as the overview's safeguarding column is.
        self.always = Restriction() if viewer.safeguarding else SAFEGUARDING_VIEW
        self.restrictions = {
            fid: Restriction(criteria=frozenset(c) | self.always.criteria, fields=frozenset(f))
            for fid, (c, f) in restricted.items()
        }

    def framework(self, framework_id: str) -> bool:
        return self.viewer.safeguarding or framework_id not in self.safeguarding_frameworks

    def restriction(self, framework_id: str) -> Restriction:
        return self.restrictions.get(framework_id, self.always)

    def record(self, framework_id: str, entity: str, payload: Any) -> bool:
        """Whether a record of a review of ``framework_id`` may be shown."""
        if not self.framework(framework_id):
            return False
        return not self.restriction(framework_id).hides(entity, None, payload)


@dataclass(frozen=True, slots=True)
class Level:
    key: str
    label: str
    rank: int | None
    #: Where the level sits on its scale, for the pages' colours: ``bad``, ``weak``, ``ok``,
    #: ``good``, ``best`` (or ``none`` for a level with no rank).
    tone: str


def _tone(rank: int | None, top: int) -> str:
    if rank is None or top <= 0:
        return "none"
    if rank == 0:
        return "bad"
    share = rank / top
    if top == 1 or 0.5 <= share < 0.75:
        return "ok"
    return "weak" if share < 0.5 else "good" if share < 1 else "best"


@cache
def scale_levels(scale_id: str) -> dict[str, Level]:
    """The levels of a built-in rating scale by key (its newest version)."""
    from reviewer_app.server.framework_library import built_in_library

    scale = built_in_library().scale(scale_id)
    top = max((lv.rank for lv in scale.levels if lv.rank is not None), default=0)
    return {lv.key: Level(lv.key, lv.label, lv.rank, _tone(lv.rank, top)) for lv in scale.levels}


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """A review with its visit, as the oversight pages list them."""

    review_id: str
    school_id: str
    framework_id: str
    framework_version: str
    visit_id: str
    visit_start: date
    visit_end: date
    #: Fully signed (the server locked it at its last planned signature): until then its agreed
    #: views are the lead's, and may still change.
    signed: bool = False


@dataclass(frozen=True, slots=True)
class AgreedJudgement:
    """The agreed level of one criterion in one review."""

    review: ReviewRow
    criterion_id: str
    level_key: str | None
    rationale: str
    created_at: str


def readable_reviews(
    session: Session,
    visibility: Visibility,
    school_ids: Iterable[str],
) -> list[ReviewRow]:
    """Every review of these schools the viewer may see, oldest visit first."""
    ids = sorted(set(school_ids))
    if not ids:
        return []
    rows = session.connection().execute(
        sa.select(
            col(models.Review.id),
            col(models.Visit.school_id),
            col(models.Review.framework_id),
            col(models.Review.framework_version),
            col(models.Visit.id),
            col(models.Visit.planned_start),
            col(models.Visit.planned_end),
            col(models.Review.locked),
        )
        .join(models.Visit, col(models.Visit.id) == col(models.Review.visit_id))
        .where(col(models.Visit.school_id).in_(ids))
        .order_by(col(models.Visit.planned_end), col(models.Review.id))
    )
    return [ReviewRow(*row) for row in rows if visibility.framework(row[2])]


def _json_true(session: Session, key: str) -> sa.ColumnElement[bool]:
    """The record's payload has ``key: true`` (the JSON value true, nothing else)."""
    payload = col(models.Record.payload)
    if session.get_bind().dialect.name == "postgresql":
        return payload.op("@>")(sa.cast({key: True}, models.JSONType))
    return sa.func.json_type(payload, f"$.{key}") == "true"


def agreed_judgements(
    session: Session, visibility: Visibility, reviews: Sequence[ReviewRow]
) -> list[AgreedJudgement]:
    """The agreed judgements of ``reviews`` the viewer may see: the newest per criterion and
    review (by time, then id, as the laptop and its report choose), in the reviews' order. A
    criterion whose newest agreed judgement withdrew the level has none (the report says "Not
    rated")."""
    by_id = {r.review_id: r for r in reviews}
    if not by_id:
        return []
    newest: dict[tuple[str, str], dict[str, Any]] = {}
    # The few fields needed, read out of the payload by the database: decoding every whole
    # payload cost more than the rest of the overview put together.
    body = col(models.Record.payload)
    fields = ("criterion_id", "level_key", "rationale", "created_at")
    for review_id, record_id, *values in session.connection().execute(
        sa.select(
            col(models.Record.review_id),
            col(models.Record.entity_id),
            *(body[f].as_string() for f in fields),
        ).where(
            col(models.Record.review_id).in_(sorted(by_id)),
            col(models.Record.entity) == Entity.JUDGEMENT.value,
            col(models.Record.retracted).is_(False),
            _json_true(session, "agreed"),
        )
    ):
        found_payload = {**dict(zip(fields, values, strict=True)), "id": record_id}
        review = by_id[review_id]
        if not visibility.record(review.framework_id, Entity.JUDGEMENT.value, found_payload):
            continue
        key = (review_id, str(found_payload["criterion_id"]))
        held = newest.get(key)
        if held is None or _newness(found_payload) > _newness(held):
            newest[key] = found_payload
    order = {r.review_id: n for n, r in enumerate(reviews)}
    found = [
        AgreedJudgement(
            review=by_id[review_id],
            criterion_id=criterion,
            level_key=payload.get("level_key"),
            rationale=str(payload.get("rationale") or ""),
            created_at=str(payload.get("created_at") or ""),
        )
        for (review_id, criterion), payload in newest.items()
        if payload.get("level_key")
    ]
    found.sort(key=lambda j: (order[j.review.review_id], j.criterion_id))
    return found


def _newness(payload: dict[str, Any]) -> tuple[str, str]:
    return (str(payload["created_at"] or ""), str(payload["id"]))


def recent_agreed_judgements(
    session: Session,
    visibility: Visibility,
    school_ids: Iterable[str],
    columns: Sequence[Column],
    keep: int = 2,
) -> list[AgreedJudgement]:
    """What :func:`column_views` needs for the ``keep`` newest views of each column per school:
    the agreed judgements (the newest per criterion and review) of each school's ``keep``
    newest reviews judging each column's criteria, or of its framework, on the column's scale.

    The overview shows only the latest view and the one before; reading three years of every
    judgement to keep two cost most of its time, so the database ranks them (window functions,
    PostgreSQL and SQLite alike). The same rules as :func:`agreed_judgements`: frameworks and
    restricted criteria the viewer may not see are left out before ranking, so a hidden
    judgement never takes a visible one's place.
    """
    ids = sorted(set(school_ids))
    if not ids or not columns:
        return []
    record, review, visit = models.Record, models.Review, models.Visit
    body = col(record.payload)
    criterion = body["criterion_id"].as_string()
    created = body["created_at"].as_string()
    where: list[sa.ColumnElement[bool]] = [
        col(visit.school_id).in_(ids),
        col(record.entity) == Entity.JUDGEMENT.value,
        col(record.retracted).is_(False),
        _json_true(session, "agreed"),
    ]
    if not visibility.viewer.safeguarding:
        hidden_frameworks = sorted(visibility.safeguarding_frameworks)
        if hidden_frameworks:
            where.append(col(review.framework_id).not_in(hidden_frameworks))
        if visibility.always.criteria:
            where.append(criterion.not_in(sorted(visibility.always.criteria)))
        for framework_id, restriction in sorted(visibility.restrictions.items()):
            where.append(
                sa.not_(
                    sa.and_(
                        col(review.framework_id) == framework_id,
                        criterion.in_(sorted(restriction.criteria)),
                    )
                )
            )
    # The few fields read out of each payload once, into narrow rows (a materialised CTE):
    # sorting rows that still carried the payload made PostgreSQL sort on disk. The reviews'
    # other columns are joined to the few rows kept.
    judged = (
        sa.select(
            col(record.review_id).label("review_id"),
            col(visit.school_id).label("school_id"),
            col(review.framework_id).label("framework_id"),
            col(visit.planned_end).label("visit_end"),
            criterion.label("criterion_id"),
            body["level_key"].as_string().label("level_key"),
            created.label("created_at"),
        )
        .select_from(record)
        .join(review, col(review.id) == col(record.review_id))
        .join(visit, col(visit.id) == col(review.visit_id))
        .where(*where)
        .cte("judged")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    newest = sa.select(
        judged,
        sa.func.row_number()
        .over(
            partition_by=(judged.c.review_id, judged.c.criterion_id),
            order_by=judged.c.created_at.desc(),
        )
        .label("newest"),
    ).subquery()
    on_scale = []
    for column in columns:
        levels = scale_levels(column.scale_id)
        ranked_keys = sorted(k for k, lv in levels.items() if lv.rank is not None)
        about = (
            newest.c.framework_id == column.framework
            if column.framework is not None
            else newest.c.criterion_id.in_(sorted(column.criteria))
        )
        on_scale.append(sa.and_(about, newest.c.level_key.in_(ranked_keys)))
    order = (newest.c.visit_end.desc(), newest.c.review_id.desc())
    ranked = (
        sa.select(
            newest.c.review_id,
            newest.c.criterion_id,
            newest.c.level_key,
            newest.c.created_at,
            sa.func.dense_rank()
            .over(partition_by=(newest.c.school_id, newest.c.criterion_id), order_by=order)
            .label("by_criterion"),
            sa.func.dense_rank()
            .over(partition_by=(newest.c.school_id, newest.c.framework_id), order_by=order)
            .label("by_framework"),
        )
        .where(newest.c.newest == 1, sa.or_(*on_scale))
        .subquery()
    )
    kept = (
        sa.select(
            ranked.c.review_id,
            col(visit.school_id),
            col(review.framework_id),
            col(review.framework_version),
            col(visit.id),
            col(visit.planned_start),
            col(visit.planned_end),
            col(review.locked),
            ranked.c.criterion_id,
            ranked.c.level_key,
            ranked.c.created_at,
        )
        .join(review, col(review.id) == ranked.c.review_id)
        .join(visit, col(visit.id) == col(review.visit_id))
        .where(sa.or_(ranked.c.by_criterion <= keep, ranked.c.by_framework <= keep))
    )
    found = []
    reviews: dict[str, ReviewRow] = {}
    for (
        review_id,
        *review_columns,
        criterion_id,
        level_key,
        created_at,
    ) in session.connection().execute(kept):
        held = reviews.get(review_id)
        if held is None:
            held = reviews[review_id] = ReviewRow(review_id, *review_columns)
        found.append(
            AgreedJudgement(
                review=held,
                criterion_id=criterion_id,
                level_key=level_key,
                rationale="",  # not shown on the overview
                created_at=created_at or "",
            )
        )
    found.sort(key=lambda j: (j.review.visit_end, j.review.review_id, j.criterion_id))
    return found


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of the overview: the latest agreed view and the direction since the one before."""

    level: Level
    day: date
    framework_id: str
    framework_title: str
    framework_version: str
    review_id: str
    criterion_id: str
    previous: Level | None = None
    #: The review behind the view is fully signed (else: "not yet signed" on the pages).
    signed: bool = True

    @property
    def direction(self) -> str:
        """``up``, ``down``, ``same``, or ``new`` (nothing before, or no rank to compare)."""
        if self.previous is None or self.previous.rank is None or self.level.rank is None:
            return "new"
        if self.level.rank > self.previous.rank:
            return "up"
        if self.level.rank < self.previous.rank:
            return "down"
        return "same"


def column_views(
    column: Column, judgements: Iterable[AgreedJudgement], titles: dict[str, str]
) -> dict[str, list[Cell]]:
    """Each school's agreed views of ``column``, oldest first (one per review)."""
    levels = scale_levels(column.scale_id)
    per_review: dict[str, list[AgreedJudgement]] = defaultdict(list)
    for judgement in judgements:
        if column.framework is not None:
            wanted = judgement.review.framework_id == column.framework
        else:
            wanted = judgement.criterion_id in column.criteria
        level = levels.get(judgement.level_key or "")
        if wanted and level is not None and level.rank is not None:
            per_review[judgement.review.review_id].append(judgement)
    views: dict[str, list[Cell]] = defaultdict(list)
    for found in per_review.values():
        # A framework column takes the weakest agreed level of the review.
        weakest = min(found, key=lambda j: levels[j.level_key or ""].rank or 0)
        review = weakest.review
        views[review.school_id].append(
            Cell(
                level=levels[weakest.level_key or ""],
                day=review.visit_end,
                framework_id=review.framework_id,
                framework_title=titles.get(review.framework_id, review.framework_id),
                framework_version=review.framework_version,
                review_id=review.review_id,
                criterion_id=weakest.criterion_id,
                signed=review.signed,
            )
        )
    for cells in views.values():
        cells.sort(key=lambda c: (c.day, c.review_id))
        for n in range(1, len(cells)):
            cells[n] = _with_previous(cells[n], cells[n - 1].level)
    return views


def _with_previous(cell: Cell, previous: Level) -> Cell:
    return replace(cell, previous=previous)


@dataclass(frozen=True, slots=True)
class CategoryView:
    """A school's agreed category (a row of its append-only history)."""

    level_key: str
    label: str
    scheme_id: str
    agreed_on: date
    rationale: str
    agreed_by: str
    previous_label: str | None = None


def category_history(session: Session, school_ids: Iterable[str]) -> dict[str, list[CategoryView]]:
    """Each school's agreed categories, oldest first."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    names = dict(
        session.exec(
            select(models.Person.id, models.Person.name).where(
                col(models.Person.id).in_(
                    select(models.SchoolCategory.author_id).where(
                        col(models.SchoolCategory.school_id).in_(ids)
                    )
                )
            )
        ).all()
    )
    history: dict[str, list[CategoryView]] = defaultdict(list)
    for row in session.exec(
        select(models.SchoolCategory)
        .where(col(models.SchoolCategory.school_id).in_(ids))
        .order_by(col(models.SchoolCategory.school_id), col(models.SchoolCategory.server_seq))
    ):
        payload = row.payload if isinstance(row.payload, dict) else {}
        earlier = history[row.school_id]
        history[row.school_id].append(
            CategoryView(
                level_key=str(payload.get("level_key", "")),
                label=str(payload.get("level_label", "")),
                scheme_id=str(payload.get("scheme_id", "")),
                agreed_on=date.fromisoformat(str(payload.get("agreed_on"))),
                rationale=str(payload.get("rationale", "")),
                agreed_by=names.get(row.author_id, ""),
                previous_label=earlier[-1].label if earlier else None,
            )
        )
    for views in history.values():
        views.sort(key=lambda v: v.agreed_on)
    return history


def school_reviewers(session: Session, school_ids: Iterable[str]) -> dict[str, set[str]]:
    """The people on the teams of each school's visits, by school."""
    ids = sorted(set(school_ids))
    found: dict[str, set[str]] = defaultdict(set)
    if not ids:
        return found
    for school_id, person_id in session.exec(
        select(models.Visit.school_id, models.VisitReviewer.person_id)
        .join(models.VisitReviewer, col(models.VisitReviewer.visit_id) == col(models.Visit.id))
        .where(col(models.Visit.school_id).in_(ids))
    ):
        found[school_id].add(person_id)
    return found


@dataclass(frozen=True, slots=True)
class OverviewFilters:
    phase: str = ""
    local_authority: str = ""
    category: str = ""
    reviewer: str = ""


@dataclass(slots=True)
class OverviewRow:
    school: models.School
    cells: dict[str, Cell | None]
    category: CategoryView | None


@dataclass(slots=True)
class Overview:
    columns: tuple[Column, ...]
    rows: list[OverviewRow]
    #: Choices for the filters, from the schools the viewer may see.
    phases: list[str] = field(default_factory=list)
    local_authorities: list[str] = field(default_factory=list)
    categories: list[tuple[str, str]] = field(default_factory=list)
    reviewers: list[tuple[str, str]] = field(default_factory=list)
    shown_schools: int = 0
    total_schools: int = 0


def trust_overview(session: Session, viewer: Viewer, filters: OverviewFilters) -> Overview:
    """Rows of schools, columns of areas: the latest agreed view of each, filtered."""
    visibility = Visibility(session, viewer)
    schools = visible_schools(session, viewer)
    ids = [s.id for s in schools]
    categories = category_history(session, ids)
    teams = school_reviewers(session, ids)
    columns = viewer.columns()
    # Only the latest view and the one before are shown: the database picks them.
    judgements = recent_agreed_judgements(session, visibility, ids, columns)
    # Each column looks only at its own criteria's (or framework's) judgements.
    by_criterion: dict[str, list[AgreedJudgement]] = defaultdict(list)
    by_framework: dict[str, list[AgreedJudgement]] = defaultdict(list)
    for judgement in judgements:
        by_criterion[judgement.criterion_id].append(judgement)
        by_framework[judgement.review.framework_id].append(judgement)
    views = {
        c.key: column_views(
            c,
            by_framework.get(c.framework, [])
            if c.framework is not None
            else [j for criterion in sorted(c.criteria) for j in by_criterion.get(criterion, [])],
            visibility.titles,
        )
        for c in columns
    }
    people = dict(
        session.exec(
            select(models.Person.id, models.Person.name).where(
                col(models.Person.id).in_(sorted({p for team in teams.values() for p in team}))
            )
        ).all()
    )
    overview = Overview(
        columns=columns,
        rows=[],
        phases=sorted({s.phase for s in schools}),
        local_authorities=sorted({s.local_authority for s in schools if s.local_authority}),
        categories=sorted(
            {(h[-1].level_key, h[-1].label) for h in categories.values() if h},
            key=lambda kv: kv[1],
        ),
        reviewers=sorted(people.items(), key=lambda kv: kv[1]),
        total_schools=len(schools),
    )
    for school in schools:
        latest = categories.get(school.id, [])
        category = latest[-1] if latest else None
        if filters.phase and school.phase != filters.phase:
            continue
        if filters.local_authority and school.local_authority != filters.local_authority:
            continue
        if filters.category and (category is None or category.level_key != filters.category):
            continue
        if filters.reviewer and filters.reviewer not in teams.get(school.id, set()):
            continue
        cells: dict[str, Cell | None] = {}
        for column in columns:
            history = views[column.key].get(school.id)
            cells[column.key] = history[-1] if history else None
        overview.rows.append(OverviewRow(school=school, cells=cells, category=category))
    overview.shown_schools = len(overview.rows)
    return overview


@dataclass(slots=True)
class ReviewDetail:
    """One review as the console shows the evidence behind a cell."""

    review: models.Review
    visit: models.Visit
    school: models.School
    framework_title: str
    team: list[tuple[str, str]]
    #: (criterion id, criterion title, level label, level tone, rationale)
    judgements: list[tuple[str, str, str, str, str]]
    notes: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    follow_ups: list[dict[str, Any]]
    #: How many records shown are restricted safeguarding detail (logged when above 0).
    restricted_shown: int = 0
    #: The school shares the report with the school only and the viewer is off the team: only
    #: the judgement summary is shown.
    summary_only: bool = False


@cache
def _criteria_of(framework_id: str, version: str) -> dict[str, tuple[str, dict[str, Level]]]:
    """Criterion id -> (title, its scale's levels) from the built-in framework, if known."""
    framework = built_in_framework(framework_id, version)
    if framework is None:
        return {}
    found: dict[str, tuple[str, dict[str, Level]]] = {}
    for _section, criterion, scale in framework.walk():
        if scale is None:
            found[criterion.id] = (criterion.title, {})
            continue
        top = max((lv.rank for lv in scale.levels if lv.rank is not None), default=0)
        levels = {
            lv.key: Level(lv.key, lv.label, lv.rank, _tone(lv.rank, top)) for lv in scale.levels
        }
        found[criterion.id] = (criterion.title, levels)
    return found


def review_detail(session: Session, viewer: Viewer, review_id: str) -> ReviewDetail | None:
    """The review if ``viewer`` may see it (its school and framework), its restricted parts left
    out for those who may not see them; None otherwise."""
    review = session.get(models.Review, review_id)
    visit = session.get(models.Visit, review.visit_id) if review else None
    school = session.get(models.School, visit.school_id) if visit else None
    if review is None or visit is None or school is None:
        return None
    if school.id not in {s.id for s in visible_schools(session, viewer)}:
        return None
    visibility = Visibility(session, viewer)
    if not visibility.framework(review.framework_id):
        return None
    restriction = visibility.restriction(review.framework_id)
    sensitive = review.framework_id in visibility.safeguarding_frameworks
    if viewer.safeguarding and not sensitive:
        rows = session.exec(
            select(models.RestrictedItem).where(
                models.RestrictedItem.framework_id == review.framework_id
            )
        ).all()
        marker = Restriction(
            criteria=frozenset(r.item_id for r in rows if r.kind == "criterion"),
            fields=frozenset(r.item_id for r in rows if r.kind == "field"),
        )
    else:
        marker = Restriction()
    records = session.exec(
        select(models.Record)
        .where(models.Record.review_id == review.id, col(models.Record.retracted).is_(False))
        .order_by(col(models.Record.server_seq))
    ).all()
    summary_only = bool(shared_with_the_school_only(session, viewer, {review.id: visit.id}))
    if summary_only:
        records = [r for r in records if r.entity == Entity.JUDGEMENT.value]
    criteria = _criteria_of(review.framework_id, review.framework_version)
    agreed: dict[str, dict[str, Any]] = {}
    notes, actions, follow_ups = [], [], []
    restricted_shown = 0
    for record in records:
        payload = record.payload if isinstance(record.payload, dict) else {}
        if restriction.hides(record.entity, None, payload):
            continue
        shown_restricted = sensitive or marker.hides(record.entity, None, payload)
        if viewer.safeguarding and shown_restricted and record.entity != "review":
            restricted_shown += 1
        if record.entity == Entity.JUDGEMENT.value and payload.get("agreed") is True:
            agreed[str(payload.get("criterion_id"))] = payload
        elif record.entity == Entity.EVIDENCE_NOTE.value:
            notes.append(payload)
        elif record.entity == Entity.ACTION.value:
            actions.append(payload)
        elif record.entity == Entity.ACTION_FOLLOW_UP.value:
            follow_ups.append(payload)
    judgements = []
    order = list(criteria)
    for criterion_id, payload in sorted(
        agreed.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
    ):
        title, levels = criteria.get(criterion_id, (criterion_id, {}))
        key = str(payload.get("level_key") or "")
        level = levels.get(key, Level(key, key or "Not judged", None, "none"))
        rationale = "" if summary_only else str(payload.get("rationale") or "")
        judgements.append((criterion_id, title, level.label, level.tone, rationale))
    team = [
        (name, role)
        for name, role in session.exec(
            select(models.Person.name, models.VisitReviewer.role)
            .join(
                models.VisitReviewer, col(models.VisitReviewer.person_id) == col(models.Person.id)
            )
            .where(models.VisitReviewer.visit_id == visit.id)
            .order_by(col(models.Person.name))
        ).all()
    ]
    return ReviewDetail(
        review=review,
        visit=visit,
        school=school,
        framework_title=visibility.titles.get(review.framework_id, review.framework_id),
        team=team,
        judgements=judgements,
        notes=notes,
        actions=actions,
        follow_ups=follow_ups,
        restricted_shown=restricted_shown,
        summary_only=summary_only,
    )


# -- actions across the trust -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FollowUp:
    outcome: str
    label: str
    day: date
    evidence: str


@dataclass(slots=True)
class ActionEntry:
    """One action agreed at a visit, with how it stood at later visits."""

    id: str
    text: str
    owner: str
    due: date | None
    priority: str
    theme: str
    criterion_id: str | None
    school: models.School
    review: ReviewRow
    framework_title: str
    safeguarding: bool
    trail: list[FollowUp] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``met`` once a later visit found it met, else ``open``."""
        return "met" if self.trail and self.trail[-1].outcome == "met" else "open"

    def overdue(self, today: date) -> bool:
        return self.status == "open" and self.due is not None and self.due < today


FOLLOW_UP_LABELS = {"met": "Met", "partly_met": "Partly met", "not_met": "Not met"}


@dataclass(frozen=True, slots=True)
class ActionFilters:
    school: str = ""
    owner: str = ""
    theme: str = ""
    #: ``open`` (default), ``overdue``, ``met`` or ``all``.
    status: str = "open"
    due_before: date | None = None


@dataclass(slots=True)
class ActionRegister:
    actions: list[ActionEntry]
    schools: list[tuple[str, str]]
    owners: list[str]
    themes: list[str]
    total: int
    overdue: int
    safeguarding_open: int


def _theme(criterion_id: str | None, framework_title: str) -> str:
    for column in COLUMNS:
        if criterion_id and criterion_id in column.criteria:
            return column.label
    return "Safeguarding" if framework_title == "Safeguarding audit" else framework_title


def trust_actions(session: Session, viewer: Viewer) -> list[ActionEntry]:
    """Every action the viewer may see across their schools, with its follow-up trail."""
    visibility = Visibility(session, viewer)
    schools = {s.id: s for s in visible_schools(session, viewer)}
    reviews = readable_reviews(session, visibility, schools)
    by_id = {r.review_id: r for r in reviews}
    if not by_id:
        return []
    actions: dict[str, ActionEntry] = {}
    follow_ups: list[tuple[ReviewRow, dict[str, Any]]] = []
    for review_id, entity, payload in session.exec(
        select(models.Record.review_id, models.Record.entity, models.Record.payload).where(
            col(models.Record.review_id).in_(sorted(by_id)),
            col(models.Record.entity).in_((Entity.ACTION.value, Entity.ACTION_FOLLOW_UP.value)),
            col(models.Record.retracted).is_(False),
        )
    ):
        review = by_id[review_id]
        if not isinstance(payload, dict):
            continue
        if entity == Entity.ACTION_FOLLOW_UP.value:
            follow_ups.append((review, payload))
            continue
        if not visibility.record(review.framework_id, entity, payload):
            continue
        criterion = payload.get("criterion_id")
        title = visibility.titles.get(review.framework_id, review.framework_id)
        due = payload.get("due")
        sensitive = review.framework_id in visibility.safeguarding_frameworks or bool(
            criterion and SAFEGUARDING_VIEW.hides(Entity.ACTION.value, None, payload)
        )
        if viewer.safeguarding and not sensitive:
            # Restricted parts of an open framework count as safeguarding too.
            restricted = _restricted_items(session, review.framework_id)
            sensitive = restricted.hides(Entity.ACTION.value, None, payload)
        actions[str(payload.get("id"))] = ActionEntry(
            id=str(payload.get("id")),
            text=str(payload.get("text", "")),
            owner=str(payload.get("owner", "")),
            due=date.fromisoformat(due) if isinstance(due, str) and due else None,
            priority=str(payload.get("priority", "")),
            theme=_theme(criterion if isinstance(criterion, str) else None, title),
            criterion_id=criterion if isinstance(criterion, str) else None,
            school=schools[review.school_id],
            review=review,
            framework_title=title,
            safeguarding=sensitive,
        )
    for review, payload in sorted(
        follow_ups, key=lambda f: (f[0].visit_end, str(f[1].get("recorded_at")))
    ):
        action = actions.get(str(payload.get("action_id")))
        if action is None:  # an action the viewer may not see
            continue
        outcome = str(payload.get("outcome", ""))
        action.trail.append(
            FollowUp(
                outcome=outcome,
                label=FOLLOW_UP_LABELS.get(outcome, outcome),
                day=review.visit_end,
                evidence=str(payload.get("evidence", "")),
            )
        )
    return list(actions.values())


@cache
def _restricted_items_cached(framework_id: str, rows: tuple[tuple[str, str], ...]) -> Restriction:
    return Restriction(
        criteria=frozenset(i for k, i in rows if k == "criterion"),
        fields=frozenset(i for k, i in rows if k == "field"),
    )


def _restricted_items(session: Session, framework_id: str) -> Restriction:
    rows = session.exec(
        select(models.RestrictedItem.kind, models.RestrictedItem.item_id).where(
            models.RestrictedItem.framework_id == framework_id
        )
    ).all()
    return _restricted_items_cached(framework_id, tuple(sorted(rows)))


def action_register(
    session: Session, viewer: Viewer, filters: ActionFilters, today: date
) -> ActionRegister:
    """The trust's actions, filtered: safeguarding pinned (for those who may see it), then
    overdue first, then by due date."""
    everything = trust_actions(session, viewer)
    shown = []
    for action in everything:
        if filters.school and action.school.id != filters.school:
            continue
        if filters.owner and action.owner != filters.owner:
            continue
        if filters.theme and action.theme != filters.theme:
            continue
        if filters.status == "open" and action.status != "open":
            continue
        if filters.status == "met" and action.status != "met":
            continue
        if filters.status == "overdue" and not action.overdue(today):
            continue
        if filters.due_before and (action.due is None or action.due > filters.due_before):
            continue
        shown.append(action)
    shown.sort(
        key=lambda a: (
            not (a.safeguarding and a.status == "open"),
            not a.overdue(today),
            a.due or date.max,
            a.school.name,
        )
    )
    return ActionRegister(
        actions=shown,
        schools=sorted({(a.school.id, a.school.name) for a in everything}, key=lambda kv: kv[1]),
        owners=sorted({a.owner for a in everything if a.owner}),
        themes=sorted({a.theme for a in everything}),
        total=len(everything),
        overdue=sum(a.overdue(today) for a in everything),
        safeguarding_open=sum(a.safeguarding and a.status == "open" for a in everything),
    )


# -- signed reports received -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """A signed report the trust holds (each signature arrives as a new, immutable copy)."""

    record_id: str
    review: ReviewRow
    school: models.School
    framework_title: str
    sha256: str
    size: int
    audience: str
    sent_by: str
    received_at: datetime | None
    safeguarding: bool
    #: Why the viewer may not download it (a sentence for the page); "" when they may.
    withheld: str = ""


def shared_with_the_school_only(
    session: Session, viewer: Viewer, visits: Mapping[str, str]
) -> set[str]:
    """Of ``visits`` (review id: its visit id), the reviews whose report the school chose to
    keep from the trust ("who may see this report": the school only) and whose visit team the
    viewer is not on: the viewer gets their judgement summary (agreed levels, no rationale), not
    their report body, evidence or signed reports (:mod:`.report_sharing`, as for laptops)."""
    from reviewer_app.server.report_sharing import SCHOOL_ONLY, SHARING_FIELD

    by_id = dict(visits)
    if not by_id:
        return set()
    chosen = session.exec(
        select(models.FieldState).where(
            col(models.FieldState.review_id).in_(sorted(by_id)),
            models.FieldState.entity == Entity.FIELD_VALUE.value,
            models.FieldState.field == SHARING_FIELD,
        )
    ).all()
    school_only = {
        c.review_id for c in chosen if c.entity_id == c.review_id and c.value == SCHOOL_ONLY
    }
    if not school_only:
        return set()
    on_team = set(
        session.exec(
            select(models.VisitReviewer.visit_id).where(
                models.VisitReviewer.person_id == viewer.person.id
            )
        ).all()
    )
    return {r for r in school_only if by_id[r] not in on_team}


def signed_reports(
    session: Session, viewer: Viewer, *, held_back: bool = False
) -> list[ReportEntry]:
    """Every signed report of a review the viewer may see, newest first: those the viewer may
    download, and with ``held_back`` those they may not, each saying why (``withheld``). The
    rule is :func:`.report_sharing.withheld_report`: a report of a safeguarding framework, the
    full internal report of a framework with restricted parts, and every report but the board
    summary of a framework that judges safeguarding are for safeguarding roles only. A report
    the school chose to share with the school only is for the visit's team only
    (:func:`shared_with_the_school_only`), and not listed to others at all."""
    visibility = Visibility(session, viewer)
    schools = {s.id: s for s in visible_schools(session, viewer)}
    reviews = {r.review_id: r for r in readable_reviews(session, visibility, schools)}
    visits = {r.review_id: r.visit_id for r in reviews.values()}
    for withheld in shared_with_the_school_only(session, viewer, visits):
        del reviews[withheld]
    if not reviews:
        return []
    rows = session.exec(
        select(models.Record, models.AppliedOp.applied_at)
        .join(
            models.AppliedOp,
            col(models.AppliedOp.op_id) == col(models.Record.op_id),
            isouter=True,
        )
        .where(
            col(models.Record.review_id).in_(sorted(reviews)),
            models.Record.entity == Entity.SIGNED_REPORT.value,
        )
    ).all()
    names = dict(session.exec(select(models.Person.id, models.Person.name)).all())
    frameworks = {
        key: report_framework(session, *key)
        for key in {(r.framework_id, r.framework_version) for r in reviews.values()}
    }
    found = []
    for record, applied_at in rows:
        payload = record.payload if isinstance(record.payload, dict) else {}
        review = reviews[record.review_id]
        audience = str(payload.get("audience", ""))
        framework = frameworks[(review.framework_id, review.framework_version)]
        sensitive = bool(withheld_report(payload, framework, safeguarding_reader=False))
        why = withheld_report(payload, framework, safeguarding_reader=viewer.safeguarding)
        if why and not held_back:
            continue
        found.append(
            ReportEntry(
                record_id=record.entity_id,
                review=review,
                school=schools[review.school_id],
                framework_title=visibility.titles.get(review.framework_id, review.framework_id),
                sha256=record.blob_sha256 or str(payload.get("sha256", "")),
                size=int(payload.get("size") or 0),
                audience=audience,
                sent_by=names.get(record.author_id, ""),
                received_at=applied_at,
                safeguarding=sensitive,
                withheld=why,
            )
        )
    found.sort(key=lambda r: (r.review.visit_end, r.received_at or datetime.min), reverse=True)
    return found
