"""A small trust of the tests' own: four schools, seven people, a few visits, one signed review
and the schools' tiers, plugged into the Workspace exactly as the demo trust is
(``services.workspace.BuiltInTrust``), so a GUI test that needs *a* trust does not depend on the
demo's content, and improving the demo never breaks it. It opens the demo's store file (its key
is public) with this content instead.

Everything a test may rely on is in the tables below, by name; a test that needs more adds a
row here (small and explicit) rather than reaching for the demo.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from reviewer_app.domain.frameworks import visibility
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.review import Action, Judgement, Priority, Review, ReviewState
from reviewer_app.domain.school_category import SchoolCategory
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.local_settings import (
    CURRENT_PERSON,
    CURRENT_TRUST,
    DEMO_CATEGORIES,
    DEMO_SEEDED,
    set_setting,
)
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.visit_repository import VisitRepository

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlmodel import Session

    from reviewer_app.paths import AppPaths
    from reviewer_app.services.signing_identity import TrustMaterial
    from reviewer_app.services.writer_lane import WriterLane
    from reviewer_app.storage.store import Store

TRUST_NAME = "Fixture Schools Trust"
#: The trust's profile: the four school improvement tiers (``frameworks/profiles``).
PROFILE = "four-tier-trust"

ALDER = "Alder Primary Academy"
BIRCHWOOD = "Birchwood Primary School"
CEDAR = "Cedar Park High School"
WILLOW = "Willow Special School"
#: (name, URN, phase, local authority, early years, sixth form)
SCHOOLS = (
    (ALDER, "900001", Phase.PRIMARY, "Leeds", True, False),
    (BIRCHWOOD, "900002", Phase.PRIMARY, "York", False, False),
    (CEDAR, "900003", Phase.SECONDARY, "Leeds", False, True),
    (WILLOW, "910004", Phase.SPECIAL, "Wakefield", True, True),
)

LEAD = "Lee Lead"  # the person using the laptop: a lead reviewer, no safeguarding role
PEER = "Pat Peer"
SECOND_PEER = "Sam Second"
SAFEGUARDING_LEAD = "Dana Lock"  # leads safeguarding audits; may read every audience
SAFEGUARDING_PEER = "Ash Guard"
PARTNER = "Ivy Partner"  # an improvement partner
ADMIN = "Ada Admin"  # the trust admin who agrees the schools' tiers
#: (name, roles); the first is the person using the laptop.
PEOPLE = (
    (LEAD, frozenset({Role.LEAD_REVIEWER})),
    (PEER, frozenset({Role.PEER_REVIEWER})),
    (SECOND_PEER, frozenset({Role.PEER_REVIEWER})),
    (SAFEGUARDING_LEAD, frozenset({Role.SAFEGUARDING_LEAD, Role.LEAD_REVIEWER})),
    (SAFEGUARDING_PEER, frozenset({Role.SAFEGUARDING_LEAD, Role.PEER_REVIEWER})),
    (PARTNER, frozenset({Role.IMPROVEMENT_PARTNER})),
    (ADMIN, frozenset({Role.TRUST_ADMIN})),
)

_WALK_TEAM = ((LEAD, Role.LEAD_REVIEWER), (PEER, Role.PEER_REVIEWER))
_PEER_REVIEW_TEAM = (
    (LEAD, Role.LEAD_REVIEWER),
    (PEER, Role.PEER_REVIEWER),
    (SECOND_PEER, Role.PEER_REVIEWER),
)
_AUDIT_TEAM = ((SAFEGUARDING_LEAD, Role.LEAD_REVIEWER), (SAFEGUARDING_PEER, Role.SAFEGUARDING_LEAD))
_PARTNER_TEAM = ((PARTNER, Role.IMPROVEMENT_PARTNER),)
#: Besides a signed learning walk 40+ days ago and a planned one 20+ days ahead at every school:
#: (school, framework, days from today (negative: past), status, team).
VISITS = (
    (ALDER, "half-termly-core-visit", 5, VisitStatus.PLANNED, _PARTNER_TEAM),
    (ALDER, "learning-walk", -5, VisitStatus.IN_PROGRESS, _WALK_TEAM),
    (BIRCHWOOD, "health-check", -15, VisitStatus.CANCELLED, _WALK_TEAM),
    (BIRCHWOOD, "two-day-peer-review", -60, VisitStatus.SIGNED, _PEER_REVIEW_TEAM),
    (CEDAR, "two-day-peer-review", 10, VisitStatus.PLANNED, _PEER_REVIEW_TEAM),
    (CEDAR, "learning-walk", 0, VisitStatus.IN_PROGRESS, _WALK_TEAM),
    (WILLOW, "safeguarding-audit", 12, VisitStatus.PLANNED, _AUDIT_TEAM),
)  # fmt: skip
#: The one review with content: Birchwood's signed two-day peer review, every criterion agreed
#: at the second-best level (met on a met / not met scale), with one action that is overdue by now.
SIGNED_REVIEW = (BIRCHWOOD, "two-day-peer-review")
OVERDUE_ACTION = "Share the phonics routine with every Key Stage 1 class"
#: The schools' tiers: (school, days ago, tier (None: the one the scheme suggests), agreed by,
#: rationale).
TIERS = (
    (ALDER, 95, "grow", ADMIN, "Trust Board, start of year: reading is this year's focus."),
    (BIRCHWOOD, 20, None, LEAD, "Agreed after the peer review, as suggested."),
    (CEDAR, 95, "stabilise", ADMIN, "Trust Board: interim leadership after the summer."),
    (WILLOW, 95, "reinvent", ADMIN, "Trust Board: outcomes fell; a new head from January."),
)


class FixtureTrust:
    """The tests' trust as a Workspace plug-in (seeded once, on first opening)."""

    def __init__(self, today: date | None = None) -> None:
        self.today = today or date.today()

    def prepare(self, store: Store, lane: WriterLane) -> None:
        lane.call(self._seed, store)

    def before_signed_listing(self, workspace: Workspace, review_id: str) -> None:
        return None  # no signed reports of its own

    def finish_in_background(self, workspace: Workspace, should_stop: Callable[[], bool]) -> None:
        return None

    def trust_material(self, workspace: Workspace) -> TrustMaterial:
        from reviewer_app.services.signing_identity import TrustMaterial

        return TrustMaterial()

    def _seed(self, store: Store) -> None:
        with store.writing() as session:
            organisation = OrganisationRepository(session)
            if organisation.list_schools():
                return
            trust = Trust(new_id(), TRUST_NAME, profile_id=PROFILE)
            organisation.save_trust(trust)
            people = {
                name: Person(new_id(), trust.id, name, _email(name), roles)
                for name, roles in PEOPLE
            }
            for person in people.values():
                organisation.save_person(person)
            visits = VisitRepository(session)
            schools: dict[str, School] = {}
            signed: dict[tuple[str, str], Visit] = {}

            def save(school: School, framework_id: str, day: date, status: VisitStatus,
                     team: tuple[tuple[str, Role], ...]) -> None:  # fmt: skip
                happened = day if status is VisitStatus.SIGNED else None
                reviewers = tuple(VisitReviewer(people[name].id, role) for name, role in team)
                visit = Visit(
                    new_id(), school.id, framework_id, day, day, reviewers, status,
                    actual_start=happened, actual_end=happened,
                )  # fmt: skip
                visits.save_visit(visit)
                if status is VisitStatus.SIGNED:
                    signed[school.name, framework_id] = visit

            for index, (name, urn, phase, authority, early, sixth) in enumerate(SCHOOLS):
                school = School(
                    new_id(), trust.id, urn, name, phase, authority,
                    has_early_years=early, has_sixth_form=sixth,
                )  # fmt: skip
                organisation.save_school(school)
                schools[name] = school
                past = self.today - timedelta(days=40 + 7 * index)
                ahead = self.today + timedelta(days=20 + 7 * index)
                save(school, "learning-walk", past, VisitStatus.SIGNED, _WALK_TEAM)
                save(school, "learning-walk", ahead, VisitStatus.PLANNED, _WALK_TEAM)
            for name, framework_id, days, status, team in VISITS:
                save(schools[name], framework_id, self.today + timedelta(days), status, team)
            set_setting(session, CURRENT_TRUST, trust.id)
            set_setting(session, CURRENT_PERSON, people[LEAD].id)
            # A test may restart the real app on this store as a process (``--demo``): marked
            # as seeded, the demo trust leaves it as it is instead of adding itself on top.
            set_setting(session, DEMO_SEEDED, self.today.isoformat())
            set_setting(session, DEMO_CATEGORIES, self.today.isoformat())
            _signed_review(session, signed[SIGNED_REVIEW], schools[SIGNED_REVIEW[0]], people)
            _tiers(session, schools, people, self.today)


