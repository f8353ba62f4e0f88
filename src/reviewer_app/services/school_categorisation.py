"""A school's category under its trust's scheme: the current one, the scheme's suggestion, agreeing
a new one, and the support cadence it implies (``Workspace.categories``).

The scheme comes from the trust's profile (``frameworks/profiles``); a profile without one
(Oak, generic) has no categories. The suggestion is computed from the agreed judgements of the
school's recent *signed* reviews, the newest of each kind of visit, as far as the person using
this laptop may see them (a safeguarding audit's outcomes are for safeguarding leads). It is only
a suggestion: a lead reviewer or the trust's central team agrees the category, with a rationale,
and the record keeps the suggestion and the outcomes behind it as they were at that moment.

Reads run on the calling thread; agreeing runs on the writer lane and queues the record in the
outbox in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from reviewer_app.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from reviewer_app.domain.frameworks import (
    CategorisationScheme,
    CategoryLevel,
    Framework,
    FrameworkLibrary,
    Suggestion,
    outcomes_for,
    suggest_category,
    visible_criteria,
)
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person, Role, School, Trust
from reviewer_app.domain.review import ReviewState, agreed_judgement
from reviewer_app.domain.school_category import (
    AGREEING_ROLES,
    BasisOutcome,
    SchoolCategory,
    SupportDue,
    next_agreement_due,
    recorded_visits,
    support_due,
)
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.services import meetings_held
from reviewer_app.services.review_access import now
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.school_category_repository import SchoolCategoryRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.visit_repository import VisitRepository

#: How far back a signed review still informs the suggestion (a school year and a little more).
RECENT_DAYS = 400


@dataclass(frozen=True, slots=True)
class SchoolSuggestion:
    """The scheme's suggestion for a school, with the outcomes (and their reviews) behind it.

    ``framework_titles`` (framework id -> title, from the reviews' own frameworks) name each
    outcome's review as reviewers know it.
    """

    suggestion: Suggestion
    basis: tuple[BasisOutcome, ...]
    reviews_considered: int
    framework_titles: Mapping[str, str] = field(default_factory=dict)

    def explain(self) -> str:
        return self.suggestion.explain(self.framework_titles)

    def describe(self, basis: BasisOutcome) -> str:
        """One outcome behind the suggestion: "Safeguarding (Health check, 3 Mar 2026): Met"."""
        return basis.describe(self.framework_titles)


@dataclass(frozen=True, slots=True)
class CategoryOverview:
    """Everything the school page shows about the school's category, read in one go."""

    school_id: str
    scheme: CategorisationScheme | None
    current: SchoolCategory | None
    level: CategoryLevel | None  # the current category's level in the installed scheme
    agreed_by_name: str
    support: tuple[SupportDue, ...]
    next_agreement: date | None
    may_agree: bool
    history: tuple[SchoolCategory, ...]


class SchoolCategorisation:
    """Categories of the trust's schools over one open store."""

    def __init__(
        self,
        store: Store,
        lane: WriterLane,
        person: Callable[[], Person],
        trust: Callable[[], Trust],
        library: Callable[[], FrameworkLibrary],
    ) -> None:
        self._store = store
        self._lane = lane
        self._person = person
        self._trust = trust
        self._library = library

    # ---------------------------------------------------------------- the scheme

    def scheme(self) -> CategorisationScheme | None:
        """The categorisation scheme of the trust's profile, or ``None`` when it has none."""
        library = self._library()
        try:
            profile = library.profile(self._trust().profile_id)
        except KeyError:
            return None
        return library.scheme_for(profile)

    def _scheme_or_fail(self) -> CategorisationScheme:
        scheme = self.scheme()
        if scheme is None:
            raise ValidationError(
                f"{self._trust().name}'s trust profile has no categorisation scheme, so its "
                "schools are not categorised.",
                hint="Choose a trust profile with a scheme in Settings.",
            )
        return scheme

    def may_agree(self) -> bool:
        """True when the person using this laptop may agree categories."""
        return bool(self._person().roles & AGREEING_ROLES)

    # ---------------------------------------------------------------- reading

    def history(self, school_id: str) -> list[SchoolCategory]:
        """Every category agreed for the school (under any scheme), oldest first."""
        with self._store.reading() as session:
            return SchoolCategoryRepository(session).history(school_id)

    def current(self, school_id: str) -> SchoolCategory | None:
        """The school's newest category under the trust's scheme, if one was agreed."""
        scheme = self.scheme()
        if scheme is None:
            return None
        with self._store.reading() as session:
            return SchoolCategoryRepository(session).latest(school_id, scheme.id)

    def suggestion(self, school_id: str, today: date | None = None) -> SchoolSuggestion:
        """The scheme's suggestion from the school's recent signed reviews."""
        scheme = self._scheme_or_fail()
        with self._store.reading() as session:
            school = OrganisationRepository(session).get_school(school_id)
            if school is None:
                raise NotFoundError(f"There is no school with id {school_id} on this computer.")
            roles = self._person().roles
            return suggest_for_school(session, scheme, school, roles, today or date.today())

    def support_due(self, school_id: str, today: date | None = None) -> tuple[SupportDue, ...]:
        """When each piece of support the current category implies is next due."""
        return self.overview(school_id, today).support

    def overview(self, school_id: str, today: date | None = None) -> CategoryOverview:
        """The school's category, who agreed it, the support it implies and its history."""
        today = today or date.today()
        scheme = self.scheme()
        with self._store.reading() as session:
            history = SchoolCategoryRepository(session).history(school_id)
            current = None
            if scheme is not None:
                found = [c for c in history if c.scheme_id == scheme.id]
                current = found[-1] if found else None
            level: CategoryLevel | None = None
            support: tuple[SupportDue, ...] = ()
            name = ""
            if current is not None and scheme is not None:
                person = OrganisationRepository(session).get_person(current.agreed_by)
                name = person.name if person is not None else "someone not on this computer"
                try:
                    level = scheme.level(current.level_key)
                except KeyError:
                    level = None  # a level the installed version of the scheme no longer has
                if level is not None:
                    visits = recorded_visits(VisitRepository(session).visits_for_school(school_id))
                    # Meetings as the trust console recorded them at the last sync, when known.
                    held = meetings_held.stored(session)
                    support = support_due(
                        level, current.agreed_on, visits, today,
                        meetings=held.of(school_id) if held is not None else None,
                    )  # fmt: skip
        return CategoryOverview(
            school_id=school_id,
            scheme=scheme,
            current=current,
            level=level,
            agreed_by_name=name,
            support=support,
            next_agreement=(
                next_agreement_due(current.agreed_on, scheme.review_every_weeks)
                if current is not None and scheme is not None
                else None
            ),
            may_agree=self.may_agree(),
            history=tuple(history),
        )

    # ---------------------------------------------------------------- agreeing

    def agree(
        self,
        school_id: str,
        level_key: str,
        rationale: str,
        *,
        agreed_on: date | None = None,
    ) -> SchoolCategory:
        """Agree the school's category under the trust's scheme, saying why.

        The record keeps the scheme's suggestion at this moment and the outcomes behind it.
        """
        scheme = self._scheme_or_fail()
        person = self._person()
        if not person.roles & AGREEING_ROLES:
            raise PermissionDeniedError(
                "Only a lead reviewer or a trust admin (the central team) can agree a school's "
                "category.",
                hint="Share the suggestion with your lead reviewer.",
            )
        try:
            level = scheme.level(level_key)
        except KeyError:
            raise ValidationError(
                f"'{level_key}' is not a category of {scheme.title}.",
                hint="Choose one of: " + ", ".join(lvl.label for lvl in scheme.levels) + ".",
            ) from None
        if not rationale.strip():
            raise ValidationError(
                "Say why the school is in this category: the rationale is kept with it."
            )
        today = date.today()
        agreed_on = agreed_on or today
        if agreed_on > today:
            raise ValidationError("A category cannot be agreed on a date that has not come yet.")

        def write() -> SchoolCategory:
            with self._store.writing() as session:
                school = OrganisationRepository(session).get_school(school_id)
                if school is None or school.trust_id != self._trust().id:
                    raise NotFoundError(f"There is no school with id {school_id} in this trust.")
                found = suggest_for_school(session, scheme, school, person.roles, today)
                category = SchoolCategory(
                    id=new_id(),
                    school_id=school_id,
                    scheme_id=scheme.id,
                    scheme_version=scheme.version,
                    level_key=level.key,
                    level_label=level.label,
                    agreed_on=agreed_on,
                    agreed_by=person.id,
                    rationale=rationale.strip(),
                    recorded_at=now(),
                    suggested_level_key=(
                        found.suggestion.level.key if found.suggestion.level else None
                    ),
                    suggestion=found.explain(),
                    based_on=found.basis,
                )
                SchoolCategoryRepository(session).add(category)
                return category

        return self._lane.call(write)


def suggest_for_school(
    session: Session,
    scheme: CategorisationScheme,
    school: School,
    roles: Iterable[Role],
    today: date,
) -> SchoolSuggestion:
    """The scheme's suggestion from the agreed judgements of the school's recent signed reviews
    (the newest of each kind of visit), using only criteria a person with ``roles`` may see."""
    roles = frozenset(roles)
    reviews = ReviewRepository(session)
    since = today - timedelta(days=RECENT_DAYS)
    newest: dict[str, tuple[date, str]] = {}  # framework id -> (visit date, review id)
    for visit in VisitRepository(session).visits_for_school(school.id):
        if visit.status is VisitStatus.CANCELLED or not since <= visit.start <= today:
            continue
        for review in reviews.reviews_for_visit(visit.id):
            if review.state is not ReviewState.SIGNED:
                continue
            known = newest.get(review.framework_id)
            if known is None or visit.start > known[0]:
                newest[review.framework_id] = (visit.start, review.id)
    basis: list[BasisOutcome] = []
    titles: dict[str, str] = {}
    for visit_date, review_id in sorted(newest.values()):
        framework = Framework.from_snapshot(json.loads(reviews.framework_snapshot(review_id)))
        titles[framework.id] = framework.title
        judgements = reviews.judgements(review_id)
        levels: dict[str, str | None] = {}
        for criterion in framework.criteria():
            agreed = agreed_judgement(judgements, criterion.id)
            levels[criterion.id] = agreed.level_key if agreed is not None else None
        answers = {k: v for k, v in levels.items() if v is not None}
        shown = {c.id for c in visible_criteria(framework, answers, school.facts(), roles)}
        basis.extend(
            BasisOutcome(outcome=o, review_id=review_id, visit_date=visit_date)
            for o in outcomes_for(framework, levels)
            if o.criterion_id in shown
        )
    suggestion = suggest_category(scheme, [b.outcome for b in basis])
    led_by = set(suggestion.outcomes)
    return SchoolSuggestion(
        suggestion=suggestion,
        basis=tuple(b for b in basis if b.outcome in led_by),
        reviews_considered=len(newest),
        framework_titles=titles,
    )
