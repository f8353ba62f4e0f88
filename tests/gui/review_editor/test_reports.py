"""Reports from inside the review editor, on the tests' own trust: the preview of each audience
(Ctrl+P), export, and a three-signer sign-off through the Sign report dialog that refuses out of
order, refuses a changed review, locks the review after the last signature, and produces a PDF
that poppler's pdfsig and our verifier accept.
"""

from __future__ import annotations

import gc
import json
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.models.visits import STATUS, YOUR_TURN
from reviewer_app.gui.review_editor import ReviewEditor
from reviewer_app.gui.review_editor.report_windows import ReportPreviewDialog
from reviewer_app.gui.review_editor.sign_dialog import SignReportDialog
from reviewer_app.paths import AppPaths
from reviewer_app.reports.ca import CaFolder
from reviewer_app.reports.keys import certificate_pem
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.signing_identity import TRUST_CRL_FILE, TRUST_ROOT_FILE, SigningIdentity
from support.fixture_trust import (
    BIRCHWOOD,
    CEDAR,
    LEAD,
    PEER,
    SAFEGUARDING_LEAD,
    SAFEGUARDING_PEER,
    SECOND_PEER,
    TRUST_NAME,
)

KEY_PASSPHRASE = "correct horse battery"
PRIYA, TOM, DAVID = PEER, SECOND_PEER, LEAD


def _close(qtbot: QtBot, window) -> None:
    """Close a report window and let it go while the test still runs its events."""
    window.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=10_000)


def _preview(qtbot: QtBot, editor: ReviewEditor) -> ReportPreviewDialog:
    """Ctrl+P in the editor opens the preview, which renders in the background."""
    qtbot.keyClick(editor, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.reports.preview_dialog
    assert dialog is not None
    return dialog


def test_preview_renders_each_audience_the_person_may_read(
    drive, qtbot: QtBot, tmp_path, monkeypatch
) -> None:
    shell = drive.start(SAFEGUARDING_LEAD)  # a safeguarding lead: every audience is readable
    visit = drive.visit(shell, BIRCHWOOD, "two-day-peer-review", status=VisitStatus.SIGNED)
    editor = drive.open(shell, visit)
    dialog = _preview(qtbot, editor)
    with qtbot.waitSignal(dialog.preview_shown, timeout=20_000) as first:
        pass
    assert first.args[0] == "school_facing"  # the default: the report most people read
    combo = dialog.audience_combo
    keys = [combo.itemData(i) for i in range(combo.count())]
    assert keys == ["full_internal", "school_facing", "board_summary"]
    pages: dict[str, int] = {first.args[0]: first.args[1]}
    for key in ("full_internal", "board_summary"):
        with qtbot.waitSignal(dialog.preview_shown, timeout=20_000) as shown:
            dialog.choose_audience(key)
        assert shown.args[0] == key
        pages[key] = shown.args[1]
        assert dialog.preview.page_count == shown.args[1]
        assert "not signed" in dialog.preview.title_label.text()
    assert all(count > 0 for count in pages.values()), pages
    assert pages["board_summary"] <= pages["full_internal"]

    # Export PDF… writes what is shown to the chosen place.
    out = tmp_path / "exported" / "board.pdf"
    out.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PDF files (*.pdf)")
    )
    with qtbot.waitSignal(dialog.preview.exported, timeout=20_000):
        dialog.preview.export_button.click()
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 10_000
    assert dialog.status.text() == f"Saved the report to {out}."
    _close(qtbot, dialog)
    assert editor.reports.preview_dialog is None


def _start_review(workspace, visit_id: str, framework_id: str):
    framework = installed_library().latest(framework_id)
    return workspace.reviews.start_review(
        visit_id,
        framework_id=framework.id,
        framework_version=framework.version,
        framework_hash=framework.content_hash,
        framework_snapshot=json.dumps(framework.to_snapshot()),
    )


