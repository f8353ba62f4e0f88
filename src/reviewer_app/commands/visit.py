"""``reviewer-app visit``: plan a visit and list the visits on this laptop.

* ``visit plan --school URN --framework ID --start DATE [--end DATE] --lead PERSON
  [--member PERSON:ROLE ...]`` plans a visit as the New visit dialog does: the same kinds of
  visit (a framework that suits the school's phase and that everyone on the team may use), the
  same domain checks, and before anything is stored it says whether the trust will accept it
  (:meth:`~reviewer_app.services.visit_planning.PlanningFacts.verdict`, the dialog's sentence).
  A visit the trust would refuse is not stored: the sentence says what to do. An accepted one is
  stored through ``Workspace.save_visit`` and sent at the next ``reviewer-app sync``.
* ``visit list`` prints the visits on this laptop: dates, school, kind, status, lead, id.

PERSON is a person's id or name (as listed by ``visit list`` teams and the app); ROLE is one of
``lead_reviewer``, ``peer_reviewer``, ``improvement_partner``, ``safeguarding_lead``.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from reviewer_app.cli import add_store_arguments
from reviewer_app.commands.workspace_opening import open_workspace, run_safely
from reviewer_app.domain.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from reviewer_app.domain.organisation import Person, School
    from reviewer_app.domain.visits import Visit
    from reviewer_app.services.workspace import Workspace


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="visit_command", required=True, metavar="COMMAND")
    plan = sub.add_parser("plan", help="plan a visit (the New visit dialog's rules)")
    plan.add_argument("--school", required=True, help="the school's URN, id or name")
    plan.add_argument("--framework", required=True, help="the kind of visit (framework id)")
    plan.add_argument("--start", required=True, type=_date, help="first day, YYYY-MM-DD")
    plan.add_argument("--end", type=_date, help="last day, YYYY-MM-DD (default: the start)")
    plan.add_argument("--lead", required=True, help="the lead reviewer (id or name)")
    plan.add_argument(
        "--member",
        action="append",
        default=[],
        metavar="PERSON:ROLE",
        help="another member of the team (repeat for each)",
    )
    add_store_arguments(plan)
    listing = sub.add_parser("list", help="list the visits on this laptop")
    add_store_arguments(listing)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-05-11") from None


def run(args: argparse.Namespace) -> int:
    def body() -> int:
        with open_workspace(args) as workspace:
            if args.visit_command == "plan":
                return _plan(workspace, args)
            return _list(workspace)

    return run_safely("visit", body, args)


def _plan(workspace: Workspace, args: argparse.Namespace) -> int:
    from reviewer_app.domain.ids import new_id
    from reviewer_app.domain.organisation import Role
    from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
    from reviewer_app.services.framework_catalogue import load_catalogue
    from reviewer_app.services.visit_planning import planning_facts

    school = _school(workspace, args.school)
    people = workspace.list_people()
    team = [VisitReviewer(_person(people, args.lead), Role.LEAD_REVIEWER)]
    for entry in args.member:
        who, _colon, role = entry.rpartition(":")
        if not who or role not in Role._value2member_map_:
            roles = ", ".join(r.value for r in Role if r is not Role.TRUST_ADMIN)
            raise ValidationError(
                f"--member {entry!r} is not PERSON:ROLE.", hint=f"ROLE is one of {roles}."
            )
        team.append(VisitReviewer(_person(people, who), Role(role)))
    kinds = {k.framework_id: k for k in load_catalogue(library=workspace.library()).kinds}
    kind = kinds.get(args.framework)
    if kind is None:
        raise NotFoundError(
            f"There is no kind of visit {args.framework!r} on this laptop.",
            hint="Kinds: " + ", ".join(sorted(kinds)) + ".",
        )
    if not kind.suits(school):
        raise ValidationError(
            f"A {kind.title.lower()} is not for {school.name}'s phase ({school.phase.value})."
        )
    facts = planning_facts(workspace)
    if not facts.team_may_use(team, kind.visible_to):
        raise ValidationError(
            f"A {kind.title.lower()} needs a designated safeguarding lead as its lead and on "
            "every place of its team; choose another kind of visit or change the team."
        )
    verdict = facts.verdict(school, team, kind.title, kind.visible_to, kind.framework_id)
    if verdict.accepted is False:
        raise ValidationError(f"{verdict.message} Nothing was stored.")
    visit = Visit(
        id=new_id(),
        school_id=school.id,
        framework_id=kind.framework_id,
        planned_start=args.start,
        planned_end=args.end or args.start,
        reviewers=tuple(team),
        status=VisitStatus.PLANNED,
    )
    workspace.save_visit(visit)
    print(f"Planned {kind.title} at {school.name}, {_dates(visit)}: visit {visit.id}.")
    if verdict.message:
        print(verdict.message)
    if facts.connected:
        print("It goes to the trust at the next sync (reviewer-app sync).")
    return 0


def _school(workspace: Workspace, wanted: str) -> School:
    for school in workspace.list_schools():
        if wanted in (school.id, school.urn) or wanted.casefold() == school.name.casefold():
            return school
    raise NotFoundError(
        f"There is no school {wanted!r} on this laptop.",
        hint="Give its URN, id or name; sync first to receive the schools you are assigned to.",
    )


def _person(people: list[Person], wanted: str) -> str:
    for person in people:
        if wanted == person.id or wanted.casefold() == person.name.casefold():
            return str(person.id)
    raise NotFoundError(
        f"There is nobody called {wanted!r} on this laptop.",
        hint="Give a person's id or full name; sync first to receive your colleagues.",
    )


def _dates(visit: Visit) -> str:
    start, end = visit.planned_start, visit.planned_end
    return f"{start:%-d %B %Y}" if start == end else f"{start:%-d %B %Y} to {end:%-d %B %Y}"


def _list(workspace: Workspace) -> int:
    library = workspace.library()
    titles = {k: library.latest(k).title for k in library.framework_ids}
    names = {p.id: p.name for p in workspace.list_people()}
    found = 0
    for school in workspace.list_schools():
        for visit in workspace.visits_for_school(school.id):
            lead = next(
                (m.person_id for m in visit.reviewers if m.role.value == "lead_reviewer"), ""
            )
            title = titles.get(visit.framework_id, visit.framework_id)
            print(
                f"{_dates(visit)}  {school.name}  {title}  {visit.status.value}  "
                f"lead {names.get(lead, '-')}  {visit.id}"
            )
            found += 1
    if not found:
        print("No visits on this laptop yet.")
    return 0
