"""A review started on the server by the trust admin, opened in the real editor after a sync.

The main window on a laptop that synced with the real server on loopback; the visit is opened
as a reviewer opens it. The review arrives without framework text: the editor opens on the
installed framework, or says which framework is missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sync_world import (
    INSTALLED_WALK,
    CatalogueWorld,
    Laptop,
    LiveServer,
    build_catalogue_world,
)

from reviewer_app.app import Shell, start_shell
from reviewer_app.gui.review_editor import ReviewEditor
from reviewer_app.gui.sync_wiring import SyncSetup
from reviewer_app.paths import AppPaths
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.settings import Settings

MakeLaptop = Callable[[str], Laptop]
TIMEOUT = 20_000


@pytest.fixture
def trust(live_server: LiveServer) -> CatalogueWorld:
    live_server.reset()
    return build_catalogue_world(live_server)


@pytest.fixture
def synced_window(
    qtbot: QtBot, trust: CatalogueWorld, laptop: MakeLaptop
) -> Iterator[tuple[Shell, Laptop]]:
    """The lead's laptop, enrolled and synced by the window's own start-up sync."""
    lead = laptop("lead")
    lead.enrol(trust.lead)
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
    qtbot.waitUntil(lambda: shell.window.schools_model.rowCount() == 1, timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: lead.workspace.reviews.review_for_visit(trust.walk_visit) is not None,
        timeout=TIMEOUT,
    )
    try:
        yield shell, lead
    finally:
        shell.close()


def _screenshot(widget: QWidget, name: str) -> None:
    """Save what the widget looks like when REVIEWER_SCREENSHOTS names a folder."""
    folder = os.environ.get("REVIEWER_SCREENSHOTS")
    if folder:
        QApplication.processEvents()
        widget.grab().save(str(Path(folder) / name))


def test_the_editor_opens_on_the_installed_framework(
    qtbot: QtBot, trust: CatalogueWorld, synced_window: tuple[Shell, Laptop]
) -> None:
    shell, lead = synced_window
    assert lead.reviews.framework_snapshot(trust.walk_review) == ""

    editor = shell.window.open_visit(trust.walk_visit)
    assert isinstance(editor, ReviewEditor)
    with qtbot.waitSignal(editor.review_loaded, timeout=TIMEOUT):
        pass

    installed = installed_library().latest(INSTALLED_WALK)
    assert editor.ctx is not None
    assert editor.ctx.framework.content_hash == installed.content_hash
    assert editor.windowTitle() == f"{installed.title} · Ash Primary"
    assert editor.nav.count() >= len(installed.sections)
    assert lead.reviews.framework_snapshot(trust.walk_review) != ""
    assert lead.sync.status().pending == 1  # the frozen framework, for the rest of the team


def test_a_missing_framework_is_named_in_the_editor(
    qtbot: QtBot, trust: CatalogueWorld, synced_window: tuple[Shell, Laptop]
) -> None:
    shell, lead = synced_window

    editor = shell.window.open_visit(trust.missing_visit)
    assert isinstance(editor, ReviewEditor)
    with qtbot.waitSignal(editor.review_failed, timeout=TIMEOUT) as failed:
        pass
    _screenshot(editor, "editor-framework-missing.png")

    shown = editor.loading.text()
    assert shown == failed.args[0]
    assert shown.startswith(
        "This review uses the framework 'Ofsted deep dive', which is not installed on this laptop"
    )
    assert "Ask your trust admin for that framework file" in shown
    assert editor.loading.wordWrap()
    assert editor.windowTitle() == "Review not opened"
    assert lead.reviews.framework_snapshot(trust.missing_review) == ""