def test_restricted_audience_is_greyed_with_the_reason(drive, qtbot: QtBot) -> None:
    from reviewer_app.domain.organisation import Role
    from reviewer_app.domain.visits import Visit, VisitReviewer

    shell = drive.start(DAVID)  # lead reviewer without a safeguarding role
    workspace = shell.workspace
    people = {p.name: p for p in workspace.list_people()}
    school = next(iter(workspace.list_schools(CEDAR)))
    visit = workspace.save_visit(
        Visit(
            id="restricted-detail-visit",
            school_id=school.id,
            framework_id="two-day-peer-review",
            planned_start=date.today(),
            planned_end=date.today(),
            reviewers=(
                VisitReviewer(people[DAVID].id, Role.LEAD_REVIEWER),
                VisitReviewer(people[SAFEGUARDING_PEER].id, Role.SAFEGUARDING_LEAD),
                VisitReviewer(people[TOM].id, Role.PEER_REVIEWER),
            ),
            status=VisitStatus.IN_PROGRESS,
        )
    )
    review = _start_review(workspace, visit.id, "two-day-peer-review")
    workspace.reviews.agree_judgement(review.id, "scr-sample", "met")
    drive.records_as(shell, SAFEGUARDING_PEER).set_field(
        review.id, "scr-sample.records-sampled", 12
    )
    editor = drive.open(shell, visit)
    dialog = _preview(qtbot, editor)
    qtbot.waitUntil(lambda: editor.tasks.pending == 0, timeout=20_000)
    assert dialog.status.text() == ""
    assert dialog.audience == "school_facing"
    combo = dialog.audience_combo
    model = combo.model()

    def enabled(key: str) -> bool:
        flags = model.flags(model.index(combo.findData(key), 0))
        return bool(flags & Qt.ItemFlag.ItemIsEnabled)

    full = combo.findData("full_internal")
    assert not enabled("full_internal")
    tip = combo.itemData(full, Qt.ItemDataRole.ToolTipRole)
    assert f"restricted safeguarding detail, which {DAVID} may not see" in tip
    assert enabled("board_summary")
    _close(qtbot, dialog)


def _enrol(paths: AppPaths, workspace, names: list[str], tmp_path: Path) -> None:
    """The trust's CA issues each signer a certificate for their own key (as at enrolment)."""
    ca = CaFolder.create(tmp_path / "trust-ca", TRUST_NAME, b"ca passphrase")
    (paths.config / TRUST_ROOT_FILE).write_bytes(certificate_pem(ca.root_certificate()))
    (paths.cache / TRUST_CRL_FILE).write_bytes(ca.crl_path.read_bytes())
    people = {p.name: p for p in workspace.list_people()}
    for name in names:
        identity = SigningIdentity(paths, people[name])
        key = identity.credentials(KEY_PASSPHRASE).private_key
        cert = ca.issue(b"ca passphrase", key.public_key(), name=name,
                        email=people[name].email, roles=())  # fmt: skip
        identity.certificate_file.write_bytes(certificate_pem(cert))


def _sign_dialog(qtbot: QtBot, editor: ReviewEditor) -> SignReportDialog:
    """The sign-off check's Sign report… button opens the dialog on the school-facing report."""
    page = editor.show_page("__sign_off__")
    assert page.sign_button.isEnabled()  # type: ignore[attr-defined]
    page.sign_button.click()  # type: ignore[attr-defined]
    dialog = editor.reports.sign_dialog
    assert dialog is not None
    # Signing and reading the signed versions runs pyHanko: slow on a loaded machine.
    qtbot.waitUntil(lambda: dialog.status is not None and editor.tasks.pending == 0, timeout=60_000)
    assert dialog.audience == "school_facing"
    return dialog


def _order(dialog: SignReportDialog) -> list[str]:
    return [dialog.order_list.item(i).text() for i in range(dialog.order_list.count())]


def _visit_status(shell, visit) -> str:
    """What the school page's visit list says of the visit's status."""
    model = shell.window.school_page.visits_model
    row = next(i for i, v in enumerate(model.visits()) if v.id == visit.id)
    return str(model.index(row, STATUS).data())


def _sign(qtbot: QtBot, dialog: SignReportDialog) -> None:
    dialog.passphrase.setFocus()
    qtbot.keyClicks(dialog.passphrase, KEY_PASSPHRASE)
    with qtbot.waitSignal(dialog.report_signed, timeout=20_000):
        dialog.sign_button.click()


