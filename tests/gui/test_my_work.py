"""My work in the desktop app on the tests' own trust, offline: visits coming up, reports waiting
for the person's signature, actions to follow up and support overdue, each list what the store
holds for this person; Enter on a visit opens its review, on a school its page."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.services.signing_turns import waiting_for_my_signature


def test_my_work_lists_what_waits_for_the_reviewer(qtbot: QtBot, shell: Shell) -> None:
    window = shell.window
    workspace = window.workspace
    assert workspace is not None
    window.resize(1280, 800)
    window.my_work_action.trigger()
    page = window.my_work_page
    assert window.pages.currentWidget() is page
    qtbot.waitUntil(lambda: "coming up" in page.summary.text(), timeout=15_000)
    folder = os.environ.get("REVIEWER_SCREENSHOTS")
    if folder:
        QApplication.processEvents()
        window.grab().save(str(Path(folder) / "my-work.png"))

    me = workspace.current_person
    today = date.today()
    mine = [
        v
        for s in workspace.list_schools("")
        for v in workspace.visits_for_school(s.id)
        if v.is_team_member(me.id)
    ]
    coming = sorted(
        (v for v in mine if v.status is VisitStatus.PLANNED and v.planned_end >= today),
        key=lambda v: v.start,
    )
    assert coming  # the fixture trust plans visits ahead for its lead
    assert page.coming_up.list.count() == len(coming)
    assert workspace.get_school(coming[0].school_id).name in page.coming_up.texts()[0]
    assert page.to_sign.list.count() == len(waiting_for_my_signature(workspace))
    # Actions: open ones from her visits, overdue first.
    texts = page.to_follow_up.texts()
    assert texts
    overdue = [t.startswith("Overdue · ") for t in texts]
    assert overdue == sorted(overdue, reverse=True)
    # Support overdue: every line is a school's overdue piece of support. Meetings are kept on
    # the trust server, so the page says so rather than calling a CEO 1:1 on time.
    assert page.support_note.isVisible()
    assert "Cadence board" in page.support_note.text()
    assert "on time" not in page.support.empty.text()
    for school in workspace.list_schools(""):
        late = [d for d in workspace.categories.support_due(school.id, today) if d.overdue(today)]
        lines = [t for t in page.support.texts() if t.startswith(f"{school.name} · ")]
        assert len(lines) == len(late), school.name

    # Enter on the first visit coming up opens its review.
    view = page.coming_up.list
    view.setCurrentRow(0)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: coming[0].id in window.review_editors, timeout=10_000)
    window.review_editors[coming[0].id].close()

    # Enter on an action shows its school's page.
    window.show_my_work()
    qtbot.waitUntil(lambda: page.to_follow_up.list.count() > 0, timeout=15_000)
    actions = page.to_follow_up.list
    actions.setCurrentRow(0)
    target = actions.item(0).data(Qt.ItemDataRole.UserRole)[1]
    actions.setFocus()
    qtbot.keyClick(actions, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.school_page, timeout=10_000)
    assert window.school_page.school is not None
    assert window.school_page.school.id == target
