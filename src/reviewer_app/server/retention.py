"""Retention: how long the trust keeps each kind of record, legal holds, and the purge.

The schedule and its sources are in ``docs/data-protection/retention.md``. A visit is the unit
of purge: when the end of the academic year of its last day plus the period of its framework
has passed, and no legal hold covers its school or any of its reviews, the visit, its reviews
and everything they hold (records, answers, conflicts, the feed, signed reports) leave the
database, and the files only they used leave the blob store. What went is kept as a minimal
tombstone (ids, counts and file hashes, the rule, when and by whom; never content), signed
with the server's tombstone key (Ed25519, :class:`TombstoneKey`), so that a later reader can
tell the record was not edited. Laptops receive the purged review ids in the handshake and
remove their copies (:mod:`reviewer_app.services.local_expiry`).

Audit log entries older than their period are purged the same way (one tombstone per run).

This module is the schedule (rules, holds, and the :func:`plan` of what is due); the purge, the
tombstones and their key are in :mod:`reviewer_app.server.retention_purge`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.domain.ids import new_id
from reviewer_app.server import audit, models
from reviewer_app.server.audit import SYSTEM, Actor

log = logging.getLogger(__name__)

REVIEWS = "reviews"
SAFEGUARDING_REVIEWS = "safeguarding reviews"
AUDIT_LOG = "audit log"
SIGN_IN_RECORDS = "sign-in records"
LAPTOP_COPIES = "laptop copies"
#: A framework's own period: ``framework:<framework id>``.
FRAMEWORK_SCOPE = "framework:"


@dataclass(frozen=True, slots=True)
class Default:
    """A scope's default period and where it comes from (said wherever the rule is shown)."""

    period: int
    unit: str
    source: str


#: The defaults, from the IRMS Information Management Toolkit for Schools (see the docs page,
#: which gives each line and reasoning; the trust checks them against its own edition).
DEFAULTS: dict[str, Default] = {
    REVIEWS: Default(
        6,
        "years",
        "IRMS toolkit for schools: school improvement and self-evaluation records, "
        "current year + 6 years",
    ),
    SAFEGUARDING_REVIEWS: Default(
        10,
        "years",
        "IRMS toolkit for schools and KCSIE: safeguarding records about staff are kept 10 "
        "years at least (allegations: retirement age or 10 years); kept longer than other "
        "reviews because an audit may be evidence in a later case",
    ),
    AUDIT_LOG: Default(
        6, "years", "UK GDPR accountability; Limitation Act 1980 six-year period for claims"
    ),
    SIGN_IN_RECORDS: Default(
        1,
        "years",
        "security records (enrolment codes, console sign-in links and sessions) are no longer "
        "needed once used or expired; kept a year for investigating an incident",
    ),
    LAPTOP_COPIES: Default(
        365,
        "days",
        "storage limitation (UK GDPR Art. 5(1)(e)): the server keeps the record; a laptop "
        "needs only current work",
    ),
}
_LIMITS = {"years": (1, 100), "days": (1, 3650)}
#: Reviews older than this many days are dropped only if synced and signed; the laptop reads it.


# ---------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class Rule:
    scope: str
    label: str
    period: int
    unit: str
    source: str
    #: True when the trust set it (else the default applies).
    set_by_trust: bool

    @property
    def text(self) -> str:
        period = f"{self.period} {self.unit if self.period != 1 else self.unit[:-1]}"
        return f"{self.label}: {period}"


def _label(session: Session, scope: str) -> str:
    if scope.startswith(FRAMEWORK_SCOPE):
        framework_id = scope.removeprefix(FRAMEWORK_SCOPE)
        framework = session.get(models.Framework, framework_id)
        return f"Reviews with {(framework.title if framework else '') or framework_id}"
    return scope[:1].upper() + scope[1:]


def _check_scope(session: Session, scope: str) -> Default:
    if scope in DEFAULTS:
        return DEFAULTS[scope]
    if scope.startswith(FRAMEWORK_SCOPE):
        framework_id = scope.removeprefix(FRAMEWORK_SCOPE)
        framework = session.get(models.Framework, framework_id)
        if framework is None:
            raise NotFoundError(
                f"There is no framework {framework_id}, so it cannot have a retention period.",
                hint="'reviewer-app-server admin retention show' lists the frameworks.",
            )
        return DEFAULTS[SAFEGUARDING_REVIEWS if framework.safeguarding else REVIEWS]
    known = ", ".join(f"'{s}'" for s in DEFAULTS)
    raise ValidationError(
        f"'{scope}' is not something with a retention period.",
        hint=f"Use one of {known}, or 'framework:ID' for one framework.",
    )


