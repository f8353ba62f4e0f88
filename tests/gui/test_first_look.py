"""The first screen at start-up: schools from a quick look at the store, then the Workspace.

The quick look (``storage/quick_read.py``) shows the real store's schools before the storage
stack is imported; the full Workspace opens behind it and takes over in place.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reviewer_app.app import settings_path, start_shell
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Phase, School
from reviewer_app.gui.dialogs.passphrase import PassphraseDialog, PassphraseMode
from reviewer_app.gui.models.schools import SchoolRole
from reviewer_app.gui.store_opening import StoreOpener
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace
from reviewer_app.settings import Settings
from reviewer_app.storage.keys import DEMO_KEY
from reviewer_app.storage.quick_read import FirstLook, read_first_look
from support.fixture_trust import open_fixture_workspace

PASSPHRASE = "a long walk by the river"
WRONG_PASSPHRASE = "That passphrase does not open your reviews. Check Caps Lock and try again."


def _answer_dialogs(answers: list[Callable[[PassphraseDialog], None]], seen: list[tuple]) -> None:
    """Answer each passphrase dialog, in turn, as it opens (they are modal)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, PassphraseDialog) and dialog.isVisible():
            seen.append((dialog.mode, dialog.ui.errorLabel.text()))
            answers.pop(0)(dialog)
        if answers:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(10, poll)


def _type(passphrase: str) -> Callable[[PassphraseDialog], None]:
    def answer(dialog: PassphraseDialog) -> None:
        dialog.ui.passphraseEdit.setText(passphrase)
        dialog.accept()

    return answer


def _passphrase_store(paths: AppPaths) -> list[School]:
    with Workspace.open(paths, passphrase=lambda _path, _creating: PASSPHRASE) as workspace:
        for urn, name in [("150001", "Willow Primary"), ("150002", "Ash Grove Academy")]:
            workspace.save_school(
                School(
                    id=new_id(),
                    trust_id=workspace.trust.id,
                    urn=urn,
                    name=name,
                    phase=Phase.PRIMARY,
                    local_authority="York",
                )
            )
        return workspace.list_schools()


def test_a_passphrase_store_shows_its_schools_first_and_asks_only_once(
    qtbot: QtBot, paths: AppPaths, reader_tasks: TaskRunner
) -> None:
    schools = _passphrase_store(paths)
    seen: list[tuple] = []
    _answer_dialogs([_type(PASSPHRASE)], seen)
    opener = StoreOpener(paths, settings_path(paths), demo=False, tasks=reader_tasks)
    opened: list[object] = []
    opener.opened.connect(lambda workspace, _settings: opened.append(workspace))
    with qtbot.waitSignal(opener.first_look_read, timeout=20_000) as looked:
        opener.start()
    look = looked.args[0]
    assert isinstance(look, FirstLook)
    assert list(look.schools) == schools
    qtbot.wait(200)
    assert opened == []  # the full open waits for the first screen to be painted
    with qtbot.waitSignal(opener.opened, timeout=30_000):
        opener.proceed()
    workspace = opened[0]
    try:
        assert isinstance(workspace, Workspace)
        assert workspace.list_schools() == schools
        assert seen == [(PassphraseMode.UNLOCK, "")]  # the full open reused the passphrase
    finally:
        workspace.close()


def test_a_wrong_passphrase_shows_nothing_first_and_is_explained(
    qtbot: QtBot, paths: AppPaths, reader_tasks: TaskRunner
) -> None:
    _passphrase_store(paths)
    seen: list[tuple] = []
    _answer_dialogs([_type("not the passphrase"), _type(PASSPHRASE)], seen)
    opener = StoreOpener(paths, settings_path(paths), demo=False, tasks=reader_tasks)
    looks: list[object] = []
    opener.first_look_read.connect(looks.append)
    with qtbot.waitSignal(opener.opened, timeout=30_000) as opened:
        opener.start()
    workspace = opened.args[0]
    try:
        assert looks == []
        assert seen == [(PassphraseMode.UNLOCK, ""), (PassphraseMode.UNLOCK, WRONG_PASSPHRASE)]
    finally:
        workspace.close()


