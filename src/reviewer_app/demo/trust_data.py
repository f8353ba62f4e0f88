"""The demo trust's data: invented schools, people, tiers and a year and a half of visits
(domain objects only).

The desktop demo (``demo/trust.py``) seeds it into a laptop store; the trust server's
``serve --demo`` (``server/demo_trust.py``) seeds the same trust into the server's database, so
the console and the app show the same schools, people and visits. Nothing here touches storage.
Dates are relative to the day given and fall on weekdays in term time. Every school, person and
URN is invented; the local authorities are real English ones so the data reads naturally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus

DEMO_TRUST_NAME = "Northfield Learning Trust"
_EMAIL_DOMAIN = "northfield-trust.example"

#: The framework ids the demo visits use (the review templates in ``frameworks/``).
DEMO_FRAMEWORKS = (
    "learning-walk",
    "safeguarding-audit",
    "two-day-peer-review",
    "improvement-partner-visit",
    "health-check",
    "half-termly-core-visit",
    "book-look",
    "send-review",
)


@dataclass(frozen=True, slots=True)
class _SchoolSeed:
    key: str
    urn: str
    name: str
    phase: Phase
    local_authority: str
    early_years: bool
    sixth_form: bool


_SCHOOLS = (
    _SchoolSeed(
        "oakfield", "145218", "Oakfield Primary Academy", Phase.PRIMARY, "Leeds", True, False
    ),
    _SchoolSeed(
        "harrow", "146037", "Harrow Lane Primary School", Phase.PRIMARY, "Wakefield", True, False
    ),
    _SchoolSeed(
        "aidans", "142663", "St Aidan's CE Primary School", Phase.PRIMARY, "Leeds", False, False
    ),
    _SchoolSeed(
        "northfield", "144871", "Northfield Academy", Phase.SECONDARY, "Leeds", False, True
    ),
    _SchoolSeed(
        "brookside", "147402", "Brookside High School", Phase.SECONDARY, "Kirklees", False, False
    ),
    _SchoolSeed(
        "meadowbank", "143956", "Meadowbank Special School", Phase.SPECIAL, "Bradford", True, True
    ),
    _SchoolSeed(
        "riverside",
        "148120",
        "Riverside All-Through Academy",
        Phase.ALL_THROUGH,
        "Calderdale",
        True,
        True,
    ),
)

#: The demo's people: key, name, roles.
DEMO_PEOPLE: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("sarah", "Sarah Okafor", frozenset({Role.LEAD_REVIEWER, Role.IMPROVEMENT_PARTNER})),
    ("james", "James Whitfield", frozenset({Role.IMPROVEMENT_PARTNER})),
    ("david", "David Brennan", frozenset({Role.LEAD_REVIEWER, Role.PEER_REVIEWER})),
    ("priya", "Priya Natarajan", frozenset({Role.PEER_REVIEWER})),
    ("tom", "Tom Gallagher", frozenset({Role.PEER_REVIEWER})),
    ("rachel", "Rachel Hughes", frozenset({Role.SAFEGUARDING_LEAD, Role.LEAD_REVIEWER})),
    ("aisha", "Aisha Rahman", frozenset({Role.SAFEGUARDING_LEAD, Role.PEER_REVIEWER})),
    ("mark", "Mark Ellison", frozenset({Role.TRUST_ADMIN})),
)

#: The demo trust CA's key passphrase: public, because the demo is never a real trust. The
#: desktop demo keeps its CA beside the demo store, ``serve --demo`` in the server's data folder.
DEMO_CA_PASSPHRASE = b"demo trust only - not a secret"

#: Which audiences get a signed report, per demo framework (others: the school's report).
DEMO_AUDIENCES: dict[str, tuple[str, ...]] = {
    "safeguarding-audit": ("full_internal",),
    "two-day-peer-review": ("school_facing", "full_internal"),
}
DEMO_DEFAULT_AUDIENCES = ("school_facing",)

#: The person using this laptop in the demo: a lead reviewer.
DEMO_CURRENT_PERSON = "sarah"

# Visit team per framework: (person key, role on the visit).
_TEAMS: dict[str, tuple[tuple[str, Role], ...]] = {
    "learning-walk": (("sarah", Role.LEAD_REVIEWER), ("priya", Role.PEER_REVIEWER)),
    "safeguarding-audit": (("rachel", Role.LEAD_REVIEWER), ("aisha", Role.SAFEGUARDING_LEAD)),
    "two-day-peer-review": (
        ("david", Role.LEAD_REVIEWER),
        ("priya", Role.PEER_REVIEWER),
        ("tom", Role.PEER_REVIEWER),
    ),
    "improvement-partner-visit": (("james", Role.IMPROVEMENT_PARTNER),),
    "health-check": (("sarah", Role.LEAD_REVIEWER), ("tom", Role.PEER_REVIEWER)),
    "half-termly-core-visit": (("james", Role.IMPROVEMENT_PARTNER),),
    "book-look": (("sarah", Role.LEAD_REVIEWER), ("tom", Role.PEER_REVIEWER)),
    "send-review": (("david", Role.LEAD_REVIEWER), ("aisha", Role.PEER_REVIEWER)),
}

# The rhythm for every school: (days before today, framework, length in days): the half year
# before last (a health check and a safeguarding audit, so the trust has a year and a half of
# history to compare), then a year of visits. Each school is staggered a few days so the
# calendar does not line up.
_YEAR: tuple[tuple[int, str, int], ...] = (
    (530, "health-check", 1),
    (470, "safeguarding-audit", 1),
    (335, "two-day-peer-review", 2),
    (300, "safeguarding-audit", 1),
    (255, "improvement-partner-visit", 1),
    (205, "learning-walk", 1),
    (160, "health-check", 1),
    (115, "half-termly-core-visit", 1),
    (75, "book-look", 1),
    # This term's health check, so the term's board pack and the overview have a fresh view.
    (30, "health-check", 1),
)
_STAGGER_DAYS = 4

# Extra visits: (school key, days before today (negative = ahead), framework, status).
_EXTRA: tuple[tuple[str, int, str, VisitStatus], ...] = (
    ("meadowbank", 190, "send-review", VisitStatus.SIGNED),
    ("riverside", 130, "send-review", VisitStatus.SIGNED),
    ("oakfield", 9, "learning-walk", VisitStatus.IN_PROGRESS),
    ("riverside", 6, "learning-walk", VisitStatus.READY_FOR_SIGN_OFF),
    ("northfield", 2, "book-look", VisitStatus.IN_PROGRESS),
    ("brookside", 0, "learning-walk", VisitStatus.IN_PROGRESS),
    ("harrow", 20, "health-check", VisitStatus.CANCELLED),
    ("oakfield", -7, "half-termly-core-visit", VisitStatus.PLANNED),
    ("northfield", -16, "two-day-peer-review", VisitStatus.PLANNED),
    ("meadowbank", -24, "safeguarding-audit", VisitStatus.PLANNED),
    # Sarah's next visits, for her "My work" (a health check Brookside's tier is due).
    ("brookside", -3, "health-check", VisitStatus.PLANNED),
    ("harrow", -10, "health-check", VisitStatus.PLANNED),
)


#: Schools whose CEO 1:1s the demo leaves unrecorded since the autumn (by URN), so the cadence
#: (the console's board, the desktop's My work) has something to flag.
DEMO_MEETINGS_LAPSED = frozenset({"144871", "146037"})  # Northfield, Harrow Lane


def demo_meeting_days(urn: str, agreed_on: date, every_weeks: int, today: date) -> list[date]:
    """The days the demo holds a meeting of a cadence item (a CEO 1:1) with a school: at the
    item's interval from the day its tier was agreed, stopping ten weeks ago where lapsed. The
    server's demo records them as meeting notes; the desktop's as if a sync had brought them."""
    every = timedelta(weeks=every_weeks)
    stop = today - timedelta(weeks=10) if urn in DEMO_MEETINGS_LAPSED else today
    days = []
    day = agreed_on
    while day + every <= stop:
        day += every
        days.append(day)
    return days


#: The schools' tiers under the four-tier scheme, by URN: ((days before today, tier, agreed by
#: (the start of their email), rationale), ...), oldest first. ``None`` as the tier: the tier the
#: scheme suggests from the school's signed reviews (the server's demo takes ``DEMO_SUGGESTED``).
DEMO_TIERS: dict[str, tuple[tuple[int, str | None, str, str], ...]] = {
    "145218": (  # Oakfield
        (
            460,
            "grow",
            "mark.ellison",
            "Trust Board, start of last year: outcomes in line with national; "
            "attendance the priority.",
        ),
        (
            95,
            "grow",
            "mark.ellison",
            "Trust Board, start of year: attendance close to national; "
            "reading is the one big move for this year.",
        ),
    ),
    "146037": (  # Harrow Lane
        (
            460,
            "grow",
            "mark.ellison",
            "Trust Board, start of last year: results in line; governance strong.",
        ),
        (
            95,
            "reinvent",
            "mark.ellison",
            "Trust Board, start of year: KS2 outcomes fell and "
            "persistent absence rose; new head from January. CEO 1:1 fortnightly.",
        ),
    ),
    "142663": (  # St Aidan's
        (
            460,
            "grow",
            "mark.ellison",
            "Trust Board, start of last year: good outcomes; "
            "safeguarding culture strong, filtering arrangements to review.",
        ),
        (
            20,
            None,
            "sarah.okafor",
            "Agreed with the CEO after the peer review: strong areas, "
            "but leaders' self-evaluation only partly confirmed. Stays in Grow, as suggested.",
        ),
    ),
    "144871": (  # Northfield
        (
            460,
            "stabilise",
            "mark.ellison",
            "Trust Board, start of last year: headteacher absent; "
            "trust-led leadership and weekly support from the CEO.",
        ),
        (
            95,
            "stabilise",
            "mark.ellison",
            "Trust Board: interim leadership and a statement of "
            "action after the summer; Trust-led governor committee every fortnight.",
        ),
    ),
    "147402": (  # Brookside
        (
            460,
            "reinvent",
            "mark.ellison",
            "Trust Board, start of last year: suspensions high and curriculum thin at Key Stage 3; "
            "improvement partner fortnightly.",
        ),
        (
            95,
            "reinvent",
            "mark.ellison",
            "Trust Board: behaviour improving but exclusions above "
            "national; curriculum intent being rewritten.",
        ),
    ),
    "143956": (  # Meadowbank
        (
            460,
            "grow",
            "mark.ellison",
            "Trust Board, start of last year: SEND provision strong; "
            "EHCP annual reviews running late.",
        ),
        (
            95,
            "grow",
            "mark.ellison",
            "Trust Board: safeguarding effective; EHCP reviews now "
            "timely. Challenge partner in place.",
        ),
    ),
    "148120": (  # Riverside
        (
            460,
            "lead",
            "mark.ellison",
            "Trust Board, start of last year: strong outcomes; "
            "leaders support two trust schools in maths.",
        ),
        (
            95,
            "lead",
            "mark.ellison",
            "Trust Board: sustained strong outcomes across phases; "
            "provides Trust-wide capacity in maths.",
        ),
    ),
}


#: The tier the scheme suggests for St Aidan's on its signed reviews (for the server's demo).
DEMO_SUGGESTED = "grow"


def _team(framework_id: str, people: dict[str, Person]) -> tuple[VisitReviewer, ...]:
    return tuple(VisitReviewer(people[key].id, role) for key, role in _TEAMS[framework_id])


# School holidays in England, near enough for a demo: (from month, day, to month, day).
_HOLIDAYS: tuple[tuple[int, int, int, int], ...] = (
    (12, 20, 12, 31),  # Christmas
    (1, 1, 1, 4),
    (2, 14, 2, 22),  # February half term
    (4, 1, 4, 14),  # Easter
    (5, 25, 5, 31),  # May half term
    (7, 22, 9, 2),  # summer
    (10, 24, 11, 1),  # October half term
)


def _school_day(day: date) -> bool:
    if day.weekday() >= 5:
        return False
    return not any((m1, d1) <= (day.month, day.day) <= (m2, d2) for m1, d1, m2, d2 in _HOLIDAYS)


def _school_days(start: date, length: int, taken: set[date] | None = None) -> date:
    """The latest start on or before ``start`` whose ``length`` days are all term-time weekdays
    and none of them ``taken`` (a school has one visit a day: each visit follows up the actions
    of the visits before it)."""
    taken = taken if taken is not None else set()
    while not all(
        _school_day(day) and day not in taken
        for day in (start + timedelta(days=d) for d in range(length))
    ):
        start -= timedelta(days=1)
    taken.update(start + timedelta(days=d) for d in range(length))
    return start


def _visit(
    school: School,
    framework_id: str,
    start: date,
    length: int,
    status: VisitStatus,
    people: dict[str, Person],
    taken: set[date] | None = None,
) -> Visit:
    start = _school_days(start, length, taken)
    end = start + timedelta(days=length - 1)
    happened = status is not VisitStatus.PLANNED and status is not VisitStatus.CANCELLED
    return Visit(
        id=new_id(),
        school_id=school.id,
        framework_id=framework_id,
        planned_start=start,
        planned_end=end,
        reviewers=_team(framework_id, people),
        status=status,
        actual_start=start if happened else None,
        actual_end=end if happened and status is not VisitStatus.IN_PROGRESS else None,
    )


def demo_visits(today: date, schools: dict[str, School], people: dict[str, Person]) -> list[Visit]:
    """The demo's visits relative to ``today``: a year of past visits and a few ahead."""
    visits: list[Visit] = []
    taken: dict[str, set[date]] = {seed.key: set() for seed in _SCHOOLS}
    for key, days_ago, framework_id, status in _EXTRA:
        start = today - timedelta(days=days_ago)
        length = 2 if framework_id == "two-day-peer-review" else 1
        visits.append(_visit(schools[key], framework_id, start, length, status, people, taken[key]))
    for index, seed in enumerate(_SCHOOLS):
        school = schools[seed.key]
        for days_ago, framework_id, length in _YEAR:
            start = today - timedelta(days=days_ago + index * _STAGGER_DAYS)
            visits.append(
                _visit(
                    school, framework_id, start, length, VisitStatus.SIGNED, people, taken[seed.key]
                )
            )
    return visits


def demo_trust() -> Trust:
    """The demo trust, with a new id."""
    return Trust(id=new_id(), name=DEMO_TRUST_NAME, profile_id="generic")


def demo_schools(trust_id: str) -> dict[str, School]:
    """The demo's schools by key (``oakfield``, ...), with new ids."""
    return {
        seed.key: School(
            id=new_id(),
            trust_id=trust_id,
            urn=seed.urn,
            name=seed.name,
            phase=seed.phase,
            local_authority=seed.local_authority,
            has_early_years=seed.early_years,
            has_sixth_form=seed.sixth_form,
        )
        for seed in _SCHOOLS
    }


def demo_email(name: str) -> str:
    first, last = name.lower().split(" ", 1)
    return f"{first}.{last.replace(' ', '')}@{_EMAIL_DOMAIN}"


def demo_people(trust_id: str) -> dict[str, Person]:
    """The demo's people by key (``sarah``, ...), with new ids."""
    return {
        key: Person(id=new_id(), trust_id=trust_id, name=name, email=demo_email(name), roles=roles)
        for key, name, roles in DEMO_PEOPLE
    }
