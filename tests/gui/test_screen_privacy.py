"""Screen privacy: the idle lock engages after the trust's period (an injected clock moves time
on), asks for the store's passphrase and refuses a wrong one; Ctrl+Shift+H covers safeguarding
detail in an open review at once and shows it again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell, start_shell
from reviewer_app.gui.screen_privacy import CHECK_EVERY_MS, Cover, UnlockDialog
from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace
from reviewer_app.settings import Settings
from reviewer_app.storage.local_settings import IDLE_LOCK_MINUTES, set_setting
from support.fixture_trust import SAFEGUARDING_LEAD, open_fixture_workspace
from support.identity import act_as

PASSPHRASE = "staffroom laptop passphrase"


def _screenshot(widget: QWidget, name: str) -> None:
    """Save what the widget looks like when REVIEWER_SCREENSHOTS names a folder."""
    folder = os.environ.get("REVIEWER_SCREENSHOTS")
    if folder:
        QApplication.processEvents()
        widget.grab().save(str(Path(folder) / name))


class Clock:
    """Monotonic seconds that move only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _reads_whole(dialog: UnlockDialog) -> None:
    """The dialog's sentence fits in it, not cut off (it once opened as a sliver)."""
    QApplication.processEvents()
    intro = dialog.intro
    assert intro.height() >= intro.heightForWidth(intro.width())
    assert dialog.width() >= 400
    assert intro.text().startswith("Reviewer locked itself because it was not used")


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _lock_covers(shell: Shell) -> list[Cover]:
    return [
        c
        for c in shell.window.findChildren(Cover)
        if c.isVisible() and c.objectName() == "privacyCover"
    ]


@pytest.fixture
def passphrase_shell(qtbot: QtBot, tmp_path: Path, clock: Clock) -> Iterator[Shell]:
    """The app on a new store protected by a passphrase (no keyring on this machine), where the
    trust set a 5-minute lock."""
    paths = AppPaths.from_base(tmp_path / "laptop").ensure()
    workspace = Workspace.open(paths, passphrase=lambda _store, _new: PASSPHRASE)
    assert workspace.unlock_asks_passphrase
    with workspace.store.writing() as session:
        set_setting(session, IDLE_LOCK_MINUTES, "5")
    shell = start_shell(paths, demo=False, workspace=workspace, settings=Settings(), clock=clock)
    qtbot.addWidget(shell.window)
    shell.window.show()
    qtbot.waitExposed(shell.window)
    yield shell
    shell.close()


def test_the_idle_lock_engages_after_the_trusts_period_and_wants_the_passphrase(
    qtbot: QtBot, passphrase_shell: Shell, clock: Clock
) -> None:
    window = passphrase_shell.window
    privacy = window.privacy
    assert privacy is not None
    assert privacy.idle_minutes == 5
    assert privacy.timer.interval() == CHECK_EVERY_MS

    clock.now += 4 * 60  # four minutes of reading, then a key press: not idle
    qtbot.keyClick(window.schools_view, Qt.Key.Key_Down)
    clock.now += 4 * 60
    privacy.timer.timeout.emit()
    assert not privacy.is_locked

    clock.now += 61  # five minutes since the last key press
    with qtbot.waitSignal(privacy.locked, timeout=2_000):
        privacy.timer.timeout.emit()
    assert privacy.is_locked
    assert _lock_covers(passphrase_shell)  # the window's content is covered
    dialog = privacy.dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.waitExposed(dialog)
    assert dialog.passphrase.isVisible()
    _reads_whole(dialog)
    _screenshot(window, "idle-lock-window.png")
    _screenshot(dialog, "idle-lock-dialog.png")

    # Escape does not unlock; a wrong passphrase is refused in a sentence.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert privacy.is_locked
    qtbot.keyClicks(dialog.passphrase, "not the passphrase")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert privacy.is_locked
    assert dialog.problem.text().startswith("That passphrase does not open the store.")
    assert dialog.passphrase.text() == ""

    with qtbot.waitSignal(privacy.unlocked, timeout=20_000):
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert not privacy.is_locked
    qtbot.waitUntil(lambda: not _lock_covers(passphrase_shell), timeout=2_000)
    privacy.timer.timeout.emit()  # the clock starts again from the unlock
    assert not privacy.is_locked


