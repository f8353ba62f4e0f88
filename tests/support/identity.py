"""Being one of the trust's people on a laptop, the way tests and benches switch who uses it.

The app learns who uses a laptop at enrolment (or from the demo); a test that wants to look
through another person's eyes writes the laptop's current-person setting and has the workspace
read it again, without a door in the product that no person opens.
"""

from __future__ import annotations

from reviewer_app.domain.organisation import Person
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.local_settings import CURRENT_PERSON, set_setting
from reviewer_app.storage.organisation_repository import OrganisationRepository


def act_as(workspace: Workspace, person: Person) -> Person:
    """Make ``person`` (one of this trust's people) the one using the laptop."""
    if person.trust_id != workspace.trust.id:
        raise ValueError(f"{person.name} is not one of {workspace.trust.name}'s people")

    def write() -> None:
        with workspace.store.writing() as session:
            OrganisationRepository(session).save_person(person)
            set_setting(session, CURRENT_PERSON, person.id)

    workspace.lane.call(write)
    workspace.reload_identity()
    return workspace.current_person
