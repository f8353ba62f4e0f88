"""What a sync brings into a review that is open in the editor: two laptops, the real server
on loopback, the lead's real main window and editor.

A colleague's newer text arrives in the open editor without a reload, the focus and the scroll
position stay where they were, and a short notice says who changed what; the lead's next
keystrokes go on from that text. If the lead was typing in that very field, their typing is
never replaced: they get a conflict showing both texts, and their write (based on the older
version) is refused by the store until they choose.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot
from sync_world import Laptop, World

from reviewer_app.app import Shell, start_shell
from reviewer_app.gui.review_editor import ReviewEditor
from reviewer_app.gui.review_editor.field_widgets import FieldEditor
from reviewer_app.gui.review_editor.section_page import SectionPage
from reviewer_app.gui.sync_status import SyncState
from reviewer_app.gui.sync_wiring import SyncSetup, SyncWiring
from reviewer_app.paths import AppPaths
from reviewer_app.settings import Settings

#: Two shared texts of the two-day peer review, on the same page.
FIELD = "leadership-and-governance-strengths"
NEIGHBOUR = "leadership-and-governance-even-better-if"
TIMEOUT = 20_000
MakeLaptop = Callable[[str], Laptop]


@pytest.fixture
def lead_window(
    qtbot: QtBot, world: World, laptop: MakeLaptop
) -> Iterator[tuple[Shell, Laptop, Laptop]]:
    """The lead's main window (synced at start-up) and the peer's laptop, both enrolled."""
    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    peer.sync.sync_now()
    shell = start_shell(
        AppPaths.from_base(lead.folder),
        demo=False,
        workspace=lead.workspace,
        settings=Settings(),
        sync_setup=SyncSetup(client_factory=lead.client_for, probe_interval_ms=60_000),
    )
    qtbot.addWidget(shell.window)
    shell.window.show()
    qtbot.waitExposed(shell.window)
    qtbot.waitUntil(lambda: shell.window.sync is not None, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: _sync(shell).controller.state is SyncState.SYNCED, timeout=TIMEOUT)
    try:
        yield shell, lead, peer
    finally:
        shell.close()


def _conflict_shown(field: FieldEditor) -> bool:
    """Whether the field shows both values of a conflict under its control."""
    return field.conflict is not None and not field.conflict.isHidden()


def _sync(shell: Shell) -> SyncWiring:
    assert shell.window.sync is not None
    return shell.window.sync


def _open_editor(qtbot: QtBot, shell: Shell, world: World) -> ReviewEditor:
    qtbot.waitUntil(lambda: shell.window.schools_model.rowCount() == 1, timeout=TIMEOUT)
    editor = shell.window.open_visit(world.visit)
    assert isinstance(editor, ReviewEditor)
    qtbot.waitUntil(lambda: editor.ctx is not None and editor.notes_ready, timeout=TIMEOUT)
    return editor


def _field(editor: ReviewEditor, stored_id: str) -> tuple[SectionPage, FieldEditor]:
    assert editor.ctx is not None
    for section in editor.ctx.framework.sections:
        if any(spec.id == stored_id for spec in section.fields):
            page = editor.show_page(section.id)
            assert isinstance(page, SectionPage)
            return page, page.field_editors[stored_id]
    raise AssertionError(stored_id)


def _sync_in_window(qtbot: QtBot, shell: Shell) -> None:
    sync = _sync(shell)
    with qtbot.waitSignal(sync.controller.sync_finished, timeout=TIMEOUT):
        sync.sync_now_action.trigger()


def _type_at_end(qtbot: QtBot, control: QPlainTextEdit, text: str) -> None:
    control.setFocus()
    control.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(control, text)


def _screenshot(widget: QWidget, name: str) -> None:
    """Save what the widget looks like when REVIEWER_SCREENSHOTS names a folder."""
    folder = os.environ.get("REVIEWER_SCREENSHOTS")
    if folder:
        QApplication.processEvents()
        widget.grab().save(str(Path(folder) / name))


def _wait_saved(qtbot: QtBot, editor: ReviewEditor) -> None:
    qtbot.waitUntil(lambda: editor.saver.idle and editor.tasks.pending == 0, timeout=TIMEOUT)


def test_a_colleagues_text_arrives_in_the_open_editor_and_typing_goes_on_from_it(
    qtbot: QtBot, world: World, lead_window: tuple[Shell, Laptop, Laptop]
) -> None:
    shell, lead, peer = lead_window
    editor = _open_editor(qtbot, shell, world)
    page, field = _field(editor, FIELD)
    _, neighbour = _field(editor, NEIGHBOUR)
    assert field.value() == ""
    # The lead is writing in the next box down, scrolled to it.
    neighbour.control.setFocus()
    page.ensureWidgetVisible(neighbour)
    scrolled = page.verticalScrollBar().value()
    assert scrolled > 0
    qtbot.waitUntil(lambda: editor.focusWidget() is neighbour.control)

    peer.reviews.set_field(world.review, FIELD, "Pat's text.")
    peer.sync.sync_now()
    _sync_in_window(qtbot, shell)

    qtbot.waitUntil(lambda: field.value() == "Pat's text.", timeout=TIMEOUT)
    assert editor.focusWidget() is neighbour.control
    assert page.verticalScrollBar().value() == scrolled
    assert editor.statusBar().currentMessage() == (
        "Pat Peer changed Leadership and governance: Strengths."
    )
    _screenshot(editor, "editor-pulled-text-notice.png")
    assert not _conflict_shown(field)

    # The lead goes on from the newer text: a clean successor on the server, no conflict.
    control = field.control
    assert isinstance(control, QPlainTextEdit)
    _type_at_end(qtbot, control, " Lee agrees.")
    _wait_saved(qtbot, editor)
    assert lead.reviews.field_values(world.review)[FIELD].value == "Pat's text. Lee agrees."
    _sync_in_window(qtbot, shell)
    assert _sync(shell).controller.state is SyncState.SYNCED
    peer.sync.sync_now()
    assert peer.reviews.field_values(world.review)[FIELD].value == "Pat's text. Lee agrees."


def test_typing_in_the_field_a_colleague_changed_shows_both_texts(
    qtbot: QtBot, world: World, lead_window: tuple[Shell, Laptop, Laptop]
) -> None:
    shell, lead, peer = lead_window
    editor = _open_editor(qtbot, shell, world)
    _, field = _field(editor, FIELD)
    control = field.control
    assert isinstance(control, QPlainTextEdit)
    peer.reviews.set_field(world.review, FIELD, "Pat's text.")
    peer.sync.sync_now()

    # The lead types; before the pause that saves it, a sync pulls Pat's text.
    _type_at_end(qtbot, control, "Lee's draft.")
    lead.sync.sync_now()

    qtbot.waitUntil(lambda: _conflict_shown(field), timeout=TIMEOUT)
    _wait_saved(qtbot, editor)
    assert field.value() == "Lee's draft."  # never replaced under the lead's fingers
    conflict = field.conflict
    assert conflict is not None
    assert conflict.heading.text() == (
        "Pat Peer changed this answer while you were typing. Keep yours, or use theirs."
    )
    assert conflict.theirs.toPlainText() == "Pat's text."
    assert conflict.mine.toPlainText() == "Lee's draft."
    _page, _ = _field(editor, FIELD)
    _page.ensureWidgetVisible(field)
    _screenshot(editor, "editor-field-conflict.png")
    # The write based on the older version was refused: the store keeps Pat's text.
    assert lead.reviews.field_values(world.review)[FIELD].value == "Pat's text."
    assert editor.focusWidget() is control

    qtbot.mouseClick(conflict.keep_mine, Qt.MouseButton.LeftButton)
    _wait_saved(qtbot, editor)
    assert not _conflict_shown(field)
    assert lead.reviews.field_values(world.review)[FIELD].value == "Lee's draft."
    _sync_in_window(qtbot, shell)
    assert _sync(shell).controller.state is SyncState.SYNCED
    peer.sync.sync_now()
    assert peer.reviews.field_values(world.review)[FIELD].value == "Lee's draft."


def test_a_colleagues_judgement_note_and_action_appear_in_place(
    qtbot: QtBot, world: World, lead_window: tuple[Shell, Laptop, Laptop]
) -> None:
    shell, lead, peer = lead_window
    editor = _open_editor(qtbot, shell, world)
    criterion = "leadership-and-governance"
    card = editor.go_to_criterion(criterion)
    assert card.scale is not None
    first, second = (level.key for level in card.scale.levels[:2])
    # The lead's own view first: the editor shows it under the id the store keeps it by.
    assert card.rating is not None
    card.rating.setFocus()
    qtbot.keyClick(card.rating, Qt.Key.Key_1)
    _wait_saved(qtbot, editor)
    assert {j.id for j in editor.ctx.judgements} == {  # type: ignore[union-attr]
        j.id for j in lead.reviews.judgements(world.review)
    }
    focused = editor.focusWidget()
    notes_before = editor.notes_model.rowCount()

    peer.sync.sync_now()
    peer.reviews.propose_judgement(world.review, criterion, second, "Governors challenge well.")
    peer.reviews.add_note(world.review, "Minutes show the challenge.", criterion_ids=(criterion,))
    peer.reviews.add_action(
        world.review, "Publish the governors' visit log", owner="Head", due=None,
        criterion_id=criterion,
    )  # fmt: skip
    peer.sync.sync_now()
    _sync_in_window(qtbot, shell)

    qtbot.waitUntil(lambda: "Pat Peer" in card.proposals.text(), timeout=TIMEOUT)
    assert editor.notes_model.rowCount() == notes_before + 1
    assert [a.text for a in editor.actions_model.actions()] == ["Publish the governors' visit log"]
    assert editor.focusWidget() is focused
    notice = editor.statusBar().currentMessage()
    assert notice.startswith("Pat Peer changed ")
    assert "an evidence note" in notice
    assert "the action “Publish the governors' visit log”" in notice
    assert first != second


def test_the_visit_list_follows_the_review_as_it_moves(
    qtbot: QtBot, world: World, lead_window: tuple[Shell, Laptop, Laptop]
) -> None:
    from reviewer_app.domain.review import ReviewState

    shell, lead, _peer = lead_window
    window = shell.window
    qtbot.waitUntil(lambda: window.schools_model.rowCount() == 1, timeout=TIMEOUT)
    window.select_school(world.school)
    model = window.school_page.visits_model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=TIMEOUT)
    status = model.index(0, 2)
    qtbot.waitUntil(lambda: status.data() == "In progress", timeout=TIMEOUT)

    lead.reviews.set_state(world.review, ReviewState.READY_FOR_SIGN_OFF)
    qtbot.waitUntil(lambda: status.data() == "Ready for sign-off", timeout=TIMEOUT)
    lead.reviews.set_state(world.review, ReviewState.DRAFT)
    qtbot.waitUntil(lambda: status.data() == "In progress", timeout=TIMEOUT)


def test_the_school_header_never_calls_a_signed_visit_next() -> None:
    from datetime import date, timedelta

    from reviewer_app.domain.organisation import Role
    from reviewer_app.domain.visits import Visit, VisitReviewer
    from reviewer_app.gui.school_page import visits_summary

    today = date(2026, 12, 7)
    soon = today + timedelta(days=3)
    lead = VisitReviewer(person_id="lee", role=Role.LEAD_REVIEWER)
    visit = Visit(id="v1", school_id="s", framework_id="f", planned_start=soon, planned_end=soon,
                  reviewers=(lead,))  # fmt: skip
    assert visits_summary([visit], today) == "1 visit · next on 10 Dec 2026"
    assert visits_summary([visit], today, done={"v1"}) == "1 visit · last on 10 Dec 2026"