def test_hide_restricted_content_covers_safeguarding_detail_at_once(
    qtbot: QtBot, tmp_path: Path, clock: Clock
) -> None:
    paths = AppPaths.from_base(tmp_path / "trust").ensure()
    workspace = open_fixture_workspace(paths)
    dsl = next(p for p in workspace.list_people() if p.name == SAFEGUARDING_LEAD)
    assert dsl.may_see_safeguarding
    act_as(workspace, dsl)
    shell = start_shell(paths, demo=True, workspace=workspace, settings=Settings(), clock=clock)
    qtbot.addWidget(shell.window)
    shell.window.show()
    try:
        qtbot.waitUntil(lambda: shell.window.schools_model.rowCount() > 0, timeout=10_000)
        privacy = shell.window.privacy
        assert privacy is not None
        assert privacy.idle_minutes == 10  # the default when the trust has not said
        audit = next(
            v
            for s in workspace.list_schools()
            for v in workspace.visits_for_school(s.id)
            if v.framework_id == "safeguarding-audit"
        )
        editor = shell.window.open_visit(audit.id)
        assert editor is not None
        qtbot.waitUntil(
            lambda: editor.ctx is not None and editor.tasks.pending == 0, timeout=10_000
        )
        page = editor.stack.currentWidget()
        covers = [c for c in editor.findChildren(Cover) if c.objectName() == "restrictedCover"]
        assert covers, "the audit's pages and evidence are registered as restricted"
        assert not any(c.isVisible() for c in covers)

        editor.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=20_000)
        qtbot.keyClick(
            editor,
            Qt.Key.Key_H,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        assert privacy.restricted_hidden
        covers = [c for c in editor.findChildren(Cover) if c.objectName() == "restrictedCover"]
        assert all(c.isVisible() for c in covers)
        assert any(c.parentWidget() is page for c in covers)
        assert any(c.parentWidget() is editor.evidence for c in covers)
        assert covers[0].label.text().startswith("Restricted safeguarding detail is hidden.")
        _screenshot(editor, "hide-restricted-content.png")

        qtbot.keyClick(
            editor,
            Qt.Key.Key_H,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        assert not privacy.restricted_hidden
        assert not any(c.isVisible() for c in covers)
    finally:
        shell.close()


def test_a_keyring_store_unlocks_through_the_keyring_and_says_when_it_cannot(
    qtbot: QtBot, tmp_path: Path, clock: Clock
) -> None:
    """A store whose key is in the operating system's keyring asks no passphrase: Unlock reads
    the key again (the operating system asks for its own unlock when its keyring is locked); a
    keyring that cannot give the key keeps the app locked and says so."""
    from keyring_backends import MemoryKeyring, keyring_in_use

    with keyring_in_use(MemoryKeyring()) as ring:
        assert isinstance(ring, MemoryKeyring)
        paths = AppPaths.from_base(tmp_path / "laptop").ensure()
        workspace = Workspace.open(paths)
        assert not workspace.unlock_asks_passphrase
        shell = start_shell(paths, demo=False, workspace=workspace, settings=Settings(),
                            clock=clock)  # fmt: skip
        qtbot.addWidget(shell.window)
        shell.window.show()
        qtbot.waitExposed(shell.window)
        try:
            privacy = shell.window.privacy
            assert privacy is not None
            clock.now += 11 * 60  # the default ten minutes
            with qtbot.waitSignal(privacy.locked, timeout=2_000):
                privacy.timer.timeout.emit()
            dialog = privacy.dialog
            assert isinstance(dialog, UnlockDialog)
            qtbot.waitExposed(dialog)
            assert not dialog.passphrase.isVisible()
            _screenshot(dialog, "idle-lock-keyring-dialog.png")
            _reads_whole(dialog)

            kept = dict(ring.secrets)
            ring.secrets.clear()  # the keyring no longer gives the key
            qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
            assert privacy.is_locked
            assert dialog.problem.text() == (
                "The store's key could not be read from this computer's keyring. Try again."
            )
            ring.secrets.update(kept)
            with qtbot.waitSignal(privacy.unlocked, timeout=20_000):
                qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: not _lock_covers(shell), timeout=2_000)
        finally:
            shell.close()
