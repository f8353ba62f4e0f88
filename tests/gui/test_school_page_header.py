"""The school page's header elides a long school name (the full name in its tooltip and
accessible description) rather than widening the window: in the real shell on the tests' own
trust (``support/fixture_trust.py``)."""

from __future__ import annotations

import dataclasses

from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell
from support.fixture_trust import BIRCHWOOD

LONG_NAME = (
    "The Most Reverend Archbishop Cuthbert Tunstall Church of England Voluntary Aided "
    "Primary School and Nursery with Enhanced Resource Provision for Hearing Impaired Pupils"
)
#: The window fits a 1366 x 768 screen with room to spare whatever the school is called.
SANE_MINIMUM_WIDTH = 900


def test_a_long_school_name_is_elided_not_widening_the_window(qtbot: QtBot, shell: Shell) -> None:
    window = shell.window
    school = next(s for s in window.schools_model.schools() if s.name == BIRCHWOOD)
    page = window.school_page
    window.select_school(school.id)
    qtbot.waitUntil(lambda: shell.tasks.pending == 0)
    short_width = window.minimumSizeHint().width()
    assert short_width < SANE_MINIMUM_WIDTH
    assert page.name_label.toolTip() == BIRCHWOOD

    page.show_school(dataclasses.replace(school, name=LONG_NAME))
    qtbot.waitUntil(lambda: shell.tasks.pending == 0)

    assert window.minimumSizeHint().width() <= short_width
    # What is drawn fits the header, ends with an ellipsis, and the whole name is at hand.
    shown = page.name_label.text()
    assert shown.endswith("…")
    assert LONG_NAME.startswith(shown[:-1])
    assert page.name_label.fontMetrics().horizontalAdvance(shown) <= page.name_label.width()
    assert page.name_label.toolTip() == LONG_NAME
    assert LONG_NAME in page.name_label.accessibleDescription()

    # A wider window shows more of it; wide enough, all of it.
    window.resize(window.width() + 400, window.height())
    qtbot.waitUntil(lambda: len(page.name_label.text()) > len(shown))
