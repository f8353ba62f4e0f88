"""The Sign report dialog on each signer's own laptop, with the signatures travelling by sync.

Three laptops enrolled with a server that has a trust CA. The two peers sign in any order
(``two-day-peer-review`` from version 3): Pat signs in the dialog; Sam's dialog says it is Sam's
turn before and after Pat's signature arrives, Lee's does not until both peers have signed; Lee's
dialog, after Sam's signature arrives, signs last and locks. With ``REVIEWER_DOC_SCREENSHOTS=1``
the dialogs are saved as the screenshots of ``docs/two-day-review.md`` (looked at before being
committed).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).parents[2] / "integration" / "sync"))

from sync_world import PEER_REVIEW, Laptop, LiveServer, build_world_with_framework, ca_live_server

from reviewer_app.domain.review import ReviewState
from reviewer_app.gui.review_editor.sign_dialog import SignReportDialog
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.services.report_service import ReportService

SCREENSHOTS = Path(__file__).parents[3] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def ca_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = ca_live_server(tmp_path_factory.mktemp("sign-gui-server"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _dialog(qtbot: QtBot, device: Laptop, visit: str) -> SignReportDialog:
    tasks = TaskRunner()
    dialog = SignReportDialog(
        tasks,
        lambda: ReportService(device.workspace, device.paths),
        visit,
        file_stem="two-day-review",
        audience="school_facing",
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status is not None and tasks.pending == 0, timeout=30_000)
    return dialog


def _shot(qtbot: QtBot, dialog: SignReportDialog, name: str) -> None:
    if os.environ.get("REVIEWER_DOC_SCREENSHOTS"):
        qtbot.wait(200)  # the message's new height is laid out first
        dialog.grab().save(str(SCREENSHOTS / name))


def test_each_laptops_sign_dialog_follows_the_signatures_synced(
    qtbot: QtBot, ca_server: LiveServer, tmp_path: Path
) -> None:
    ca_server.reset()
    world = build_world_with_framework(ca_server, tmp_path / "starter", PEER_REVIEW)
    devices = {}
    for name, person in (("lee", world.lead), ("pat", world.peer), ("sam", world.peer2)):
        devices[name] = Laptop(tmp_path / name, ca_server)
        devices[name].enrol(person)
        devices[name].sync.sync_now()
    lee, pat, sam = devices["lee"], devices["pat"], devices["sam"]
    try:
        lee.workspace.reviews.set_state(world.review, ReviewState.READY_FOR_SIGN_OFF)
        for device in (lee, pat, sam):
            device.sync.sync_now()

        dialog = _dialog(qtbot, pat, world.visit)
        assert dialog.turn.text() == "It is your turn to sign, as peer reviewer."
        assert dialog.passphrase.isHidden()  # the key made at enrolment signs
        with qtbot.waitSignal(dialog.report_signed, timeout=60_000):
            dialog.sign_button.click()
        assert "It goes to the trust, and to the next signer, at the next sync." in (
            dialog.message.text()
        )
        assert "The same signature is on the other 2 reports" in dialog.message.text()
        _shot(qtbot, dialog, "two-day-review-pat-signed.png")
        dialog.close()
        pat.sync.sync_now()

        # The peers sign in any order: Sam may sign before Pat's signature reaches this laptop,
        # and the dialog says the peers share the step.
        dialog = _dialog(qtbot, sam, world.visit)
        assert dialog.turn.text() == "It is your turn to sign, as peer reviewer."
        assert "sign in any order among themselves" in dialog.order_note.text()
        assert dialog.summary.text() == (
            "Nobody has signed the report for the school yet; 3 signatures are needed."
        )
        _shot(qtbot, dialog, "two-day-review-sam-any-order.png")
        dialog.close()
        sam.sync.sync_now()  # Pat's signature arrives
        lee.sync.sync_now()
        dialog = _dialog(qtbot, lee, world.visit)
        assert not dialog.turn.text().startswith("It is your turn")  # the lead signs after both
        dialog.close()
        dialog = _dialog(qtbot, sam, world.visit)
        assert dialog.turn.text() == "It is your turn to sign, as peer reviewer."
        assert dialog.summary.text() == "The report for the school is signed by 1 of 3."
        _shot(qtbot, dialog, "two-day-review-sam-turn.png")
        with qtbot.waitSignal(dialog.report_signed, timeout=60_000):
            dialog.sign_button.click()
        dialog.close()
        sam.sync.sync_now()

        lee.sync.sync_now()
        dialog = _dialog(qtbot, lee, world.visit)
        assert dialog.turn.text() == "It is your turn to sign, as lead reviewer."
        with qtbot.waitSignal(dialog.report_signed, timeout=60_000):
            dialog.sign_button.click()
        assert "the review is now locked" in dialog.message.text()
        _shot(qtbot, dialog, "two-day-review-lee-signed.png")
        dialog.close()
        lee.sync.sync_now()
        pat.sync.sync_now()
        dialog = _dialog(qtbot, pat, world.visit)
        assert dialog.summary.text() == (
            "The report for the school is signed by everyone who must sign it."
        )
        # Newest first: the trust's long-term version of the fully signed report (added by the
        # server after the last signature), named as such rather than a second "fully signed"
        # row, then the three signatures.
        versions = [dialog.versions_list.item(row).text() for row in range(4)]
        assert dialog.versions_list.count() == 4
        assert [text.split(":")[0] for text in versions] == [
            "fully signed, with long-term validation data, kept by the trust",
            "fully signed",
            "2 of 3 signatures",
            "1 of 3 signatures",
        ]
        assert versions[0].split(": ")[1].startswith("added on ")
        assert versions[1].startswith("fully signed: Lee")  # the lead's, the last signature
        long_term = dialog.versions_list.item(0).data(Qt.ItemDataRole.UserRole)
        assert dialog._version_name(long_term).endswith("(signed, long-term).pdf")
        _shot(qtbot, dialog, "two-day-review-pat-complete.png")
        dialog.close()
    finally:
        for device in devices.values():
            device.close()
