"""The reviewer's "My work" (issue 17): what the person using this laptop has to do next, from
the laptop's own data, offline.

* **Visits coming up**: planned visits they are on the team of, soonest first.
* **Reports to sign**: reviews whose report waits for their signature now
  (:func:`~reviewer_app.services.signing_turns.waiting_for_my_signature`).
* **Actions to follow up**: open actions (not retracted, not found met at a later visit) agreed
  at visits they were on, overdue first; they follow them up at the school's next visit.
* **Support overdue**: the schools on this laptop whose category's support cadence is overdue
  (:meth:`~reviewer_app.services.school_categorisation.SchoolCategorisation.support_due`):
  visits as this laptop has them, meetings (a CEO 1:1) as the trust console recorded them at the
  last sync (:mod:`~reviewer_app.services.meetings_held`), by the rule the console's Cadence
  board uses (:func:`~reviewer_app.domain.school_category.support_due`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.organisation import School
from reviewer_app.domain.review import Action, FollowUpOutcome
from reviewer_app.domain.school_category import SupportDue
from reviewer_app.domain.visits import Visit, VisitStatus
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.visit_repository import VisitRepository


@dataclass(frozen=True, slots=True)
class VisitItem:
    visit: Visit
    school: School
    title: str  # the visit kind, e.g. "Health check"


@dataclass(frozen=True, slots=True)
class ActionItem:
    action: Action
    school: School
    agreed_at: VisitItem
    #: The newest follow-up's outcome ("Partly met", "Not met"), or "" when not followed up.
    last_outcome: str = ""

    def overdue(self, today: date) -> bool:
        return self.action.due is not None and self.action.due < today


@dataclass(frozen=True, slots=True)
class SupportItem:
    school: School
    category: str
    due: SupportDue


@dataclass(slots=True)
class MyWork:
    today: date
    coming_up: list[VisitItem] = field(default_factory=list)
    to_sign: list[VisitItem] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    support: list[SupportItem] = field(default_factory=list)
    #: The day of the sync that brought the meetings held with the schools; None when no sync
    #: has (this laptop cannot tell whether a meeting is overdue).
    meetings_as_of: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.coming_up or self.to_sign or self.actions or self.support)


_OUTCOMES = {
    FollowUpOutcome.PARTLY_MET: "Partly met",
    FollowUpOutcome.NOT_MET: "Not met",
}


def _title(workspace: Workspace, framework_id: str) -> str:
    try:
        return workspace.library().latest(framework_id).title
    except ReviewerError:
        return framework_id.replace("-", " ").capitalize()


def my_work(workspace: Workspace, today: date) -> MyWork:
    """What the person using this laptop has to do next (read on the caller's thread)."""
    from reviewer_app.services import meetings_held
    from reviewer_app.services.signing_turns import waiting_for_my_signature

    me = workspace.current_person
    schools = {s.id: s for s in workspace.list_schools("")}
    work = MyWork(today=today)
    with workspace.store.reading() as session:
        held = meetings_held.stored(session)
        work.meetings_as_of = held.as_of if held is not None else None
        visits = [
            v
            for v in VisitRepository(session).list_visits()
            if v.is_team_member(me.id) and v.school_id in schools
        ]
        items = {
            v.id: VisitItem(v, schools[v.school_id], _title(workspace, v.framework_id))
            for v in visits
        }
        work.coming_up = sorted(
            (
                items[v.id]
                for v in visits
                if v.status is VisitStatus.PLANNED and v.planned_end >= today
            ),
            key=lambda i: i.visit.start,
        )
        reviews = ReviewRepository(session)
        review_visit = {
            r.id: v.id
            for v in visits
            if v.status is not VisitStatus.CANCELLED
            for r in reviews.reviews_for_visit(v.id)
        }
        repository = ActionRepository(session)
        mine = [
            a
            for school_id in sorted({v.school_id for v in visits})
            for a in repository.actions_for_school(school_id)
            if not a.retracted and a.review_id in review_visit
        ]
        latest = {}
        for follow_up in repository.follow_ups_for_actions(a.id for a in mine):
            latest[follow_up.action_id] = follow_up  # oldest first: the newest wins
        work.actions = sorted(
            (
                ActionItem(
                    action=a,
                    school=schools[a.school_id],
                    agreed_at=items[review_visit[a.review_id]],
                    last_outcome=_OUTCOMES.get(latest[a.id].outcome, "") if a.id in latest else "",
                )
                for a in mine
                if a.id not in latest or latest[a.id].outcome is not FollowUpOutcome.MET
            ),
            key=lambda i: (not i.overdue(today), i.action.due or date.max, i.school.name),
        )
    work.to_sign = sorted(
        (items[v] for v in waiting_for_my_signature(workspace) if v in items),
        key=lambda i: i.visit.start,
    )
    for school in sorted(schools.values(), key=lambda s: s.name):
        try:
            overview = workspace.categories.overview(school.id, today)
        except ReviewerError:
            continue  # no scheme installed, or a category of an older scheme: nothing to say
        label = overview.current.level_label if overview.current else ""
        work.support += [
            SupportItem(school, label, due) for due in overview.support if due.overdue(today)
        ]
    return work
