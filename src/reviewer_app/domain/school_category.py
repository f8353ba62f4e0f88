"""A school's agreed category under its trust's categorisation scheme, and the support it implies.

Categories are agreed by people (the lead reviewer or the trust's central team), never set by
the app: a record keeps the category, who agreed it and when, their rationale, and the scheme's
suggestion with the review outcomes it rested on at that moment. Records are append-only; the
newest one under the trust's scheme is the school's current category.

:func:`support_due` turns a level's support cadence into next-due dates: an item carried out by
a kind of visit falls due its interval after the school's last such visit (or at once when there
has been none); any other item (a CEO 1:1, a progress meeting) falls due its interval after the
last meeting note of that activity where meeting notes are kept (the trust console), and
otherwise repeats from the agreed date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from reviewer_app.domain.organisation import Role
from reviewer_app.domain.visits import Visit, VisitStatus

if TYPE_CHECKING:  # annotations only: this module stays light for the school page
    from reviewer_app.domain.frameworks.categorisation import CadenceItem, CategoryLevel, Outcome


#: Roles that may agree a school's category: the lead reviewer and the trust's central team.
#: The app offers agreeing only to them and the trust server refuses anyone else's category.
AGREEING_ROLES = frozenset({Role.LEAD_REVIEWER, Role.TRUST_ADMIN})


@dataclass(frozen=True, slots=True)
class BasisOutcome:
    """One review outcome a suggestion rested on, with the review it came from."""

    outcome: Outcome
    review_id: str = ""
    visit_date: date | None = None

    def describe(self, framework_titles: Mapping[str, str] | None = None) -> str:
        """E.g. "Safeguarding (Health check, 3 Mar 2026): Met" (see :meth:`Outcome.describe`)."""
        text = self.outcome.describe(framework_titles)
        if self.visit_date is None:
            return text
        name, _, level = text.rpartition(": ")
        when = format_day(self.visit_date)
        if name.endswith(")"):
            return f"{name[:-1]}, {when}): {level}"
        return f"{name} ({when}): {level}"


@dataclass(frozen=True, slots=True)
class SchoolCategory:
    """One agreed category of a school (append-only history)."""

    id: str
    school_id: str
    scheme_id: str
    scheme_version: str
    level_key: str
    level_label: str
    agreed_on: date
    agreed_by: str  # person id
    rationale: str
    recorded_at: datetime
    suggested_level_key: str | None = None
    suggestion: str = ""  # the suggestion as it was explained when the category was agreed
    based_on: tuple[BasisOutcome, ...] = ()


@dataclass(frozen=True, slots=True)
class SupportDue:
    """When one piece of support a category implies is next due."""

    item: CadenceItem
    due: date
    last_done: date | None = None  # the last visit that carried it out, if the app records it
    planned: date | None = None  # the next planned visit that carries it out, if any
    #: False for a meeting where meetings are not known (it repeats from the agreed date).
    recorded: bool = True

    def overdue(self, today: date) -> bool:
        return self.planned is None and self.due < today

    def describe(self, today: date) -> str:
        """E.g. "External health check: yearly; next due 3 Mar 2027 (last 3 Mar 2026)"."""
        head = f"{self.item.activity}: {self.item.every}"
        if self.planned is not None:
            return f"{head}; next planned for {format_day(self.planned)}"
        when = "overdue since" if self.overdue(today) else "next due"
        text = f"{head}; {when} {format_day(self.due)}"
        if self.recorded:
            text += f" (last {format_day(self.last_done)})" if self.last_done else " (none yet)"
        return text


@dataclass(frozen=True, slots=True)
class RecordedVisit:
    """What :func:`support_due` needs of a visit: its kind, its date, whether it happened."""

    framework_id: str
    start: date
    happened: bool


def recorded_visits(visits: Iterable[Visit]) -> list[RecordedVisit]:
    """The school's visits as :func:`support_due` counts them (cancelled ones do not count)."""
    return [
        RecordedVisit(
            framework_id=v.framework_id,
            start=v.start,
            happened=v.status is not VisitStatus.PLANNED,
        )
        for v in visits
        if v.status is not VisitStatus.CANCELLED
    ]


def format_day(day: date) -> str:
    """'3 Mar 2026'."""
    return f"{day.day} {day:%b %Y}"


def support_due(
    level: CategoryLevel,
    agreed_on: date,
    visits: Iterable[RecordedVisit],
    today: date,
    meetings: Mapping[str, Iterable[date]] | None = None,
) -> tuple[SupportDue, ...]:
    """Next-due dates of every item of ``level``'s support cadence, in the scheme's order.

    ``meetings`` (activity -> the days a meeting of it was held), where meetings are recorded,
    makes an item with no framework fall due after its last meeting, as a visit does."""
    visits = list(visits)
    found = []
    for item in level.support_cadence:
        interval = timedelta(weeks=item.every_weeks)
        if item.framework is None and meetings is not None:
            held = [d for d in meetings.get(item.activity, ()) if d <= today]
            last = max(held) if held else None
            due = last + interval if last is not None else agreed_on
            found.append(SupportDue(item=item, due=due, last_done=last))
            continue
        if item.framework is None:
            due = agreed_on
            while due < today:
                due += interval
            found.append(SupportDue(item=item, due=due, recorded=False))
            continue
        same = [v for v in visits if v.framework_id == item.framework]
        done = [v.start for v in same if v.happened and v.start <= today]
        ahead = [v.start for v in same if not v.happened and v.start >= today]
        last = max(done) if done else None
        # With no such visit on record, it is due from the day the category was agreed.
        due = last + interval if last is not None else agreed_on
        found.append(
            SupportDue(item=item, due=due, last_done=last, planned=min(ahead) if ahead else None)
        )
    return tuple(found)


def next_agreement_due(agreed_on: date, every_weeks: int | None) -> date | None:
    """When the category should be agreed again, if the scheme says how often."""
    return None if every_weeks is None else agreed_on + timedelta(weeks=every_weeks)