def rule(session: Session, trust_id: str, scope: str) -> Rule:
    """The period in force for ``scope`` (the trust's, else the default)."""
    default = _check_scope(session, scope)
    row = session.get(models.RetentionRule, (trust_id, scope))
    if row is None and scope.startswith(FRAMEWORK_SCOPE):
        # A framework without its own period follows the reviews (or safeguarding) line.
        framework = session.get(models.Framework, scope.removeprefix(FRAMEWORK_SCOPE))
        general = SAFEGUARDING_REVIEWS if framework and framework.safeguarding else REVIEWS
        inherited = rule(session, trust_id, general)
        return Rule(
            scope, _label(session, scope), inherited.period, inherited.unit, f"as {general}", False
        )
    if row is None:
        return Rule(
            scope, _label(session, scope), default.period, default.unit, default.source, False
        )
    return Rule(
        scope,
        _label(session, scope),
        row.period,
        default.unit,
        f"set by {row.set_by} on {row.set_at:%d %B %Y}",
        True,
    )


def rules(session: Session, trust_id: str) -> list[Rule]:
    """Every scope's period: the general lines, then each framework."""
    scopes = list(DEFAULTS)
    scopes += [
        FRAMEWORK_SCOPE + f
        for f in session.exec(select(models.Framework.id).order_by(col(models.Framework.id)))
    ]
    return [rule(session, trust_id, scope) for scope in scopes]


def set_rule(
    session: Session, trust_id: str, scope: str, period: int | None, *, actor: Actor = SYSTEM
) -> Rule:
    """Set the trust's period for ``scope`` (``None``: back to the default)."""
    default = _check_scope(session, scope)
    _need_trust(session, trust_id)
    row = session.get(models.RetentionRule, (trust_id, scope))
    if period is None:
        if row is not None:
            session.delete(row)
        what = "the default"
    else:
        low, high = _LIMITS[default.unit]
        if not low <= period <= high:
            raise ValidationError(
                f"A retention period for {scope} of {period} {default.unit} is out of range.",
                hint=f"Give from {low} to {high} {default.unit}.",
            )
        if row is None:
            row = models.RetentionRule(
                trust_id=trust_id,
                scope=scope,
                period=period,
                set_by=actor.name[:200],
                set_at=datetime.now(UTC),
            )
        row.period, row.set_by, row.set_at = period, actor.name[:200], datetime.now(UTC)
        session.add(row)
        what = f"{period} {default.unit}"
    session.flush()
    audit.record(
        session,
        actor,
        "retention.set",
        f"Set the retention period of {scope} to {what}",
        trust_id=trust_id,
        subject_id=scope[:128],
    )
    return rule(session, trust_id, scope)


def laptop_keep_days(session: Session, trust_id: str) -> int:
    """How long a laptop keeps a synced and signed review (days after its last signature)."""
    return rule(session, trust_id, LAPTOP_COPIES).period


def _need_trust(session: Session, trust_id: str) -> models.Trust:
    trust = session.get(models.Trust, trust_id)
    if trust is None:
        raise NotFoundError(f"There is no trust {trust_id}.", hint="Check the id and retry.")
    return trust


# ---------------------------------------------------------------------- legal holds


def place_hold(
    session: Session,
    trust_id: str,
    *,
    school_id: str | None = None,
    review_id: str | None = None,
    reason: str,
    actor: Actor = SYSTEM,
) -> models.LegalHold:
    """Stop any purge of a school's reviews (or of one review) until the hold is lifted."""
    _need_trust(session, trust_id)
    if (school_id is None) == (review_id is None):
        raise ValidationError(
            "A legal hold is on one school or on one review.",
            hint="Give --school SCHOOL or --review REVIEW.",
        )
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(
            "A legal hold needs its reason (an inquiry, a claim, a request).", hint="Give --reason."
        )
    if school_id is not None:
        school = session.get(models.School, school_id)
        if school is None or school.trust_id != trust_id:
            raise NotFoundError(
                f"There is no school {school_id} in this trust.", hint="Check the id and retry."
            )
        what = f"the school {school.name}"
    else:
        review = session.get(models.Review, review_id)
        if review is None or _trust_of_review(session, review) != trust_id:
            raise NotFoundError(
                f"There is no review {review_id} in this trust.", hint="Check the id and retry."
            )
        what = f"the review {review_id}"
    hold = models.LegalHold(
        id=new_id(),
        trust_id=trust_id,
        school_id=school_id,
        review_id=review_id,
        reason=reason[:500],
        placed_by=actor.name[:200],
        placed_at=datetime.now(UTC),
    )
    session.add(hold)
    session.flush()
    audit.record(
        session,
        actor,
        "retention.hold_placed",
        f"Placed a legal hold on {what}: {reason}",
        trust_id=trust_id,
        subject_id=hold.id,
    )
    return hold


