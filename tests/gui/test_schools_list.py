"""The schools list: its models pass Qt's model checks, and the filter finds by name or URN.

On the tests' own small trust (``support/fixture_trust.py``), not the demo's content."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell
from reviewer_app.gui.models.schools import SchoolFilterModel, SchoolListModel, SchoolRole
from reviewer_app.gui.models.visits import VisitTableModel


@pytest.fixture
def shell(fixture_shell: Shell) -> Shell:
    """This module's app runs on the tests' own small trust."""
    return fixture_shell


def _shown(shell: Shell) -> list[str]:
    proxy = shell.window.schools_proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_school_models_pass_the_model_tester(qtmodeltester, shell: Shell) -> None:
    schools = shell.workspace.list_schools()
    source = SchoolListModel()
    source.set_schools(schools)
    qtmodeltester.check(source)
    proxy = SchoolFilterModel()
    proxy.setSourceModel(source)
    qtmodeltester.check(proxy)
    proxy.set_query("primary")
    qtmodeltester.check(proxy)
    assert 0 < proxy.rowCount() < source.rowCount()


def test_visit_model_passes_the_model_tester(qtmodeltester, shell: Shell) -> None:
    school = shell.workspace.list_schools()[0]
    visits = shell.workspace.visits_for_school(school.id)
    assert visits, "the fixture trust has visits for every school"
    model = VisitTableModel()
    names = {p.id: p.name for p in shell.workspace.list_people()}
    model.set_visits(visits, kind_titles={}, people=names)
    qtmodeltester.check(model)
    assert model.rowCount() == len(visits)


def test_status_bar_states_the_store_and_its_schools(shell: Shell) -> None:
    count = len(shell.workspace.list_schools())
    assert shell.window.store_status.text() == f"Demo store · {count} schools"
    assert shell.workspace.current_person.name in shell.window.person_status.text()


def test_filter_by_name_is_case_insensitive_and_matches_every_word(
    qtbot: QtBot, shell: Shell
) -> None:
    window = shell.window
    qtbot.keyClicks(window.filter_edit, "PRIMARY york")
    # "york" is a local authority, not in a name or URN: word-by-word on name and URN only.
    assert _shown(shell) == []
    assert window.no_match.isVisible()
    assert "PRIMARY york" in window.no_match.text()
    window.filter_edit.clear()
    qtbot.keyClicks(window.filter_edit, "primary birch")
    assert _shown(shell) == ["Birchwood Primary School"]
    assert not window.no_match.isVisible()


def test_filter_by_urn(qtbot: QtBot, shell: Shell) -> None:
    window = shell.window
    cedar = next(s for s in shell.workspace.list_schools() if s.name == "Cedar Park High School")
    qtbot.keyClicks(window.filter_edit, cedar.urn)
    assert _shown(shell) == ["Cedar Park High School"]
    window.filter_edit.clear()
    qtbot.keyClicks(window.filter_edit, cedar.urn[:3])
    shown = _shown(shell)
    assert shown == ["Alder Primary Academy", "Birchwood Primary School", "Cedar Park High School"]
    assert all(
        s.urn.find(cedar.urn[:3]) >= 0 for s in shell.workspace.list_schools() if s.name in shown
    )


def test_enter_in_the_filter_opens_the_first_match(qtbot: QtBot, shell: Shell) -> None:
    window = shell.window
    qtbot.keyClicks(window.filter_edit, "cedar")
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.school_page.visits_model.rowCount() > 0)
    assert window.current_school().name == "Cedar Park High School"
    assert window.school_page.name_label.toolTip() == "Cedar Park High School"
    assert window.schools_view.hasFocus()


def test_school_page_lists_visits_newest_first_with_status_and_team(
    qtbot: QtBot, shell: Shell
) -> None:
    window = shell.window
    school = next(s for s in shell.workspace.list_schools() if s.name == "Willow Special School")
    with qtbot.waitSignal(window.school_shown):
        window.select_school(school.id)
    model = window.school_page.visits_model
    visits = model.visits()
    assert [v.start for v in visits] == sorted((v.start for v in visits), reverse=True)
    assert [v.id for v in visits] == [v.id for v in shell.workspace.visits_for_school(school.id)]
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first[2] == visits[0].status.label
    assert first[3], "the team column names the reviewers"
    assert window.school_page.visits_count.text().startswith(f"{len(visits)} visits · ")
    chips = [
        window.school_page.chips.itemAt(i).widget().text()
        for i in range(window.school_page.chips.count())
        if window.school_page.chips.itemAt(i).widget() is not None
    ]
    assert "Early years" in chips
    assert "Sixth form" in chips


def test_selected_school_data_role_is_the_domain_school(shell: Shell) -> None:
    proxy = shell.window.schools_proxy
    school = proxy.index(0, 0).data(SchoolRole)
    assert school.name == proxy.index(0, 0).data()


def test_visits_summary_names_the_next_or_the_last_visit() -> None:
    from datetime import date

    from reviewer_app.domain.organisation import Role
    from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
    from reviewer_app.gui.school_page import visits_summary

    team = (VisitReviewer("p1", Role.LEAD_REVIEWER),)

    def visit(day: date, status: VisitStatus = VisitStatus.SIGNED) -> Visit:
        return Visit("v" + day.isoformat(), "s1", "learning-walk", day, day, team, status)

    today = date(2026, 11, 23)
    past = visit(date(2026, 10, 1))
    soon = visit(date(2026, 12, 2), VisitStatus.PLANNED)
    later = visit(date(2027, 1, 12), VisitStatus.PLANNED)
    dropped = visit(date(2026, 11, 30), VisitStatus.CANCELLED)
    assert visits_summary([later, dropped, soon, past], today) == "4 visits · next on 2 Dec 2026"
    assert visits_summary([past], today) == "1 visit · last on 1 Oct 2026"
    assert visits_summary([dropped], today) == "1 visit"
    assert visits_summary([], today) == "0 visits"
