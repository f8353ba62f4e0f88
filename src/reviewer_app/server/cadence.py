"""The cadence board (issue 17): from each school's agreed category and its scheme's support
cadence, what is due and overdue across the trust; and the meeting notes that count towards it.

A cadence item carried out by a kind of visit (a health check, a core visit) is done by the
school's visits of that framework; any other item (a CEO 1:1, a progress meeting, a Rapid
Improvement Board) by a meeting note of the same activity recorded in the console
(:class:`~reviewer_app.server.models.MeetingNote`). Both fall due their interval after the last
one, or from the day the category was agreed when there has been none
(:func:`~reviewer_app.domain.school_category.support_due`).

Who sees what follows :mod:`reviewer_app.server.trust_picture`: the central team every school,
others the schools they are assigned to. The trust admin and lead reviewers may record a
meeting note for a school they see.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, func, select

from reviewer_app.domain.errors import (
    NotFoundError,
    PermissionDeniedError,
    ReviewerError,
    ValidationError,
)
from reviewer_app.domain.frameworks.categorisation import CategorisationScheme, CategoryLevel
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.school_category import RecordedVisit, SupportDue, support_due
from reviewer_app.server import audit, models
from reviewer_app.server.audit import Actor
from reviewer_app.server.trust_picture import (
    CategoryView,
    Viewer,
    category_history,
    visible_schools,
)
from reviewer_app.sync.protocol import MeetingHeld

#: Who may record a meeting note (for a school they see).
NOTE_TAKERS = frozenset({Role.TRUST_ADMIN, Role.LEAD_REVIEWER})
#: Meetings every scheme may record, with or without a cadence item of their name.
OTHER_MEETINGS = ("CEO 1:1", "Progress meeting", "Rapid Improvement Board")
#: How far ahead an item counts as "due soon".
SOON = timedelta(weeks=3)
NOTES_MAX = 4000


@dataclass(frozen=True, slots=True)
class CadenceItemState:
    """One piece of support for one school: when it was last done and when it is next due."""

    due: SupportDue
    #: ``overdue``, ``soon`` (due within three weeks), ``planned`` or ``later``.
    state: str

    @property
    def activity(self) -> str:
        return self.due.item.activity


@dataclass(slots=True)
class CadenceRow:
    school: models.School
    category: CategoryView | None
    items: list[CadenceItemState] = field(default_factory=list)
    #: Why the school has no cadence (not categorised, or its scheme is not installed).
    missing: str = ""

    @property
    def overdue(self) -> int:
        return sum(i.state == "overdue" for i in self.items)


@dataclass(frozen=True, slots=True)
class CadenceSummary:
    """'CEO 1:1 overdue at 3 schools': how many schools are overdue one activity (the activity's
    name stays as the scheme writes it: names like 'External health check (School Improvement
    Executive Lead)' have no plural)."""

    activity: str
    overdue: int
    never: int  # of those, how many have none on record at all
    by_meeting: bool  # recorded as meeting notes, not visits


@dataclass(slots=True)
class CadenceBoard:
    rows: list[CadenceRow]
    summaries: list[CadenceSummary]
    #: The meeting activities each school's cadence counts (for the note form), by school id.
    activities: dict[str, list[str]]
    notes: list[tuple[models.MeetingNote, str, str]]  # note, school name, author name

    @property
    def overdue_schools(self) -> int:
        return sum(1 for r in self.rows if r.overdue)


def scheme_named(
    session: Session, trust_id: str, scheme_id: str, cache: dict[str, CategorisationScheme | None]
) -> CategorisationScheme | None:
    """The categorisation scheme ``scheme_id`` (built in, or the trust's own), None if it is
    installed nowhere; looked up once per ``cache``."""
    if scheme_id not in cache:
        from reviewer_app.server.framework_library import built_in_library, trust_library

        try:
            cache[scheme_id] = built_in_library().scheme(scheme_id)
        except ReviewerError:
            try:
                cache[scheme_id] = trust_library(session, trust_id).scheme(scheme_id)
            except ReviewerError:
                cache[scheme_id] = None
    return cache[scheme_id]


def _level(scheme: CategorisationScheme | None, key: str) -> CategoryLevel | None:
    if scheme is None:
        return None
    return next((lv for lv in scheme.levels if lv.key == key), None)