def lift_hold(session: Session, hold_id: str, *, actor: Actor = SYSTEM) -> models.LegalHold:
    hold = session.get(models.LegalHold, hold_id)
    if hold is None or hold.lifted_at is not None:
        raise NotFoundError(
            f"There is no legal hold {hold_id} in force.",
            hint="'reviewer-app-server admin retention holds' lists them.",
        )
    hold.lifted_at, hold.lifted_by = datetime.now(UTC), actor.name[:200]
    session.add(hold)
    audit.record(
        session,
        actor,
        "retention.hold_lifted",
        f"Lifted the legal hold placed {hold.placed_at:%d %B %Y} ({hold.reason})",
        trust_id=hold.trust_id,
        subject_id=hold.id,
    )
    return hold


def holds(session: Session, trust_id: str) -> list[models.LegalHold]:
    """The holds in force, oldest first."""
    return list(
        session.exec(
            select(models.LegalHold)
            .where(models.LegalHold.trust_id == trust_id, col(models.LegalHold.lifted_at).is_(None))
            .order_by(col(models.LegalHold.placed_at))
        )
    )


def hold_text(session: Session, hold: models.LegalHold) -> str:
    if hold.school_id is not None:
        school = session.get(models.School, hold.school_id)
        what = school.name if school else hold.school_id
    else:
        what = f"review {hold.review_id}"
    return f"{what}: {hold.reason} (placed by {hold.placed_by} on {hold.placed_at:%d %B %Y})"


def _trust_of_review(session: Session, review: models.Review) -> str | None:
    visit = session.get(models.Visit, review.visit_id)
    school = session.get(models.School, visit.school_id) if visit else None
    return school.trust_id if school else None


# ---------------------------------------------------------------------- the plan


def academic_year_end(day: date) -> date:
    """31 August of the academic year ``day`` falls in (September starts the next)."""
    return date(day.year if day.month <= 8 else day.year + 1, 8, 31)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, slots=True)
class DueVisit:
    """A visit whose period has run out: what would go, and why."""

    visit_id: str
    school_id: str
    school_name: str
    framework_id: str
    framework_title: str
    last_day: date
    due_since: date
    rule: Rule
    review_ids: tuple[str, ...]
    rows: dict[str, int]
    files: tuple[str, ...]
    #: The holds that keep it (empty: it goes).
    held_by: tuple[str, ...] = ()

    @property
    def why(self) -> str:
        return (
            f"{self.rule.text} after the end of the academic year of "
            f"{self.last_day:%d %B %Y}; due since {self.due_since:%d %B %Y}"
        )

    @property
    def label(self) -> str:
        return f"{self.school_name}: {self.framework_title} visit of {self.last_day:%d %B %Y}"


@dataclass(frozen=True, slots=True)
class DatedRecords:
    """Records of one scope older than its period (audit log entries, sign-in records)."""

    scope: str
    words: str
    rule: Rule
    before: date
    rows: dict[str, int]

    @property
    def count(self) -> int:
        return sum(self.rows.values())

    @property
    def why(self) -> str:
        return f"{self.rule.text} after the record"

    @property
    def label(self) -> str:
        return f"{self.count} {self.words} from before {self.before:%d %B %Y}"


