"""The termly board pack (issue 17): a term's picture across every school of a trust, from
the reviews, categories, actions, visits and meeting notes the server holds, as a PDF for
trustees (:mod:`reviewer_app.reports.board_pack` draws it).

Made by ``reviewer-app-server admin board-pack --term 2026-autumn --out F.pdf`` and from the
console's Board pack page (trust admins). The pack reads every school of the trust, safeguarding
included, but shows safeguarding only as counts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.domain.frameworks.categorisation import CategorisationScheme
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.school_category import format_day, support_due
from reviewer_app.domain.school_terms import school_year
from reviewer_app.reports.board_pack import (
    BoardPack,
    CadenceLine,
    CategoryChange,
    Movement,
    OverdueAction,
    SafeguardingCounts,
)
from reviewer_app.server import audit, models
from reviewer_app.server.audit import Actor
from reviewer_app.server.cadence import scheme_named, school_meetings, school_visits
from reviewer_app.server.trust_picture import (
    AREA_COLUMNS,
    SAFEGUARDING_COLUMN,
    SEND_COLUMN,
    ActionEntry,
    CategoryView,
    Viewer,
    Visibility,
    agreed_judgements,
    category_history,
    column_views,
    readable_reviews,
    trust_actions,
    visible_schools,
)

TERMS = ("autumn", "spring", "summer")
_TERM = re.compile(r"^(\d{4})-(autumn|spring|summer)$")


@dataclass(frozen=True, slots=True)
class Term:
    key: str  # "2026-autumn"
    label: str  # "Autumn term 2026"
    start: date
    end: date


def parse_term(text: str) -> Term:
    """``2026-autumn``, ``2027-spring`` or ``2027-summer`` (the calendar year the term is in)."""
    found = _TERM.match(text.strip().lower())
    if found is None:
        raise ValidationError(
            f"'{text}' is not a term: give the year and the term, for example 2026-autumn, "
            "2027-spring or 2027-summer."
        )
    year, name = int(found.group(1)), found.group(2)
    school = school_year(year if name == "autumn" else year - 1)
    first = TERMS.index(name) * 2
    halves = school.half_terms[first : first + 2]
    return Term(
        key=f"{year}-{name}",
        label=f"{name.capitalize()} term {year}",
        start=halves[0].start,
        end=halves[1].end,
    )


def current_term(today: date) -> Term:
    """The term ``today`` falls in (or the last one to end before it, in a holiday)."""
    started = [
        term
        for year in (today.year - 1, today.year)
        for term in (parse_term(f"{year}-{name}") for name in TERMS)
        if term.start <= today
    ]
    return max(started, key=lambda term: term.start)


def board_viewer(session: Session, trust_id: str) -> Viewer:
    """The pack reads as the central team with safeguarding counts (shown only as counts)."""
    trust = session.get(models.Trust, trust_id)
    if trust is None:
        raise NotFoundError(f"There is no trust with the id '{trust_id}'.")
    reader = models.Person(
        id="board-pack", trust_id=trust.id, name="Board pack", email="", active=True
    )
    return Viewer(person=reader, roles=frozenset({Role.TRUST_ADMIN, Role.SAFEGUARDING_LEAD}))


def _category_at(history: list[CategoryView], day: date) -> CategoryView | None:
    held = [c for c in history if c.agreed_on <= day]
    return held[-1] if held else None


def _open_at(action: ActionEntry, day: date) -> bool:
    """Not found met at any visit up to ``day``."""
    trail = [step for step in action.trail if step.day <= day]
    return not (trail and trail[-1].outcome == "met")


def build_board_pack(session: Session, trust_id: str, term: Term, today: date) -> BoardPack:
    """The board pack of ``term`` for the trust, its figures as at the term's end (or today)."""
    if term.start > today:
        raise ValidationError(
            f"The {term.label} has not started yet ({format_day(term.start)}): choose a term "
            "that has begun."
        )
    trust = session.get(models.Trust, trust_id)
    viewer = board_viewer(session, trust_id)
    as_of = min(term.end, today)
    schools = visible_schools(session, viewer)
    names = {s.id: s.name for s in schools}
    ids = list(names)
    history = category_history(session, ids)
    visibility = Visibility(session, viewer)
    reviews = readable_reviews(session, visibility, ids)
    judgements = agreed_judgements(session, visibility, reviews)

    schemes: dict[str, CategorisationScheme | None] = {}
    counts: dict[str, int] = defaultdict(int)
    colours: dict[str, str] = {}
    order: dict[str, int] = {}
    changes = []
    for school in schools:
        views = history.get(school.id, [])
        now = _category_at(views, as_of)
        if now is not None:
            counts[now.label] += 1
            scheme = scheme_named(session, trust_id, now.scheme_id, schemes)
            levels = list(scheme.levels) if scheme else []
            level = next((lv for lv in levels if lv.key == now.level_key), None)
            colours[now.label] = level.colour if level else "#8A94A3"
            order[now.label] = levels.index(level) if level else len(levels)
        for view in views:
            if term.start <= view.agreed_on <= as_of and view.label != view.previous_label:
                changes.append(
                    CategoryChange(
                        school=school.name,
                        was=view.previous_label,
                        now=view.label,
                        agreed_on=view.agreed_on,
                        reason=view.rationale,
                        agreed_by=view.agreed_by,
                    )
                )

    movements = []
    for column in (*AREA_COLUMNS, SEND_COLUMN):
        for school_id, cells in column_views(column, judgements, visibility.titles).items():
            for cell in cells:
                if not term.start <= cell.day <= as_of or cell.direction not in ("up", "down"):
                    continue
                assert cell.previous is not None
                movements.append(
                    Movement(
                        school=names[school_id],
                        area=column.label,
                        level=cell.level.label,
                        previous=cell.previous.label,
                        direction=cell.direction,
                        day=cell.day,
                        framework=cell.framework_title,
                    )
                )

    exceptions: set[str] = set()
    not_met = 0
    safeguarding = column_views(SAFEGUARDING_COLUMN, judgements, visibility.titles)
    for school_id, cells in safeguarding.items():
        for cell in cells:
            if term.start <= cell.day <= as_of and cell.level.tone in ("bad", "weak"):
                not_met += 1
                exceptions.add(school_id)
    actions = [
        a
        for a in trust_actions(session, viewer)
        if a.review.visit_end <= as_of and _open_at(a, as_of)
    ]
    guarded = [a for a in actions if a.safeguarding]
    overdue = sorted(
        (a for a in actions if not a.safeguarding and a.due is not None and a.due < as_of),
        key=lambda a: (a.due or as_of, a.school.name),
    )

    visits = school_visits(session, ids, as_of)
    meetings = school_meetings(session, ids)
    cadence = []
    for school in schools:
        now = _category_at(history.get(school.id, []), as_of)
        scheme = scheme_named(session, trust_id, now.scheme_id, schemes) if now else None
        level = next((lv for lv in scheme.levels if lv.key == now.level_key), None) if (
            scheme and now
        ) else None  # fmt: skip
        if now is None or level is None:
            continue
        held = {
            a: [d for d in days if d <= as_of] for a, days in meetings.get(school.id, {}).items()
        }
        before = {a: [d for d in days if d < term.start] for a, days in held.items()}
        own = visits.get(school.id, [])
        earlier = [v for v in own if v.start < term.start]
        start_dues = support_due(level, now.agreed_on, earlier, term.start, meetings=before)
        done = due = 0
        for item, first in zip(level.support_cadence, start_dues, strict=True):
            if item.framework is not None:
                done += sum(
                    1 for v in own if v.framework_id == item.framework
                    and term.start <= v.start <= as_of
                )  # fmt: skip
            else:
                done += sum(1 for d in held.get(item.activity, []) if d >= term.start)
            step, day = timedelta(weeks=item.every_weeks), first.due
            while day <= as_of:
                due += 1
                day = max(day, term.start) + step
        late = [
            f"{d.item.activity} (due {format_day(d.due)})"
            for d in support_due(level, now.agreed_on, own, as_of, meetings=held)
            if d.overdue(as_of)
        ]
        cadence.append(
            CadenceLine(
                school=school.name, category=now.label, done=done, due=due, overdue=tuple(late)
            )
        )

    return BoardPack(
        trust_name=trust.name if trust else "",
        term_label=term.label,
        start=term.start,
        end=term.end,
        as_of=as_of,
        generated_on=today,
        schools=len(schools),
        visits_done=sum(1 for vs in visits.values() for v in vs if term.start <= v.start <= as_of),
        category_counts=tuple(
            (label, counts[label], colours[label])
            for label in sorted(counts, key=order.__getitem__)
        ),
        category_changes=tuple(sorted(changes, key=lambda c: (c.agreed_on, c.school))),
        movements=tuple(movements),
        safeguarding=SafeguardingCounts(
            views_not_met=not_met,
            schools_with_exception=len(exceptions),
            open_actions=len(guarded),
            overdue_actions=sum(1 for a in guarded if a.due is not None and a.due < as_of),
        ),
        overdue_actions=tuple(
            OverdueAction(
                school=a.school.name,
                text=a.text,
                owner=a.owner,
                due=a.due or as_of,
                theme=a.theme,
            )
            for a in overdue
        ),
        cadence=tuple(cadence),
    )


