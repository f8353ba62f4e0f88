"""The Verify report dialog: a valid report, a half-signed one and a file that is no PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.gui.verify_dialog import VerifyReportDialog
from support.sample_reports import SampleTrust


@pytest.fixture
def tasks(reader_tasks: TaskRunner) -> TaskRunner:
    return reader_tasks


def _dialog(qtbot: QtBot, trust: SampleTrust, tasks: TaskRunner) -> VerifyReportDialog:
    dialog = VerifyReportDialog([trust.root], tasks=tasks)
    qtbot.addWidget(dialog)
    return dialog


def test_valid_report_lists_each_signer(
    qtbot: QtBot,
    gui_trust: SampleTrust,
    signed_versions: list[bytes],
    tmp_path: Path,
    tasks: TaskRunner,
) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_versions[-1])
    dialog = _dialog(qtbot, gui_trust, tasks)
    with qtbot.waitSignal(dialog.verification_finished, timeout=20000) as blocker:
        dialog.verify_file(path)
    assert blocker.args[0].passed
    assert "is valid" in dialog.headline.text()
    rows = [dialog.details.item(i).text() for i in range(dialog.details.count())]
    assert rows[0].startswith("✓  Amira Hussain signed as peer reviewer on ")
    assert any("Dr Sarah Whitfield signed as lead reviewer" in r for r in rows)
    assert dialog.choose_button.isEnabled()


def test_half_signed_report_names_who_is_missing(
    qtbot: QtBot,
    gui_trust: SampleTrust,
    signed_versions: list[bytes],
    tmp_path: Path,
    tasks: TaskRunner,
) -> None:
    path = tmp_path / "half.pdf"
    path.write_bytes(signed_versions[1])
    dialog = _dialog(qtbot, gui_trust, tasks)
    with qtbot.waitSignal(dialog.verification_finished, timeout=20000):
        dialog.verify_file(path)
    assert "NOT valid" in dialog.headline.text()
    rows = [dialog.details.item(i).text() for i in range(dialog.details.count())]
    assert any(r.startswith("✗  Tom Fletcher (peer reviewer) has not signed") for r in rows)


def test_not_a_pdf_fails_with_a_sentence(
    qtbot: QtBot, gui_trust: SampleTrust, tmp_path: Path, tasks: TaskRunner
) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("just notes")
    dialog = _dialog(qtbot, gui_trust, tasks)
    with qtbot.waitSignal(dialog.verification_failed, timeout=20000) as blocker:
        dialog.verify_file(path)
    assert "is not a PDF file" in blocker.args[0]
    assert dialog.headline.text() == blocker.args[0]


def test_closing_the_dialog_while_checking_is_harmless(
    qtbot: QtBot,
    gui_trust: SampleTrust,
    signed_versions: list[bytes],
    tmp_path: Path,
    tasks: TaskRunner,
) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_versions[-1])
    dialog = VerifyReportDialog([gui_trust.root], tasks=tasks)
    finished: list[object] = []
    dialog.verification_finished.connect(finished.append)
    dialog.verify_file(path)
    dialog.close()
    dialog.deleteLater()
    # The runner delivers the outcome to nobody: the dialog is gone, nothing is shown.
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=20000)
    assert finished == []
