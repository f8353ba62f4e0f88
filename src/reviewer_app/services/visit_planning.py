"""Before a visit is planned: which kinds of visit its team may use, and whether the trust will
accept it (the rule the server applies, ``reviewer_app.server.visit_sync``).

The laptop knows, from its last sync, the people of the schools it reviews with their trust
roles and the schools each is assigned to (``HandshakeResponse.colleagues``, kept under
:data:`COLLEAGUES`). With that it says before any capture starts whether a visit will be
accepted; without it (never synced with a server that sends it) it says the trust decides at the
next sync.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session

from reviewer_app.domain.organisation import Person, Role, School
from reviewer_app.domain.visits import VisitReviewer
from reviewer_app.storage.local_settings import get_setting
from reviewer_app.storage.organisation_repository import OrganisationRepository

if TYPE_CHECKING:
    from reviewer_app.services.workspace import Workspace

#: ``local_setting`` key of the colleagues the last handshake named (JSON, see :func:`store`).
COLLEAGUES = "sync.colleagues"
#: ``local_setting`` key of the framework ids the trust plans visits with (JSON list).
TRUST_FRAMEWORKS = "sync.trust_frameworks"
#: Roles that may plan visits for the schools they are assigned to.
PLANNING_ROLES = frozenset({Role.LEAD_REVIEWER, Role.IMPROVEMENT_PARTNER})


@dataclass(frozen=True, slots=True)
class Colleague:
    """Someone's trust roles and the schools (of those this laptop sees) they review."""

    roles: frozenset[Role]
    school_ids: frozenset[str]


def _roles(values: Iterable[str]) -> frozenset[Role]:
    return frozenset(Role(v) for v in values if v in Role._value2member_map_)


def stored_colleagues(session: Session) -> dict[str, Colleague] | None:
    """The colleagues the last handshake named, or None when no handshake named any."""
    text = get_setting(session, COLLEAGUES)
    if not text:
        return None
    data = json.loads(text)
    return {
        person_id: Colleague(_roles(entry["roles"]), frozenset(entry["school_ids"]))
        for person_id, entry in data.items()
    }


def colleagues_json(entries: Iterable[tuple[str, Sequence[str], Sequence[str]]]) -> str:
    """The stored form of (person id, roles, school ids) entries."""
    return json.dumps(
        {p: {"roles": sorted(r), "school_ids": sorted(s)} for p, r, s in entries}, sort_keys=True
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether the trust will accept a visit: True, False, or None when it cannot be told."""

    accepted: bool | None
    message: str


@dataclass(frozen=True, slots=True)
class PlanningFacts:
    """What this laptop knows for planning: who plans, whether the laptop syncs, the people."""

    planner: Person
    connected: bool
    people: Mapping[str, Person]
    colleagues: Mapping[str, Colleague] | None
    #: The frameworks the trust plans visits with (None when not known).
    frameworks: frozenset[str] | None = None

    def roles_of(self, person_id: str) -> frozenset[Role]:
        known = self.colleagues.get(person_id) if self.colleagues is not None else None
        if known is not None:
            return known.roles
        person = self.planner if person_id == self.planner.id else self.people.get(person_id)
        return person.roles if person is not None else frozenset()

    def name_of(self, person_id: str) -> str:
        person = self.people.get(person_id)
        return person.name if person is not None else "Someone on the team"

    def team_may_use(self, team: Sequence[VisitReviewer], visible_to: Iterable[Role]) -> bool:
        """Whether every member of ``team`` may see a framework restricted to ``visible_to``
        (any framework when it is not restricted, or while the team is empty)."""
        needed = frozenset(visible_to)
        return not needed or all(self.roles_of(m.person_id) & needed for m in team)

    def verdict(
        self,
        school: School | None,
        team: Sequence[VisitReviewer],
        framework_title: str,
        visible_to: Iterable[Role] = (),
        framework_id: str | None = None,
    ) -> Verdict:
        """Whether the trust will accept this visit, and why not, in a sentence."""
        if not self.connected:
            return Verdict(
                None,
                "This laptop is not connected to a trust server, so the visit stays on this "
                "laptop (Sync > Connect to trust server… sends it).",
            )
        if self.colleagues is None:
            return Verdict(None, "The trust checks this visit at the next sync.")
        if school is None:
            return Verdict(None, "")
        planner_roles = self.roles_of(self.planner.id)
        admin = Role.TRUST_ADMIN in planner_roles
        if not admin:
            mine = self.colleagues.get(self.planner.id)
            if mine is None or school.id not in mine.school_ids:
                return Verdict(
                    False,
                    f"The trust will refuse this visit: you are not assigned to {school.name}. "
                    "Ask your trust admin to assign you, or to plan it on the trust console.",
                )
            if not planner_roles & PLANNING_ROLES:
                return Verdict(
                    False,
                    f"The trust will refuse this visit: only a lead reviewer or improvement "
                    f"partner assigned to {school.name} (or a trust admin) can plan its visits. "
                    "Ask your lead reviewer to plan it.",
                )
        if framework_id and self.frameworks is not None and framework_id not in self.frameworks:
            return Verdict(
                False,
                f"The trust will refuse this visit: its server does not use the "
                f"{framework_title.lower()}. Ask your trust admin to add it, or choose another "
                "kind of visit.",
            )
        if not team:
            return Verdict(None, "")
        if not any(m.role is Role.LEAD_REVIEWER for m in team):
            return Verdict(
                False, "The trust will refuse this visit: make someone on the team its lead."
            )
        needed = frozenset(visible_to)
        for member in team:
            if needed and not self.roles_of(member.person_id) & needed:
                return Verdict(
                    False,
                    f"The trust will refuse this visit: a {framework_title.lower()} needs a "
                    f"designated safeguarding lead as its lead and on every place of its team, "
                    f"and {self.name_of(member.person_id)} is not one.",
                )
        unassigned = [
            self.name_of(m.person_id)
            for m in team
            if school.id
            not in self.colleagues.get(m.person_id, Colleague(frozenset(), frozenset())).school_ids
        ]
        if unassigned and not admin:
            names = ", ".join(unassigned)
            return Verdict(
                False,
                f"The trust will refuse this visit: {names} "
                f"{'is' if len(unassigned) == 1 else 'are'} not assigned to {school.name}. Ask "
                "your trust admin to assign them first.",
            )
        return Verdict(True, f"The trust will accept this visit to {school.name}.")


def planning_facts(workspace: Workspace) -> PlanningFacts:
    """What the New visit dialog needs to tell whether the trust will accept a visit."""
    from reviewer_app.services.enrolment import enrolled_server

    store = workspace.store
    with store.reading() as session:
        colleagues = stored_colleagues(session)
        people = {p.id: p for p in OrganisationRepository(session).list_people()}
        known = get_setting(session, TRUST_FRAMEWORKS)
    frameworks = frozenset(json.loads(known)) if known else None
    return PlanningFacts(
        planner=workspace.current_person,
        connected=workspace.syncs and enrolled_server(store) is not None,
        people=people,
        colleagues=colleagues,
        frameworks=frameworks,
    )
