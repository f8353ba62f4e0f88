"""Settings are edited in the dialog and kept; the window comes back where it was left."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, QSettings, QSize, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reviewer_app import settings as settings_file
from reviewer_app.app import Shell, settings_path
from reviewer_app.gui.dialogs.settings_dialog import SettingsDialog
from reviewer_app.gui.window_state import FILE_NAME
from reviewer_app.paths import AppPaths
from support.fixture_trust import WILLOW


def _open_settings(qtbot: QtBot, shell: Shell, *, by_shortcut: bool = True) -> SettingsDialog:
    window = shell.window
    if by_shortcut:
        window.activateWindow()
        qtbot.waitActive(window)
        qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    else:
        window.settings_action.trigger()
    dialogs = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitActive(dialog)
    return dialog


def test_settings_are_saved_through_the_dialog_and_read_back(
    qtbot: QtBot, shell: Shell, paths: AppPaths
) -> None:
    dialog = _open_settings(qtbot, shell)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.ui.serverEdit)
    qtbot.keyClicks(dialog.ui.serverEdit, "https://reviews.northfield-trust.example")
    dialog.ui.syncCheck.setChecked(False)
    dialog.ui.scaleSpin.setValue(150)
    with qtbot.waitSignal(shell.window.settings_changed, timeout=20_000):
        qtbot.keyClick(dialog.ui.serverEdit, Qt.Key.Key_Return)

    stored = settings_file.load(settings_path(paths))
    assert stored.server_url == "https://reviews.northfield-trust.example"
    assert stored.sync_automatically is False
    assert stored.ui_scale_percent == 150
    assert shell.window.settings == stored
    # Opening the dialog again shows what was saved.
    again = _open_settings(qtbot, shell, by_shortcut=False)
    assert again.ui.serverEdit.text() == "https://reviews.northfield-trust.example"
    assert again.ui.scaleSpin.value() == 150
    again.reject()


def test_settings_offer_only_what_something_uses(qtbot: QtBot, shell: Shell) -> None:
    """Name, email, trust profile, autosave delay and reports folder were read by nothing:
    the dialog shows the server address, syncing by itself and the interface size."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit

    dialog = _open_settings(qtbot, shell)
    fields = [
        w.accessibleName()
        for w in dialog.findChildren(QLineEdit)
        + dialog.findChildren(QComboBox)
        + dialog.findChildren(QAbstractSpinBox)
        + dialog.findChildren(QAbstractButton)
        if w.isVisibleTo(dialog)
        and w.accessibleName()
        and w.parent() is not None
        and not isinstance(w.parent(), QAbstractSpinBox)
    ]
    assert sorted(fields) == [
        "Interface size in percent",
        "Sync by itself when the trust server can be reached",
        "Trust server address",
    ]
    dialog.reject()


def test_a_bad_server_address_is_explained_and_nothing_is_written(
    qtbot: QtBot, shell: Shell, paths: AppPaths
) -> None:
    dialog = _open_settings(qtbot, shell)
    qtbot.keyClicks(dialog.ui.serverEdit, "ftp://example.org")
    dialog.save()
    assert dialog.isVisible()
    assert dialog.ui.serverError.text().startswith("The server address must start with https://")
    assert not settings_path(paths).exists()
    # Typing again clears the message.
    qtbot.keyClick(dialog.ui.serverEdit, Qt.Key.Key_Backspace)
    assert dialog.ui.serverError.text() == ""


def test_window_geometry_and_school_are_remembered_in_the_data_folder(
    qtbot: QtBot, start_app, paths: AppPaths
) -> None:
    first = start_app()
    school = next(s for s in first.window.schools_model.schools() if s.name == WILLOW)
    with qtbot.waitSignal(first.window.school_shown):
        first.window.select_school(school.id)
    # As narrow as the school's page allows (its name sets the header's width), on the
    # offscreen platform's 800 pixel wide screen.
    size = QSize(max(760, first.window.minimumSizeHint().width()), 540)
    first.window.resize(size)
    first.window.move(QPoint(12, 20))
    first.window.splitter.setSizes([300, size.width() - 300])
    sizes = first.window.splitter.sizes()
    first.close()

    state_file = paths.config / FILE_NAME
    assert state_file.exists(), "window state lives in this instance's config folder"
    stored = QSettings(str(state_file), QSettings.Format.IniFormat)
    assert stored.value("main/school") == school.id

    second = start_app()
    assert second.window.size() == size
    assert second.window.splitter.sizes() == sizes
    assert second.window.current_school().id == school.id
    assert second.window.school_page.name_label.toolTip() == WILLOW


def test_settings_file_is_plain_json_in_the_config_folder(
    qtbot: QtBot, shell: Shell, paths: AppPaths
) -> None:
    dialog = _open_settings(qtbot, shell)
    dialog.ui.scaleSpin.setValue(125)
    with qtbot.waitSignal(dialog.settings_saved):
        dialog.save()
    assert json.loads(settings_path(paths).read_text(encoding="utf-8"))["ui_scale_percent"] == 125
    assert settings_path(paths).parent == paths.config
