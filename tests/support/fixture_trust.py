"""A small trust of the tests' own: four schools, three people and a few visits, plugged into
the Workspace exactly as the demo trust is (``services.workspace.BuiltInTrust``), so a GUI test
that needs *a* trust does not depend on the demo's content, and improving the demo never breaks
it. It opens the demo's store file (its key is public) with this content instead.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.local_settings import CURRENT_PERSON, CURRENT_TRUST, set_setting
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.visit_repository import VisitRepository

if TYPE_CHECKING:
    from collections.abc import Callable

    from reviewer_app.paths import AppPaths
    from reviewer_app.services.signing_identity import TrustMaterial
    from reviewer_app.services.writer_lane import WriterLane
    from reviewer_app.storage.store import Store

TRUST_NAME = "Fixture Schools Trust"
#: (name, URN, phase, local authority, early years, sixth form)
SCHOOLS = (
    ("Alder Primary Academy", "900001", Phase.PRIMARY, "Leeds", True, False),
    ("Birchwood Primary School", "900002", Phase.PRIMARY, "York", False, False),
    ("Cedar Park High School", "900003", Phase.SECONDARY, "Leeds", False, True),
    ("Willow Special School", "910004", Phase.SPECIAL, "Wakefield", True, True),
)
#: (name, roles); the first is the person using the laptop.
PEOPLE = (
    ("Lee Lead", frozenset({Role.LEAD_REVIEWER})),
    ("Pat Peer", frozenset({Role.PEER_REVIEWER})),
    ("Dana Lock", frozenset({Role.SAFEGUARDING_LEAD})),
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
            trust = Trust(new_id(), TRUST_NAME)
            organisation.save_trust(trust)
            people = [
                Person(new_id(), trust.id, name, _email(name), roles) for name, roles in PEOPLE
            ]
            for person in people:
                organisation.save_person(person)
            lead, peer = people[0], people[1]
            team = (
                VisitReviewer(lead.id, Role.LEAD_REVIEWER),
                VisitReviewer(peer.id, Role.PEER_REVIEWER),
            )
            visits = VisitRepository(session)
            for index, (name, urn, phase, authority, early, sixth) in enumerate(SCHOOLS):
                school = School(
                    new_id(), trust.id, urn, name, phase, authority,
                    has_early_years=early, has_sixth_form=sixth,
                )  # fmt: skip
                organisation.save_school(school)
                past = self.today - timedelta(days=40 + 7 * index)
                ahead = self.today + timedelta(days=20 + 7 * index)
                for day, status in ((past, VisitStatus.SIGNED), (ahead, VisitStatus.PLANNED)):
                    happened = day if status is VisitStatus.SIGNED else None
                    visit = Visit(
                        new_id(), school.id, "learning-walk", day, day, team, status,
                        actual_start=happened, actual_end=happened,
                    )  # fmt: skip
                    visits.save_visit(visit)
            set_setting(session, CURRENT_TRUST, trust.id)
            set_setting(session, CURRENT_PERSON, lead.id)


def _email(name: str) -> str:
    return f"{name.split()[0].lower()}@fixture.example"


def open_fixture_workspace(paths: AppPaths) -> Workspace:
    """The tests' trust in a store under ``paths`` (the demo's store file: a public key)."""
    return Workspace.open(paths, demo=True, built_in=FixtureTrust())