def test_peers_sign_in_any_order_then_the_lead_and_the_review_locks(
    drive, qtbot: QtBot, paths: AppPaths, tmp_path: Path
) -> None:
    shell = drive.start(DAVID)
    workspace = shell.workspace
    _enrol(paths, workspace, [PRIYA, TOM, DAVID], tmp_path)
    visit = drive.visit(shell, CEDAR, "two-day-peer-review", status=VisitStatus.PLANNED)
    # The lead's review, filled in and marked ready (the editor tests cover filling it in).
    review = _start_review(workspace, visit.id, "two-day-peer-review")
    workspace.reviews.agree_judgement(review.id, "inclusion", "strong")
    workspace.reviews.set_field(review.id, "inclusion-strengths", "Needs are known early.")
    editor = drive.open(shell, visit)

    # Still a draft: nobody may sign, and the dialog says why.
    dialog = _sign_dialog(qtbot, editor)
    assert "cannot be signed yet" in dialog.turn.text()
    assert not dialog.sign_button.isEnabled()
    dialog.close()
    workspace.reviews.set_state(review.id, ReviewState.READY_FOR_SIGN_OFF)
    editor.load()
    drive.wait_loaded(editor, after=editor.ctx)

    # The lead signs last: out of order, the button stays off and the sentence names who is next.
    # The peers sign in any order among themselves (version 3 of the framework says so).
    dialog = _sign_dialog(qtbot, editor)
    assert _order(dialog) == [
        f"→  1. {PRIYA}, peer reviewer: may sign now",
        f"→  2. {TOM}, peer reviewer: may sign now",
        f"    3. {DAVID}, lead reviewer: waiting",
    ]
    assert dialog.order_note.isVisibleTo(dialog)
    assert dialog.order_note.text() == (
        f"The peer reviewers ({PRIYA} and {TOM}) sign in any order among themselves, all "
        "before the next signer."
    )
    assert dialog.turn.text() == (
        f"{PRIYA} and {TOM} (peer reviewers, in any order) sign the report for the school "
        f"next, not you ({DAVID})."
    )
    assert not dialog.sign_button.isEnabled()
    assert dialog.versions_list.count() == 0
    drive.close_all()

    # The second peer signs first, on his laptop.
    shell = drive.start(TOM)
    editor = drive.open(shell, visit)
    dialog = _sign_dialog(qtbot, editor)
    assert dialog.sign_button.text() == f"Sign as {TOM}"
    assert dialog.turn.text() == "It is your turn to sign, as peer reviewer."
    _sign(qtbot, dialog)
    # One signing act: the same signature goes on every audience's report.
    assert dialog.message.text() == (
        f"Signed as {TOM}: 1 of 3 signatures. The same signature is on the other 2 reports "
        "of this review."
    )
    assert _order(dialog)[1].startswith(f"✓  2. {TOM}, peer reviewer: signed on ")
    assert _order(dialog)[0] == f"→  1. {PRIYA}, peer reviewer: may sign now"
    assert not dialog.sign_button.isEnabled()  # not twice
    assert dialog.versions_list.count() == 1
    assert not editor.ctx.locked
    drive.close_all()

    # The first peer's turn: their visit list says so, and the status bar counts it.
    shell = drive.start(PRIYA)
    editor = drive.open(shell, visit)
    qtbot.waitUntil(lambda: _visit_status(shell, visit) == YOUR_TURN, timeout=10_000)
    turns = shell.window.turn_status
    assert turns.isVisibleTo(shell.window)
    assert turns.text().endswith(("1 report to sign", "reports to sign"))
    assert "for your signature" in turns.toolTip()
    # ... but the lead changed the review after the second peer signed: the service refuses.
    dialog = _sign_dialog(qtbot, editor)
    assert dialog.sign_button.isEnabled()
    drive.records_as(shell, DAVID).set_field(review.id, "inclusion-strengths", "Changed.")
    dialog.passphrase.setText(KEY_PASSPHRASE)
    with qtbot.waitSignal(dialog.signing_refused, timeout=20_000) as refused:
        dialog.sign_button.click()
    assert f"has changed since {TOM} signed this report" in refused.args[0]
    assert dialog.message.text() == refused.args[0]
    qtbot.waitUntil(lambda: editor.tasks.pending == 0, timeout=10_000)
    assert "has changed since" in dialog.turn.text()  # the status read again says so too
    assert not dialog.sign_button.isEnabled()
    drive.records_as(shell, DAVID).set_field(
        review.id, "inclusion-strengths", "Needs are known early."
    )
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.sign_button.isEnabled(), timeout=10_000)
    # A wrong passphrase is refused in words, and nothing is signed.
    dialog.passphrase.setText("not my passphrase")
    with qtbot.waitSignal(dialog.signing_refused, timeout=20_000) as refused:
        dialog.sign_button.click()
    assert "passphrase" in refused.args[0].lower()
    qtbot.waitUntil(lambda: dialog.sign_button.isEnabled(), timeout=10_000)
    dialog.passphrase.clear()
    _sign(qtbot, dialog)
    assert dialog.message.text().startswith(f"Signed as {PRIYA}: 2 of 3 signatures. The same")
    # Signed: no longer her turn, and the lead's.
    qtbot.waitUntil(lambda: _visit_status(shell, visit) == "Waiting for signatures", timeout=10_000)
    drive.close_all()

    # The lead signs last; the editor then shows the review signed and locked.
    shell = drive.start(DAVID)
    editor = drive.open(shell, visit)
    qtbot.waitUntil(lambda: _visit_status(shell, visit) == YOUR_TURN, timeout=10_000)
    before = editor.ctx
    dialog = _sign_dialog(qtbot, editor)
    _sign(qtbot, dialog)
    assert dialog.message.text() == (
        f"Signed as {DAVID}: 3 of 3 signatures. The same signature is on the other 2 reports "
        "of this review. Every required signature is on the report; the review is now locked."
    )
    assert (
        dialog.summary.text() == "The report for the school is signed by everyone who must sign it."
    )
    drive.wait_loaded(editor, after=before)
    assert editor.ctx.locked
    assert editor.state_chip.text() == ReviewState.SIGNED.label
    assert editor.banner.text().startswith("Signed and locked.")
    assert not editor.evidence.capture.isEnabled()
    assert workspace_visit_status(shell, visit.id) is VisitStatus.SIGNED

    # The signed versions: open the newest, export it; pdfsig and our verifier accept it.
    dialog = editor.reports.sign_dialog
    assert dialog is not None
    assert dialog.versions_list.count() == 3
    assert dialog.versions_list.item(0).text().startswith(f"fully signed: {DAVID} signed on ")
    window = dialog.open_version()
    assert window is not None
    assert window.preview.page_count > 0
    out = tmp_path / "signed.pdf"
    with qtbot.waitSignal(dialog.version_exported, timeout=10_000):
        dialog.export_version(out)
    pdfsig = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True).stdout
    blocks = pdfsig.split("Signature #")[1:]
    assert len(blocks) == 3, pdfsig
    assert all("Signature Validation: Signature is Valid." in b for b in blocks), pdfsig
    assert [n in pdfsig for n in (PRIYA, TOM, DAVID)] == [True, True, True]

    from reviewer_app.reports.verification import verify_report
    from reviewer_app.services.signing_identity import trust_material

    trust = trust_material(paths)
    result = verify_report(out.read_bytes(), trust_roots=trust.roots, crls=trust.crls)
    assert result.passed, result.sentences()
    assert [s.signer_name for s in result.signatures] == [PRIYA, TOM, DAVID]


def workspace_visit_status(shell, visit_id: str) -> VisitStatus:
    return shell.workspace.get_visit(visit_id).status


@pytest.fixture(autouse=True)
def _collect_garbage_here(qtbot: QtBot) -> Iterator[None]:
    """Once the shells have closed (``drive`` is torn down before this), drop what they left
    now, on the GUI thread, rather than whenever a later test happens to collect garbage."""
    yield
    gc.collect()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


@pytest.fixture(autouse=True)
def _no_real_file_dialogs(monkeypatch) -> None:
    """A forgotten file dialog would block an offscreen test forever: fail instead."""

    def refuse(*_a, **_k):
        raise AssertionError("a file dialog was opened without the test choosing a file")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", refuse)
