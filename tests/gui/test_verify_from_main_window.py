"""File > Verify a report… in the main window: a signed report someone emailed is checked
against the trust root this computer knows and the review in the local store; one changed byte
makes it invalid.

The report is the fixture trust's signed peer review (``support/fixture_trust.py``), signed by
its team with certificates from a trust CA made for the test, whose root this computer keeps
(as enrolment leaves it)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.verify_dialog import CHECKED_AGAINST_STORE, VerifyReportDialog
from support.fixture_trust import BIRCHWOOD, LEAD, SIGNED_REVIEW, TRUST_NAME


def _signed_report(shell: Shell, folder: Path) -> Path:
    """Birchwood's signed peer review for the school, signed in order by its team, as the lead
    would email it."""
    from reviewer_app.reports.ca import CaFolder, issue_certificate
    from reviewer_app.reports.keys import certificate_pem, credentials, generate_signing_key
    from reviewer_app.reports.signing import prepare_and_render, sign_report
    from reviewer_app.services.report_builder import build_report_source
    from reviewer_app.services.signing_identity import TRUST_CRL_FILE, TRUST_ROOT_FILE
    from reviewer_app.storage.signed_report_repository import (
        SignedReportRepository,
        SignedReportVersion,
    )

    workspace = shell.workspace
    paths = shell.window.services.paths
    created = CaFolder.create(folder / "trust-ca", TRUST_NAME, b"ca passphrase")
    ca = created.unlock(b"ca passphrase")
    (paths.config / TRUST_ROOT_FILE).write_bytes(certificate_pem(ca.certificate))
    (paths.cache / TRUST_CRL_FILE).write_bytes(created.crl_path.read_bytes())
    school = next(s for s in workspace.list_schools(BIRCHWOOD) if s.name == BIRCHWOOD)
    visit = next(
        v
        for v in workspace.visits_for_school(school.id)
        if v.framework_id == SIGNED_REVIEW[1] and v.status is VisitStatus.SIGNED
    )
    source = build_report_source(workspace, visit.id)
    document = source.draft.for_audience(source.audience("school_facing"))
    people = {p.name: p for p in workspace.list_people()}
    pdf = prepare_and_render(document)
    for slot in document.signing_order:
        person = people[slot.person_name]
        key = generate_signing_key()
        cert = issue_certificate(
            ca, key.public_key(), name=person.name, email=person.email, roles=()
        )
        pdf = sign_report(
            pdf, credentials(key, cert), field_name=slot.field_name,
            trust_roots=(ca.certificate,), crls=(),
        )  # fmt: skip
    # Kept in the store as signing on this computer keeps it (the store's review is checked).
    slots = document.signing_order
    with workspace.store.writing() as session:
        SignedReportRepository(session).add(
            SignedReportVersion(
                new_id(), source.review.id, document.report_id, "school_facing",
                document.data_hash(), len(slots), len(slots), slots[-1].person_name,
                datetime.now(UTC), pdf,
            )
        )  # fmt: skip
    path = folder / "Birchwood peer review.pdf"
    path.write_bytes(pdf)
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


def test_verify_a_report_from_the_file_menu(qtbot: QtBot, shell: Shell, tmp_path: Path) -> None:
    path = _signed_report(shell, tmp_path)
    dialog = _open_dialog(qtbot, shell)
    with qtbot.waitSignal(dialog.verification_finished, timeout=20_000) as valid:
        dialog.verify_file(path)
    assert valid.args[0].passed, valid.args[0].sentences()
    assert "is valid" in dialog.headline.text()
    rows = _rows(dialog)
    assert rows[0].startswith("✓  ")
    assert any(row.startswith(f"✓  {LEAD} signed as lead reviewer") for row in rows), rows
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
