"""Planning a visit in the real main window on an enrolled laptop, against the real server.

The New visit dialog offers only the kinds of visit the team may use (a safeguarding audit needs
safeguarding leads, led by one) and says before any capture whether the trust will accept the
visit; a visit the trust refuses is said once after the sync, with what to do, and its review
stays on the laptop.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import select
from sync_world import PEER_REVIEW, Laptop, LiveServer, World

from reviewer_app.app import Shell, start_shell
from reviewer_app.domain.organisation import Role
from reviewer_app.gui.dialogs.new_visit import NewVisitDialog
from reviewer_app.gui.sync_wiring import SyncSetup, SyncWiring
from reviewer_app.paths import AppPaths
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.database import write_session
from reviewer_app.services.review_session import open_review
from reviewer_app.settings import Settings

MakeLaptop = Callable[[str], Laptop]
AUDIT = "safeguarding-audit"
SYNC_TIMEOUT = 20_000


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[Callable[[Laptop], Shell]]:
    opened: list[Shell] = []

    def open_(device: Laptop) -> Shell:
        shell = start_shell(
            AppPaths.from_base(device.folder),
            demo=False,
            workspace=device.workspace,
            settings=Settings(sync_automatically=False),
            sync_setup=SyncSetup(client_factory=device.client_for, probe_interval_ms=60_000),
        )
        opened.append(shell)
        qtbot.addWidget(shell.window)
        shell.window.show()
        qtbot.waitExposed(shell.window)
        qtbot.waitUntil(lambda: shell.window.sync is not None, timeout=10_000)
        qtbot.waitUntil(lambda: bool(shell.window.kinds), timeout=10_000)
        return shell

    yield open_
    for shell in opened:
        shell.close()


@pytest.fixture
def dee(live_server: LiveServer, world: World) -> str:
    """A designated safeguarding lead assigned to the world's school, which the trust audits
    with the installed safeguarding audit (the learning walk it does not use)."""
    with write_session(live_server.engine) as s:
        adm.add_framework(s, AUDIT, title="Safeguarding audit", safeguarding=True)
        trust = s.get(models.School, world.school).trust_id  # type: ignore[union-attr]
        person = adm.create_person(
            s, trust, name="Dee Safe", email="dee@oak.example", roles=["safeguarding_lead"]
        ).id
        adm.assign(s, person, world.school)
    return person


def _sync(shell: Shell, qtbot: QtBot) -> SyncWiring:
    wiring = shell.window.sync
    assert wiring is not None
    with qtbot.waitSignal(wiring.controller.sync_finished, timeout=SYNC_TIMEOUT):
        wiring.sync_now()
    return wiring


def _new_visit(shell: Shell, qtbot: QtBot, *people: str) -> NewVisitDialog:
    """The dialog, once the window has read again what the sync brought (school, people)."""
    qtbot.waitUntil(lambda: shell.window.schools_model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: set(people) <= set(shell.window.people), timeout=10_000)
    shell.window.select_school(shell.window.schools_model.schools()[0].id)
    dialog = shell.window.open_new_visit()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def _kinds(dialog: NewVisitDialog) -> list[str]:
    combo = dialog.ui.kindCombo
    return [combo.itemData(i) for i in range(combo.count())]


def _screenshot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("REVIEWER_SCREENSHOTS")
    if folder:
        QApplication.processEvents()
        widget.grab().save(str(Path(folder) / name))


def test_the_dialog_offers_what_the_team_may_use_and_says_the_trust_will_accept(
    qtbot: QtBot,
    live_server: LiveServer,
    world: World,
    dee: str,
    laptop: MakeLaptop,
    open_window: Callable[[Laptop], Shell],
) -> None:
    lee = laptop("lee")
    lee.enrol(world.lead)
    shell = open_window(lee)
    _sync(shell, qtbot)  # brings the school's people with their trust roles
    dialog = _new_visit(shell, qtbot, world.lead, world.peer, dee)
    assert [r.role for r in dialog.team] == [Role.LEAD_REVIEWER]  # Lee leads by default
    assert AUDIT not in _kinds(dialog), "Lee is not a safeguarding lead"
    assert "learning-walk" in _kinds(dialog)
    dialog.ui.kindCombo.setCurrentIndex(dialog.ui.kindCombo.findData("learning-walk"))
    verdict = dialog.verdict()
    assert verdict is not None
    assert verdict.accepted is False
    assert "does not use the learning walk" in dialog.ui.verdictLabel.text()
    dialog.ui.kindCombo.setCurrentIndex(dialog.ui.kindCombo.findData(PEER_REVIEW))
    assert dialog.ui.verdictLabel.isVisible()
    assert dialog.ui.verdictLabel.text() == "The trust will accept this visit to Ash Primary."

    # Dee (a safeguarding lead) leads instead: the audit is offered; Lee still plans it.
    dialog.remove_selected_reviewer()
    dialog.ui.personCombo.setCurrentIndex(dialog.ui.personCombo.findData(dee))
    dialog.add_selected_reviewer()
    assert [r.role for r in dialog.team] == [Role.LEAD_REVIEWER]
    assert AUDIT in _kinds(dialog)
    dialog.ui.kindCombo.setCurrentIndex(dialog.ui.kindCombo.findData(AUDIT))
    assert dialog.verdict().accepted is True  # type: ignore[union-attr]
    # Pat (no safeguarding role) joins: the audit is no longer offered, and the dialog says why.
    dialog.ui.personCombo.setCurrentIndex(dialog.ui.personCombo.findData(world.peer))
    dialog.add_selected_reviewer()
    assert AUDIT not in _kinds(dialog)
    assert "needs a designated safeguarding lead" in dialog.errors()["kind"]
    dialog.remove_selected_reviewer()
    dialog.ui.kindCombo.setCurrentIndex(dialog.ui.kindCombo.findData(AUDIT))
    _screenshot(dialog, "new-visit-will-be-accepted.png")
    with qtbot.waitSignal(dialog.visit_saved, timeout=10_000) as saved:
        dialog.save()
    visit = saved.args[0]
    _sync(shell, qtbot)
    with write_session(live_server.engine) as s:
        held = s.get(models.Visit, visit.id)
        assert held is not None
        assert held.framework_id == AUDIT
        assert held.planned_by == world.lead


def test_a_refused_visit_is_said_once_and_its_review_is_kept(
    qtbot: QtBot,
    live_server: LiveServer,
    world: World,
    laptop: MakeLaptop,
    open_window: Callable[[Laptop], Shell],
) -> None:
    pat = laptop("pat")
    pat.enrol(world.peer)
    shell = open_window(pat)
    _sync(shell, qtbot)
    dialog = _new_visit(shell, qtbot)
    dialog.ui.kindCombo.setCurrentIndex(dialog.ui.kindCombo.findData(PEER_REVIEW))
    verdict = dialog.verdict()
    assert verdict is not None
    assert verdict.accepted is False
    assert "only a lead reviewer or improvement partner" in dialog.ui.verdictLabel.text()
    _screenshot(dialog, "new-visit-will-be-refused.png")
    with qtbot.waitSignal(dialog.visit_saved, timeout=10_000) as saved:
        dialog.save()  # planned all the same: it stays on this laptop
    visit = saved.args[0]
    review = open_review(pat.workspace, visit.id, with_notes=False).review
    pat.reviews.add_note(review.id, "Written before the trust answered")

    wiring = _sync(shell, qtbot)
    notice = wiring.notice
    assert notice is not None
    assert shiboken6.isValid(notice)
    assert notice.windowTitle() == "The trust did not accept a visit"
    text = notice.text()
    assert "The trust did not accept the visit to Ash Primary" in text
    assert "Ask your lead reviewer or trust admin" in text or "ask your lead reviewer" in text
    assert "Its review is kept on this laptop" in text
    _screenshot(notice, "visit-refused-notice.png")
    notice.done(QMessageBox.StandardButton.Ok)

    _sync(shell, qtbot)  # said once: the second sync tells nothing new and fails nothing
    assert wiring.notice is None or not shiboken6.isValid(wiring.notice)
    assert [n.text for n in pat.reviews.notes(review.id)] == ["Written before the trust answered"]
    with write_session(live_server.engine) as s:
        assert s.get(models.Visit, visit.id) is None
        assert s.exec(select(models.Review).where(models.Review.id == review.id)).first() is None
