"""The school page's category chip and the Categorise… dialog: in the real shell on the tests' own
four-tier trust (``support/fixture_trust.py``), and the chip for each trust scheme (tier, RAG,
phase, 1a-4b)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell
from reviewer_app.domain.frameworks import load_library
from reviewer_app.domain.school_category import RecordedVisit, SchoolCategory, support_due
from reviewer_app.gui.school_category import CategoryPanel, chip_style, text_colour_on
from reviewer_app.gui.school_page import SchoolPage
from reviewer_app.paths import frameworks_dir
from reviewer_app.services.school_categorisation import CategoryOverview
from reviewer_app.storage import outbox
from support.fixture_trust import ADMIN, ALDER, BIRCHWOOD, CEDAR, LEAD, WILLOW

TODAY = date.today()


def _show(qtbot: QtBot, shell: Shell, name: str) -> SchoolPage:
    window = shell.window
    school = next(s for s in window.schools_model.schools() if name in s.name)
    page = window.school_page
    with qtbot.waitSignal(page.category_shown, timeout=10_000):
        window.select_school(school.id)
    qtbot.waitUntil(lambda: shell.tasks.pending == 0)
    return page


def _wait_dialog(qtbot: QtBot, page: SchoolPage) -> None:
    qtbot.waitUntil(
        lambda: page.categorise_dialog is not None and page.categorise_dialog.isVisible()
    )


def test_the_chip_shows_the_tier_who_agreed_it_and_the_cadence(qtbot: QtBot, shell: Shell) -> None:
    page = _show(qtbot, shell, WILLOW)
    panel = page.category_panel
    assert panel.isVisible()
    assert panel.chip.text() == "Tier 3: Reinvent (academy led)"
    assert "#E07B1A" in panel.chip.styleSheet()
    assert panel.chip.accessibleName() == "School improvement tiers: Tier 3: Reinvent (academy led)"
    # One line of text, one line tall (a wrapped label was drawn two lines tall).
    assert panel.chip.height() < 2 * panel.chip.fontMetrics().height()
    assert f"by {ADMIN}" in panel.agreed_label.text()
    assert "agree again by" in panel.agreed_label.text()
    cadence = panel.cadence_label.text()
    assert "CEO 1:1: every 2 weeks; next due" in cadence
    assert "External health check (School Improvement Executive Lead): twice a year" in cadence
    assert panel.categorise_button.isEnabled()  # the laptop's person is a lead reviewer
    assert panel.categorise_button.accessibleName()

    # Another school replaces it, never mixing the two.
    page = _show(qtbot, shell, CEDAR)
    assert panel.chip.text() == "Tier 4: Stabilise (Trust led)"
    assert panel.cadence_label.text() != cadence  # its own tier's cadence
    assert "overdue since" in panel.cadence_label.text()  # no health check since agreed


def test_categorise_by_keyboard_shows_the_suggestion_and_agrees_a_tier(
    qtbot: QtBot, shell: Shell
) -> None:
    page = _show(qtbot, shell, BIRCHWOOD)
    panel = page.category_panel
    assert panel.chip.text() == "Tier 2: Grow (academy led)"
    panel.categorise_button.setFocus()
    qtbot.keyClick(panel.categorise_button, Qt.Key.Key_Space)
    _wait_dialog(qtbot, page)
    dialog = page.categorise_dialog
    assert dialog is not None
    assert dialog.suggestion_chip.text() == "Tier 2: Grow (academy led)"
    assert "#3C9A5F" in dialog.suggestion_chip.styleSheet()
    outcomes = [dialog.outcomes_list.item(i).text() for i in range(dialog.outcomes_list.count())]
    assert outcomes
    # Each outcome names its review by the framework's title, never its stored id.
    assert all("(Two-day peer review, " in text for text in outcomes), outcomes
    assert not any("two-day-peer-review" in text for text in outcomes)
    assert dialog.level_combo.currentData() == "grow"  # starts on the suggestion
    qtbot.waitUntil(dialog.isActiveWindow)  # the keys go where a person's would
    assert QApplication.focusWidget() is dialog.rationale_edit

    # Agreeing without a rationale is refused in the dialog, which stays open.
    qtbot.keyClick(dialog.rationale_edit, Qt.Key.Key_Backtab)  # Shift+Tab: the agreed date
    assert QApplication.focusWidget() is dialog.date_edit
    qtbot.keyClick(dialog.date_edit, Qt.Key.Key_Return)  # Agree, the default button
    assert dialog.isVisible()
    assert "rationale" in dialog.form_error.text()
    assert dialog.rationale_edit.accessibleDescription() == dialog.form_error.text()

    dialog.level_combo.setFocus()
    qtbot.keyClick(dialog.level_combo, Qt.Key.Key_Up)  # Grow -> Lead
    assert dialog.level_combo.currentData() == "lead"
    assert "differs from the suggestion" in dialog.level_details.text()
    qtbot.keyClicks(dialog.rationale_edit, "Board: outcomes and partner-school support")
    assert not dialog.form_error.isVisible()
    with qtbot.waitSignal(page.category_agreed, timeout=10_000) as agreed:
        qtbot.keyClick(dialog.rationale_edit, Qt.Key.Key_Backtab)
        qtbot.keyClick(dialog.date_edit, Qt.Key.Key_Return)
    category = agreed.args[0]
    assert category.level_key == "lead"
    assert category.suggested_level_key == "grow"
    assert category.rationale == "Board: outcomes and partner-school support"
    assert "(Two-day peer review)" in category.suggestion
    assert "two-day-peer-review" not in category.suggestion
    qtbot.waitUntil(lambda: panel.chip.text() == "Tier 1: Lead (academy led)", timeout=10_000)
    assert f"by {LEAD}" in panel.agreed_label.text()
    assert page.categorise_dialog is None  # closed once stored
    assert shell.window.workspace is not None
    with shell.window.workspace.store.reading() as session:
        queued = outbox.pending_ops(session)
    assert category.id in {op.entity_id for op in queued}  # queued for the server


def test_cancel_leaves_the_category_alone(qtbot: QtBot, shell: Shell) -> None:
    page = _show(qtbot, shell, ALDER)
    page.category_panel.categorise_button.click()
    _wait_dialog(qtbot, page)
    dialog = page.categorise_dialog
    assert dialog is not None
    assert dialog.suggestion_chip.text() == "No suggestion yet"  # no signed review content
    assert dialog.level_combo.currentData() == "grow"  # starts on the current tier
    assert not dialog.use_suggestion.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert page.categorise_dialog is None
    assert page.category_panel.chip.text() == "Tier 2: Grow (academy led)"


# ---------------------------------------------------------------- every trust's scheme


@pytest.fixture(scope="module")
def library():  # type: ignore[no-untyped-def]
    return load_library(frameworks_dir())


def _overview(library, scheme_id: str, key: str | None, *, may_agree: bool = True):  # type: ignore[no-untyped-def]
    scheme = library.scheme(scheme_id)
    agreed_on = TODAY - timedelta(days=10)
    current = None
    level = None
    support = ()
    if key is not None:
        level = scheme.level(key)
        current = SchoolCategory(
            id="c1", school_id="s1", scheme_id=scheme.id, scheme_version=scheme.version,
            level_key=key, level_label=level.label, agreed_on=agreed_on, agreed_by="p1",
            rationale="Agreed at the termly meeting", recorded_at=datetime.now().astimezone(),
        )  # fmt: skip
        visits = [RecordedVisit("health-check", TODAY - timedelta(days=40), True)]
        support = support_due(level, agreed_on, visits, TODAY)
    return CategoryOverview(
        school_id="s1", scheme=scheme, current=current, level=level, agreed_by_name="Ada Lister",
        support=support, next_agreement=None, may_agree=may_agree, history=(),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("scheme_id", "key", "label", "colour", "cadence"),
    [
        ("school-improvement-tiers", "stabilise", "Tier 4: Stabilise (Trust led)", "#B3261E",
         "CEO 1:1: every week"),
        ("oldham-support-levels", "amber", "Amber: targeted support", "#E07B1A",
         "Data and self-evaluation return: three times a year"),
        ("flourishing-phases", "stabilise", "Phase 1: Stabilise", "#B3261E",
         "Attendance, safeguarding and SEND quality assurance: fortnightly"),
        ("owls-categories", "3cc", "3cc: Requires improvement, at risk of slipping a category",
         "#C0471E", "Core visit (CEO and Head Teacher): each half term"),
    ],
)  # fmt: skip
def test_each_trust_scheme_shows_its_own_chip_and_cadence(
    qtbot: QtBot, library, scheme_id: str, key: str, label: str, colour: str, cadence: str
) -> None:  # type: ignore[no-untyped-def]
    panel = CategoryPanel()
    qtbot.addWidget(panel)
    panel.show_overview(_overview(library, scheme_id, key), TODAY)
    assert not panel.isHidden()
    assert panel.chip.text() == label
    assert colour in panel.chip.styleSheet()
    assert label in panel.chip.accessibleName()
    assert cadence in panel.cadence_label.text()
    assert "by Ada Lister" in panel.agreed_label.text()
    assert panel.chip.toolTip().endswith("Rationale: Agreed at the termly meeting")


def test_panel_without_category_scheme_or_permission(qtbot: QtBot, library) -> None:  # type: ignore[no-untyped-def]
    panel = CategoryPanel()
    qtbot.addWidget(panel)
    panel.show_overview(_overview(library, "oldham-support-levels", None, may_agree=False))
    assert not panel.isHidden()
    assert panel.chip.text() == "Not categorised"
    assert panel.agreed_label.text() == "Not categorised yet."
    assert not panel.categorise_button.isEnabled()
    assert "central team" in panel.categorise_button.toolTip()
    no_scheme = CategoryOverview(
        school_id="s1", scheme=None, current=None, level=None, agreed_by_name="", support=(),
        next_agreement=None, may_agree=True, history=(),
    )  # fmt: skip
    panel.show_overview(no_scheme)
    assert panel.isHidden()


def test_chip_text_stays_readable_on_every_level_colour(library) -> None:  # type: ignore[no-untyped-def]
    assert text_colour_on("#1F5FAD") == "#ffffff"
    assert text_colour_on("#F2D16B") == "#1d2b36"
    for scheme in library.schemes:
        for level in scheme.levels:
            assert text_colour_on(level.colour) in chip_style(level.colour)
