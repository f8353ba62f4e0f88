"""File > Verify a report… in the main window: a signed demo report someone emailed is checked
against the trust root this computer knows and the review in the local store; one changed byte
makes it invalid.

The valid report is one of the demo's own signed reports (made by the demo trust on first need,
with the demo CA), so that test runs on the demo (``demo_shell``): it checks the demo's reports
verify, which is the demo's content by design."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.verify_dialog import CHECKED_AGAINST_STORE, VerifyReportDialog
from reviewer_app.services.report_service import ReportService


def _signed_demo_report(shell: Shell, folder: Path) -> Path:
    """St Aidan's signed learning walk, as the lead would email it."""
    workspace = shell.workspace
    school = next(iter(workspace.list_schools("St Aidan")))
    visit = next(
        v
        for v in workspace.visits_for_school(school.id)
        if v.framework_id == "learning-walk" and v.status is VisitStatus.SIGNED
    )
    version = ReportService(workspace, shell.window.services.paths).latest_signed(
        visit.id, "school_facing"
    )
    assert version is not None
    assert version.complete
    path = folder / "St Aidan's learning walk.pdf"
    path.write_bytes(version.pdf)
    return path


def _file_menu_action(shell: Shell, text: str) -> QAction:
    file_menu = next(a.menu() for a in shell.window.menuBar().actions() if a.text() == "&File")
    return next(a for a in file_menu.actions() if a.text() == text)


def _open_dialog(qtbot: QtBot, shell: Shell) -> VerifyReportDialog:
    _file_menu_action(shell, "&Verify a report…").trigger()
    qtbot.waitUntil(lambda: shell.window.findChild(VerifyReportDialog) is not None, timeout=10_000)
    dialog = shell.window.findChild(VerifyReportDialog)
    assert dialog.isVisible()
    return dialog


def _rows(dialog: VerifyReportDialog) -> list[str]:
    return [dialog.details.item(i).text() for i in range(dialog.details.count())]


def test_verify_a_report_from_the_file_menu(
    qtbot: QtBot, demo_shell: Shell, tmp_path: Path
) -> None:
    shell = demo_shell
    path = _signed_demo_report(shell, tmp_path)
    dialog = _open_dialog(qtbot, shell)
    with qtbot.waitSignal(dialog.verification_finished, timeout=20_000) as valid:
        dialog.verify_file(path)
    assert valid.args[0].passed, valid.args[0].sentences()
    assert "is valid" in dialog.headline.text()
    rows = _rows(dialog)
    assert rows[0].startswith("✓  Sarah Okafor signed as ")
    assert CHECKED_AGAINST_STORE in rows

    data = bytearray(path.read_bytes())
    data[data.index(b"stream", 2000) + 40] ^= 0x01  # one byte of the first page's content
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    with qtbot.waitSignal(dialog.verification_finished, timeout=20_000) as invalid:
        dialog.verify_file(tampered)
    assert not invalid.args[0].passed
    assert "NOT valid" in dialog.headline.text()
    assert any("signed content has been changed" in r for r in _rows(dialog))
    dialog.close()


def test_without_a_trust_root_the_dialog_says_so(
    qtbot: QtBot, shell: Shell, tmp_path: Path
) -> None:
    """A store with no enrolled trust and no trust root of its own: no root is known."""
    from reviewer_app.gui.verify_launcher import NO_TRUST_ROOT

    dialog = _open_dialog(qtbot, shell)
    assert dialog.headline.text() == NO_TRUST_ROOT
    dialog.close()
