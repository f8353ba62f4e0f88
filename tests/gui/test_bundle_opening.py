"""A double-clicked ``.reviewer`` bundle: ``reviewer-app PATH`` imports it once the store is
open and says what arrived; a damaged one is refused in a sentence, with nothing imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell
from reviewer_app.cli import main, take_bundle
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.bundle_opening import import_bundle_file
from reviewer_app.paths import AppPaths
from reviewer_app.services.review_session import open_review
from support.fixture_trust import open_fixture_workspace

WINDOWS_PATH = "C:\\Users\\Siân\\Downloads\\Visit.REVIEWER"


@pytest.mark.parametrize(
    ("argv", "bundle", "left"),
    [
        (
            ["C:\\Users\\Siân\\Downloads\\Visit.REVIEWER"],
            "C:\\Users\\Siân\\Downloads\\Visit.REVIEWER",
            [],
        ),
        (["--demo", "/home/a/visit.reviewer"], "/home/a/visit.reviewer", ["--demo"]),
        (["import", "visit.reviewer"], None, ["import", "visit.reviewer"]),
        (["--demo"], None, ["--demo"]),
    ],
)
def test_the_bundle_argument_is_taken_only_when_no_command_is_named(
    argv: list[str], bundle: str | None, left: list[str]
) -> None:
    found = take_bundle(argv)
    assert (str(found) if found else None) == bundle
    assert argv == left


def _message(qtbot: QtBot, shell: Shell) -> QMessageBox:
    qtbot.waitUntil(
        lambda: getattr(shell.window, "bundle_message", None) is not None, timeout=20_000
    )
    box: QMessageBox = shell.window.bundle_message
    assert box.isVisible()
    return box


def test_a_bundle_from_another_laptop_is_imported_and_said(
    qtbot: QtBot, shell: Shell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another laptop's store (the same trust) with a note the window's store does not have.
    other = AppPaths.from_base(tmp_path / "other laptop")
    with open_fixture_workspace(other) as workspace:
        me = workspace.current_person.id
        visit = next(
            v
            for s in workspace.list_schools()
            for v in workspace.visits_for_school(s.id)
            if v.status is VisitStatus.PLANNED and v.is_team_member(me)
        )
        review = open_review(workspace, visit.id, with_notes=False).review
        workspace.reviews.add_note(review.id, "Seen on the other laptop: calm corridors")
    bundle = tmp_path / "Visit from Siân.reviewer"
    monkeypatch.setenv("REVIEWER_BUNDLE_PASSPHRASE", "calm corridors all day")
    assert main(["export", str(bundle), "--demo", "--data-dir", str(other.data.parent)]) == 0
    monkeypatch.delenv("REVIEWER_BUNDLE_PASSPHRASE")

    # The bundle is encrypted: the app asks for its passphrase, and again when it is wrong.
    import_bundle_file(shell.window, bundle)
    qtbot.waitUntil(lambda: getattr(shell.window, "bundle_passphrase", None) is not None,
                    timeout=20_000)  # fmt: skip
    asked = shell.window.bundle_passphrase
    assert asked.textEchoMode() == QLineEdit.EchoMode.Password
    asked.setTextValue("not the passphrase")
    asked.accept()
    qtbot.waitUntil(lambda: shell.window.bundle_passphrase is not asked, timeout=60_000)
    again = shell.window.bundle_passphrase
    assert "the passphrase is wrong" in again.labelText()
    again.setTextValue("calm corridors all day")
    again.accept()
    box = _message(qtbot, shell)
    assert box.windowTitle() == "Reviews imported"
    assert box.text().startswith("From Visit from Siân.reviewer: ")
    assert "change(s) will be sent at the next sync" in box.text()
    notes = shell.workspace.reviews.notes(review.id)
    assert "Seen on the other laptop: calm corridors" in [n.text for n in notes]


def test_a_damaged_bundle_is_refused_in_a_sentence(
    qtbot: QtBot, shell: Shell, tmp_path: Path
) -> None:
    bundle = tmp_path / "half sent.reviewer"
    bundle.write_text('{"format": 1, "reviews": [', encoding="utf-8")
    import_bundle_file(shell.window, bundle)
    box = _message(qtbot, shell)
    assert box.windowTitle() == "Nothing was imported"
    assert "half sent.reviewer" in box.text()
    assert "Traceback" not in box.text()
