"""A review whose evidence notes cannot be read still opens, and says so where the notes go."""

from __future__ import annotations

import logging

import pytest

from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.review_editor import editor as editor_module
from reviewer_app.services.workspace import Workspace
from support.fixture_trust import CEDAR, LEAD


def test_notes_that_cannot_be_read_are_reported_in_the_evidence_panel(
    drive, qtbot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, expected_log
) -> None:
    expected_log(logging.ERROR, "The evidence notes could not be read")

    def unreadable(_workspace: Workspace, _review: object) -> list:
        raise OSError("disk I/O error")

    monkeypatch.setattr(editor_module, "evidence_notes", unreadable)
    shell = drive.start(LEAD)
    visit = drive.visit(shell, CEDAR, "learning-walk", status=VisitStatus.IN_PROGRESS)
    with caplog.at_level(logging.ERROR):
        editor = shell.window.open_visit(visit.id)
        assert editor is not None
        qtbot.waitUntil(lambda: editor.ctx is not None, timeout=10_000)
        label = editor.evidence.count_label
        qtbot.waitUntil(lambda: "could not be read" in label.text(), timeout=10_000)
    # The review itself is open and usable; only the notes are missing, and that is said.
    assert editor.ctx is not None
    assert editor.windowTitle() != "Review not opened"
    assert label.text() == "The evidence notes could not be read (see the log)."
    assert label.isVisible()
    assert label.property("role") == "fieldError"
    assert "evidence notes could not be read" in caplog.text
    drive.close_all()
