"""An editor closed in the moment its review arrives goes quietly: what it had still to say
(that the review is loaded) is not said by a window that is gone."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from reviewer_app.domain.visits import VisitStatus
from support.fixture_trust import CEDAR, LEAD


def test_an_editor_closed_as_its_review_arrives_says_nothing_after(drive, qtbot: QtBot) -> None:
    shell = drive.start(LEAD)
    editor = drive.open(
        shell, drive.visit(shell, CEDAR, "learning-walk", status=VisitStatus.IN_PROGRESS)
    )
    drive.activate(editor)
    editor.evidence.capture.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not editor.nav)

    def close_as_it_arrives(_old: QWidget | None, new: QWidget | None) -> None:
        # The arrived review puts the keyboard on the navigation: the person closes the window
        # in that same moment, before the event loop turns again.
        if new is editor.nav:
            QApplication.instance().focusChanged.disconnect(close_as_it_arrives)
            editor.close()
            editor.deleteLater()

    QApplication.instance().focusChanged.connect(close_as_it_arrives)
    editor.load()  # read again, as after a sync: the review arrives a second time
    qtbot.waitUntil(lambda: not isValid(editor))
    qtbot.wait(100)  # anything the editor had queued for itself has had its turn