def board_pack_pdf(session: Session, trust_id: str, term_text: str, today: date) -> bytes:
    """The board pack of the term named ``term_text`` as PDF bytes."""
    from reviewer_app.reports.board_pack import render_board_pack

    return render_board_pack(build_board_pack(session, trust_id, parse_term(term_text), today))


def only_trust(session: Session) -> str:
    """The server's trust, when it holds exactly one (the command line needs no --trust then)."""
    trusts = session.exec(select(models.Trust).order_by(col(models.Trust.name))).all()
    if len(trusts) != 1:
        listed = ", ".join(f"{t.name} ({t.id})" for t in trusts) or "none"
        raise ValidationError(
            f"The server holds {len(trusts)} trusts ({listed}): name one with --trust."
        )
    return trusts[0].id


def record_made(session: Session, actor: Actor, trust_id: str, term: Term, where: str) -> None:
    audit.record(
        session,
        actor,
        "board-pack.make",
        f"{actor.name} made the board pack for the {term.label} ({where})",
        trust_id=trust_id,
    )


def write_board_pack(
    session: Session,
    trust_id: str | None,
    term_text: str,
    out: Path,
    today: date,
    actor: Actor,
) -> str:
    """Write the pack to ``out``; returns a line saying what was written."""
    trust = trust_id or only_trust(session)
    term = parse_term(term_text)
    data = board_pack_pdf(session, trust, term.key, today)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise ValidationError(f"The board pack could not be written to {out}: {exc}.") from exc
    record_made(session, actor, trust, term, f"written to {out.name}")
    return f"Board pack for the {term.label} written to {out} ({len(data):,} bytes)"