@dataclass(frozen=True, slots=True)
class Plan:
    trust_id: str
    today: date
    due: list[DueVisit] = field(default_factory=list)
    held: list[DueVisit] = field(default_factory=list)
    #: Old audit log entries and sign-in records (only those with something due).
    dated: list[DatedRecords] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What would go and why, then what a hold keeps (the dry run's output)."""
        out = [f"Due for deletion on {self.today:%d %B %Y} under the retention schedule:"]
        if not self.due and not self.dated:
            out.append("  nothing")
        for item in self.due:
            files = f", {len(item.files)} file(s)" if item.files else ""
            records = sum(item.rows.values())
            out.append(
                f"  {item.label} ({len(item.review_ids)} review(s), {records} row(s)"
                f"{files}): {item.why}"
            )
        out += [f"  {records.label}: {records.rule.text}" for records in self.dated]
        if self.held:
            out.append("Kept by a legal hold although due:")
            for item in self.held:
                out.append(f"  {item.label}: {'; '.join(item.held_by)}")
        return out


REVIEW_TABLES: tuple[type[Any], ...] = (
    models.ChangeLog,
    models.AppliedOp,
    models.Record,
    models.FieldState,
    models.Conflict,
)


def plan(session: Session, trust_id: str, today: date | None = None) -> Plan:
    """What the schedule says must go on ``today`` (nothing is changed)."""
    _need_trust(session, trust_id)
    today = today or datetime.now(UTC).date()
    in_force = holds(session, trust_id)
    due: list[DueVisit] = []
    held: list[DueVisit] = []
    visits = session.exec(
        select(models.Visit, models.School)
        .join(models.School, col(models.School.id) == col(models.Visit.school_id))
        .where(models.School.trust_id == trust_id)
        .order_by(col(models.Visit.planned_end), col(models.Visit.id))
    ).all()
    rules_by_framework: dict[str, Rule] = {}
    for visit, school in visits:
        if visit.framework_id not in rules_by_framework:
            rules_by_framework[visit.framework_id] = rule(
                session, trust_id, FRAMEWORK_SCOPE + visit.framework_id
            )
        applies = rules_by_framework[visit.framework_id]
        due_since = _add_years(academic_year_end(visit.planned_end), applies.period)
        if today <= due_since:
            continue
        item = _due_visit(session, visit, school, applies, due_since + timedelta(days=1))
        holding = tuple(
            hold_text(session, h)
            for h in in_force
            if h.school_id == school.id
            or (h.review_id is not None and h.review_id in item.review_ids)
        )
        if holding:
            held.append(_with_holds(item, holding))
        else:
            due.append(item)
    dated = [d for d in (_dated(session, trust_id, scope, today) for scope in DATED) if d.count]
    return Plan(trust_id, today, due, held, dated)


#: The dated records each scope covers: (table, its time column, words).
DATED: dict[str, tuple[str, list[tuple[type[Any], str]]]] = {
    AUDIT_LOG: ("audit log entries", [(models.AuditEvent, "at")]),
    SIGN_IN_RECORDS: (
        "sign-in records (enrolment codes, console links and sessions)",
        [
            (models.EnrolmentCode, "expires_at"),
            (models.ConsoleLink, "expires_at"),
            (models.ConsoleSession, "last_seen_at"),
        ],
    ),
}


def dated_rows(trust_id: str, table: type[Any], column: str, before: datetime) -> Any:
    """The rows of ``table`` of the trust older than ``before`` (a WHERE clause)."""
    old = getattr(table, column) < before
    if table is models.AuditEvent:
        return (col(models.AuditEvent.trust_id) == trust_id) & old
    people = select(models.Person.id).where(models.Person.trust_id == trust_id)
    return col(table.person_id).in_(people) & old


def _dated(session: Session, trust_id: str, scope: str, today: date) -> DatedRecords:
    applies = rule(session, trust_id, scope)
    cutoff = _add_years(today, -applies.period)
    before = datetime.combine(cutoff, time(), tzinfo=UTC)
    words, tables = DATED[scope]
    rows: dict[str, int] = {}
    for table, column in tables:
        count = session.exec(
            select(func.count())
            .select_from(table)
            .where(dated_rows(trust_id, table, column, before))
        ).one()
        if count:
            rows[table.__tablename__] = int(count)
    return DatedRecords(scope, words, applies, cutoff, rows)


def _with_holds(item: DueVisit, holding: tuple[str, ...]) -> DueVisit:
    from dataclasses import replace

    return replace(item, held_by=holding)


def _due_visit(
    session: Session, visit: models.Visit, school: models.School, applies: Rule, due_since: date
) -> DueVisit:
    reviews = tuple(
        session.exec(
            select(models.Review.id)
            .where(models.Review.visit_id == visit.id)
            .order_by(col(models.Review.id))
        )
    )
    rows: dict[str, int] = {}
    for table in REVIEW_TABLES:
        count = session.exec(
            select(func.count()).select_from(table).where(col(table.review_id).in_(reviews))
        ).one()
        if count:
            rows[table.__tablename__] = int(count)
    rows["review"] = len(reviews)
    rows["visit_reviewer"] = int(
        session.exec(
            select(func.count())
            .select_from(models.VisitReviewer)
            .where(models.VisitReviewer.visit_id == visit.id)
        ).one()
    )
    rows["visit"] = 1
    files = _files_only_of(session, reviews)
    framework = session.get(models.Framework, visit.framework_id)
    return DueVisit(
        visit_id=visit.id,
        school_id=school.id,
        school_name=school.name,
        framework_id=visit.framework_id,
        framework_title=(framework.title if framework else "") or visit.framework_id,
        last_day=visit.planned_end,
        due_since=due_since,
        rule=applies,
        review_ids=reviews,
        rows={k: v for k, v in rows.items() if v},
        files=files,
    )


def _files_only_of(session: Session, review_ids: Sequence[str]) -> tuple[str, ...]:
    """The files (SHA-256) the reviews' records use and no other review's record does."""
    used = set(
        session.exec(
            select(models.Record.blob_sha256).where(
                col(models.Record.review_id).in_(review_ids),
                col(models.Record.blob_sha256).is_not(None),
            )
        )
    )
    if not used:
        return ()
    elsewhere = set(
        session.exec(
            select(models.Record.blob_sha256).where(
                col(models.Record.blob_sha256).in_(used),
                col(models.Record.review_id).not_in(review_ids),
            )
        )
    )
    return tuple(sorted(str(s) for s in used - elsewhere))
