"""My work in the desktop app on the tests' own trust, offline: visits coming up, reports waiting
for the person's signature, actions to follow up and support overdue, each list what the store
holds for this person; Enter on a visit opens its review, on a school its page."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell
from reviewer_app.domain.school_category import format_day
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.services import meetings_held
from reviewer_app.services.signing_turns import waiting_for_my_signature
from support.fixture_trust import ALDER, CEDAR, WILLOW


def _meetings_synced(shell: Shell, today: date) -> dict[str, date]:
    """What a sync brings of the meetings the trust console recorded (CEO 1:1s): Alder's a week
    ago (every 4 weeks: on time), Cedar's three weeks ago (every week: overdue), none at Willow
    (every 2 weeks: overdue since its tier was agreed)."""
    workspace = shell.window.workspace
    assert workspace is not None
    ids = {s.name: s.id for s in workspace.list_schools("")}
    held = {ALDER: today - timedelta(weeks=1), CEDAR: today - timedelta(weeks=3)}
    with workspace.store.writing() as session:
        meetings_held.store(session, today, ((ids[n], "CEO 1:1", d) for n, d in held.items()))
    return held


def test_my_work_lists_what_waits_for_the_reviewer(qtbot: QtBot, shell: Shell) -> None:
    window = shell.window
    workspace = window.workspace
    assert workspace is not None
    today = date.today()
    held = _meetings_synced(shell, today)
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
    # Support overdue: every line is a school's overdue piece of support, visits and meetings
    # (CEO 1:1s as the last sync brought them) alike.
    assert page.support_note.isVisible()
    assert f"at your last sync, {format_day(today)}" in page.support_note.text()
    ceo = {t.split(" · ")[0]: t for t in page.support.texts() if " · CEO 1:1: " in t}
    assert ALDER not in ceo  # held a week ago: due every 4 weeks
    assert ceo[CEDAR].endswith(f"(last {format_day(held[CEDAR])})")
    assert "overdue since" in ceo[CEDAR]
    assert ceo[WILLOW].endswith("(none yet)")
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


def test_before_a_sync_my_work_says_meetings_are_on_the_console(qtbot: QtBot, shell: Shell) -> None:
    window = shell.window
    window.my_work_action.trigger()
    page = window.my_work_page
    qtbot.waitUntil(lambda: "coming up" in page.summary.text(), timeout=15_000)
    # No sync has brought the meetings: the laptop cannot tell a CEO 1:1 is overdue.
    assert page.support_note.isVisible()
    assert "Cadence board" in page.support_note.text()
    assert "on time" not in page.support.empty.text()
    assert not [t for t in page.support.texts() if " · CEO 1:1: " in t]