def _signed_review(
    session: Session, visit: Visit, school: School, people: dict[str, Person]
) -> None:
    from reviewer_app.services.framework_catalogue import installed_library
    from reviewer_app.storage.action_repository import ActionRepository
    from reviewer_app.storage.review_repository import ReviewRepository

    framework = installed_library().latest(visit.framework_id)
    # As if pulled from the trust server: nothing is queued for sync.
    reviews = ReviewRepository(session, record_ops=False)
    clock = datetime.combine(visit.start, time(9, 0)).astimezone()
    review = Review(
        new_id(), visit.id, framework.id, framework.version, framework.content_hash,
        created_at=clock,
    )  # fmt: skip
    reviews.add_review(review, json.dumps(framework.to_snapshot(), ensure_ascii=False))
    lead = people[LEAD].id
    shown = visibility(framework, {}, school.facts(), set(Role))
    for _section, criterion, scale in framework.walk():
        if scale is None or criterion.id not in shown.criteria or criterion.visible_to:
            continue
        ranked = scale.ranked_levels  # weakest first
        level = (ranked[-2] if len(ranked) > 2 else ranked[-1]).key  # second best, or met
        judgement = Judgement(new_id(), review.id, criterion.id, lead, level, clock, agreed=True)
        reviews.add_judgement(judgement)
    ActionRepository(session, record_ops=False).add_action(
        Action(
            new_id(), review.id, school.id, OVERDUE_ACTION, "Phonics lead",
            visit.start + timedelta(days=14), Priority.HIGH, lead, clock,
        )
    )  # fmt: skip
    reviews.set_state(review.id, ReviewState.SIGNED, clock + timedelta(hours=6))


