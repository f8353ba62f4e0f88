"""For the report-store tests: switching who uses the laptop (the keyring they share with
``reviewer-app`` subprocesses is ``keyring_backends.FileKeyring``)."""

from __future__ import annotations

from reviewer_app.domain.organisation import Person
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.local_settings import CURRENT_PERSON, set_setting


def become(workspace: Workspace, person: Person) -> None:
    """Make ``person`` the one using this laptop (as if on their own laptop)."""

    def write() -> None:
        with workspace.store.writing() as session:
            set_setting(session, CURRENT_PERSON, person.id)

    workspace.lane.call(write)
    workspace.reload_identity()