def _state(due: SupportDue, today: date) -> str:
    if due.overdue(today):
        return "overdue"
    if due.planned is not None:
        return "planned"
    return "soon" if due.due <= today + SOON else "later"


def school_visits(
    session: Session, school_ids: Iterable[str], today: date
) -> dict[str, list[RecordedVisit]]:
    """Each school's visits as the cadence counts them (a visit on or before today happened)."""
    found: dict[str, list[RecordedVisit]] = defaultdict(list)
    ids = sorted(set(school_ids))
    if not ids:
        return found
    for school_id, framework_id, start in session.exec(
        select(
            col(models.Visit.school_id),
            col(models.Visit.framework_id),
            col(models.Visit.planned_start),
        ).where(col(models.Visit.school_id).in_(ids))
    ):
        found[school_id].append(RecordedVisit(framework_id, start, start <= today))
    return found


def school_meetings(
    session: Session, school_ids: Iterable[str]
) -> dict[str, dict[str, list[date]]]:
    """Each school's meeting notes: activity -> the days they were held."""
    found: dict[str, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    ids = sorted(set(school_ids))
    if not ids:
        return found
    for school_id, activity, held_on in session.exec(
        select(
            col(models.MeetingNote.school_id),
            col(models.MeetingNote.activity),
            col(models.MeetingNote.held_on),
        ).where(col(models.MeetingNote.school_id).in_(ids))
    ):
        found[school_id][activity].append(held_on)
    return found


def meetings_held(session: Session, person: models.Person) -> list[MeetingHeld]:
    """For a laptop's handshake: the last meeting of each kind held with each school ``person``
    sees here (:func:`~reviewer_app.server.trust_picture.visible_schools`), so the laptop's My
    work counts them as the Cadence board does; school, kind and day only, never the note."""
    ids = [s.id for s in visible_schools(session, Viewer.of(session, person))]
    if not ids:
        return []
    rows = session.exec(
        select(
            col(models.MeetingNote.school_id),
            col(models.MeetingNote.activity),
            func.max(col(models.MeetingNote.held_on)),
        )
        .where(col(models.MeetingNote.school_id).in_(ids))
        .group_by(col(models.MeetingNote.school_id), col(models.MeetingNote.activity))
        .order_by(col(models.MeetingNote.school_id), col(models.MeetingNote.activity))
    ).all()
    return [MeetingHeld(school_id=s, activity=a, held_on=d) for s, a, d in rows]


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def cadence_meetings(session: Session, trust_id: str, school_id: str) -> list[str]:
    """The meetings (cadence items with no review framework) the school's current category
    asks for; none when it has no category, or one of a scheme not installed."""
    history = category_history(session, [school_id]).get(school_id, [])
    if not history:
        return []
    level = _level(
        scheme_named(session, trust_id, history[-1].scheme_id, {}), history[-1].level_key
    )
    if level is None:
        return []
    return [i.activity for i in level.support_cadence if i.framework is None]


def counts_towards_cadence(session: Session, viewer: Viewer, school_id: str, activity: str) -> bool:
    """Whether a meeting note of ``activity`` counts towards the school's support cadence."""
    return any(
        _same_name(a, activity)
        for a in cadence_meetings(session, viewer.person.trust_id, school_id)
    )


def cadence_board(session: Session, viewer: Viewer, today: date) -> CadenceBoard:
    """Every school the viewer sees, its category's support cadence and what is due, the
    schools with most overdue first."""
    schools = visible_schools(session, viewer)
    ids = [s.id for s in schools]
    categories = category_history(session, ids)
    visits = school_visits(session, ids, today)
    meetings = school_meetings(session, ids)
    schemes: dict[str, CategorisationScheme | None] = {}
    rows: list[CadenceRow] = []
    activities: dict[str, list[str]] = {}
    for school in schools:
        history = categories.get(school.id, [])
        category = history[-1] if history else None
        row = CadenceRow(school=school, category=category)
        rows.append(row)
        named = list(OTHER_MEETINGS)
        if category is None:
            row.missing = "Not categorised yet"
        else:
            scheme = scheme_named(session, viewer.person.trust_id, category.scheme_id, schemes)
            level = _level(scheme, category.level_key)
            if level is None:
                row.missing = "Its category is not in an installed scheme"
            else:
                dues = support_due(
                    level, category.agreed_on, visits.get(school.id, []), today,
                    meetings=meetings.get(school.id, {}),
                )  # fmt: skip
                row.items = [CadenceItemState(d, _state(d, today)) for d in dues]
                own = [i.activity for i in level.support_cadence if i.framework is None]
                named = own + [a for a in named if a not in own]
        activities[school.id] = named
    rows.sort(key=lambda r: (-r.overdue, r.category is None, r.school.name))
    return CadenceBoard(
        rows=rows,
        summaries=summarise(rows),
        activities=activities,
        notes=meeting_notes(session, ids),
    )


def summarise(rows: Iterable[CadenceRow]) -> list[CadenceSummary]:
    """Per activity, how many schools are overdue it (most first)."""
    overdue: dict[str, list[SupportDue]] = defaultdict(list)
    for row in rows:
        for item in row.items:
            if item.state == "overdue":
                overdue[item.activity].append(item.due)
    return sorted(
        (
            CadenceSummary(
                activity=activity,
                overdue=len(dues),
                never=sum(d.last_done is None for d in dues),
                by_meeting=dues[0].item.framework is None,
            )
            for activity, dues in overdue.items()
        ),
        key=lambda s: (-s.overdue, s.activity),
    )


def meeting_notes(
    session: Session, school_ids: Iterable[str], limit: int = 50
) -> list[tuple[models.MeetingNote, str, str]]:
    """The newest meeting notes of these schools, with the school's and the author's names."""
    ids = sorted(set(school_ids))
    if not ids:
        return []
    rows = session.exec(
        select(models.MeetingNote, models.School.name, models.Person.name)
        .join(models.School, col(models.School.id) == col(models.MeetingNote.school_id))
        .join(models.Person, col(models.Person.id) == col(models.MeetingNote.author_id))
        .where(col(models.MeetingNote.school_id).in_(ids))
        .order_by(
            col(models.MeetingNote.held_on).desc(), col(models.MeetingNote.recorded_at).desc()
        )
        .limit(limit)
    ).all()
    return [(note, school, author) for note, school, author in rows]


def record_meeting(
    session: Session,
    viewer: Viewer,
    *,
    school_id: str,
    activity: str,
    held_on: date | None,
    notes: str,
    today: date,
) -> models.MeetingNote:
    """Keep a meeting note; a clear error names the field at fault, and nothing is kept."""
    if not viewer.roles & NOTE_TAKERS:
        raise PermissionDeniedError("Only the trust admin or a lead reviewer may record a meeting.")
    school = next((s for s in visible_schools(session, viewer) if s.id == school_id), None)
    if school is None:
        raise NotFoundError("Choose a school you may see to record its meeting.")
    activity = " ".join(activity.split())
    if not activity:
        raise ValidationError("Say which meeting it was (for example CEO 1:1).")
    # Kept under the name the school's cadence uses ("ceo 1:1" is its CEO 1:1), so it counts.
    known = [*cadence_meetings(session, viewer.person.trust_id, school.id), *OTHER_MEETINGS]
    activity = next((a for a in known if _same_name(a, activity)), activity)
    if len(activity) > 200:
        raise ValidationError("The meeting's name is longer than 200 characters.")
    if held_on is None:
        raise ValidationError("Give the day the meeting was held.")
    if held_on > today:
        raise ValidationError(
            f"The meeting day {held_on:%-d %b %Y} is in the future: record a meeting once it "
            "has been held."
        )
    notes = notes.strip()
    if not notes:
        raise ValidationError("Write a short note of what the meeting agreed.")
    if len(notes) > NOTES_MAX:
        raise ValidationError(f"The note is longer than {NOTES_MAX} characters; shorten it.")
    note = models.MeetingNote(
        id=str(uuid.uuid4()),
        school_id=school.id,
        activity=activity,
        held_on=held_on,
        notes=notes,
        author_id=viewer.person.id,
        recorded_at=datetime.now(UTC),
    )
    session.add(note)
    audit.record(
        session,
        Actor.person(viewer.person, via="console"),
        "meeting.record",
        f"{viewer.person.name} recorded a {activity} with {school.name} on {held_on:%-d %b %Y}",
        trust_id=viewer.person.trust_id,
        subject_id=note.id,
    )
    return note