def _tiers(
    session: Session, schools: dict[str, School], people: dict[str, Person], today: date
) -> None:
    from reviewer_app.services.framework_catalogue import installed_library
    from reviewer_app.services.school_categorisation import suggest_for_school
    from reviewer_app.storage.school_category_repository import SchoolCategoryRepository

    library = installed_library()
    scheme = library.scheme_for(library.profile(PROFILE))
    assert scheme is not None
    categories = SchoolCategoryRepository(session, record_ops=False)
    for name, days_ago, tier, who, rationale in TIERS:
        school, person = schools[name], people[who]
        agreed_on = today - timedelta(days=days_ago)
        found = suggest_for_school(session, scheme, school, person.roles, agreed_on)
        level = found.suggestion.level if tier is None else scheme.level(tier)
        assert level is not None, f"the scheme suggests no tier for {name}"
        categories.add(
            SchoolCategory(
                id=new_id(), school_id=school.id, scheme_id=scheme.id,
                scheme_version=scheme.version, level_key=level.key, level_label=level.label,
                agreed_on=agreed_on, agreed_by=person.id, rationale=rationale,
                recorded_at=datetime.combine(agreed_on, time(16, 30)).astimezone(),
                suggested_level_key=found.suggestion.level.key if found.suggestion.level else None,
                suggestion=found.explain(), based_on=found.basis,
            )
        )  # fmt: skip


def _email(name: str) -> str:
    return f"{name.split()[0].lower()}@fixture.example"


def open_fixture_workspace(paths: AppPaths) -> Workspace:
    """The tests' trust in a store under ``paths`` (the demo's store file: a public key)."""
    return Workspace.open(paths, demo=True, built_in=FixtureTrust())