def test_quitting_before_the_full_open_begins_opens_nothing(
    qtbot: QtBot, paths: AppPaths, reader_tasks: TaskRunner
) -> None:
    open_fixture_workspace(paths).close()
    opener = StoreOpener(paths, settings_path(paths), demo=True, tasks=reader_tasks)
    with qtbot.waitSignal(opener.first_look_read, timeout=20_000):
        opener.start()
    assert opener.wait() is None
    assert opener.workspace is None  # the full open was never begun


def test_the_workspace_takes_over_in_place_keeping_selection_and_filter(
    qtbot: QtBot, paths: AppPaths
) -> None:
    open_fixture_workspace(paths).close()
    look = read_first_look(paths.demo_store_file, DEMO_KEY)
    assert look is not None
    shell = start_shell(paths, demo=True)
    window = shell.window
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitExposed(window)
        with qtbot.waitSignal(window.schools_loaded, timeout=20_000):
            window.show_first_look(look)
        assert window.schools_model.schools() == list(look.schools)
        assert window.store_status.text() == f"Demo store · {len(look.schools)} schools"
        assert window.person_status.text().startswith(look.person.name)
        assert not window.new_visit_action.isEnabled()  # nothing can be written yet
        window.filter_edit.setText("primary")
        chosen = window.schools_proxy.index(0, 0).data(SchoolRole)
        assert window.select_school(chosen.id)
        assert window.school_page.school == chosen  # the page opens; its visits come later
        resets: list[None] = []
        window.schools_model.modelReset.connect(lambda: resets.append(None))

        workspace = open_fixture_workspace(paths)
        with qtbot.waitSignal(window.school_shown, timeout=20_000) as shown:
            shell.attach(workspace, Settings())
        assert shown.args == [chosen.id]
        qtbot.waitUntil(lambda: shell.tasks.pending == 0, timeout=20_000)
        assert resets == []
        assert window.filter_edit.text() == "primary"
        assert window.current_school() == chosen
        assert window.schools_model.schools() == workspace.list_schools()
        assert window.school_page.visits_model.rowCount() == len(
            workspace.visits_for_school(chosen.id)
        )
        assert window.new_visit_action.isEnabled()
    finally:
        shell.close()


def test_the_status_bar_says_the_store_is_still_opening_until_it_is(
    qtbot: QtBot, paths: AppPaths
) -> None:
    open_fixture_workspace(paths).close()
    look = read_first_look(paths.demo_store_file, DEMO_KEY)
    assert look is not None
    shell = start_shell(paths, demo=True)
    qtbot.addWidget(shell.window)
    try:
        shell.window.show_first_look(look)
        assert shell.window.activity_status.text() == "Opening the store…"
        shell.attach(open_fixture_workspace(paths), Settings())
        qtbot.waitUntil(lambda: shell.tasks.pending == 0, timeout=20_000)
        assert shell.window.activity_status.text() == ""
    finally:
        shell.close()


def test_work_after_the_first_paint_runs_once_after_it(qtbot: QtBot) -> None:
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QLabel

    from reviewer_app.gui.after_paint import call_after_paint

    class CountingLabel(QLabel):
        paints = 0

        def paintEvent(self, event: QPaintEvent) -> None:
            self.paints += 1
            super().paintEvent(event)

    label = CountingLabel("Schools")
    qtbot.addWidget(label)
    calls: list[int] = []
    call_after_paint(label, lambda: calls.append(label.paints), at_most_ms=60_000)
    label.show()
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=20_000)
    assert calls[0] >= 1  # after the paint, not before
    label.update()
    qtbot.wait(50)
    assert len(calls) == 1  # once only

    hidden = QLabel("Never shown")
    qtbot.addWidget(hidden)
    late: list[None] = []
    call_after_paint(hidden, lambda: late.append(None), at_most_ms=50)
    qtbot.waitUntil(lambda: late == [None], timeout=20_000)  # never painted: after at most 50 ms
