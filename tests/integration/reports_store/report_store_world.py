"""For the report-store tests: a keyring kept in a JSON file named by
``REVIEWER_TEST_KEYRING_FILE``, and switching who uses the laptop.

Command tests run ``reviewer-app`` as a subprocess; with
``PYTHON_KEYRING_BACKEND=report_store_world.FileKeyring`` the subprocess and the test share
store keys and signing keys without touching a real keyring.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

from reviewer_app.domain.organisation import Person
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.local_settings import CURRENT_PERSON, set_setting

KEYRING_FILE_ENV = "REVIEWER_TEST_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        return Path(os.environ[KEYRING_FILE_ENV])

    def _load(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return data

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\n{username}"] = password
        self._path.write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}\n{username}", None)
        self._path.write_text(json.dumps(data), encoding="utf-8")


def become(workspace: Workspace, person: Person) -> None:
    """Make ``person`` the one using this laptop (as if on their own laptop)."""

    def write() -> None:
        with workspace.store.writing() as session:
            set_setting(session, CURRENT_PERSON, person.id)

    workspace.lane.call(write)
    workspace.reload_identity()
