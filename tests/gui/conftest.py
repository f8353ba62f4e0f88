"""GUI test fixtures: the real app shell on a real store in a temporary data folder, holding the
tests' own small trust (``support/fixture_trust.py``), never the demo's content, so improving
the demo never breaks a GUI test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell, start_shell
from reviewer_app.gui import theme
from reviewer_app.gui.none_refcount_guard import guard
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.paths import AppPaths
from reviewer_app.reports.document import SCHOOL_FACING
from reviewer_app.reports.signing import prepare_and_render, sign_report
from reviewer_app.services.workspace import Workspace
from reviewer_app.settings import Settings
from support.fixture_trust import open_fixture_workspace
from support.sample_reports import SampleTrust, peer_review_draft, sample_photos, sample_trust

# pytest-qt starts Qt here rather than app.make_application, which installs this guard for the
# app: without it a long GUI session aborts on "deallocating None" (see none_refcount_guard).
guard()

#: Qt messages that say nothing about our code. Each needs a reason.
QT_LOG_IGNORE = (
    # The offscreen platform plugin cannot pass window size hints to a window manager (there is
    # none); Qt warns whenever a top-level window with size constraints is shown.
    "This plugin does not support propagateSizeHints",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            for pattern in QT_LOG_IGNORE:
                item.add_marker(pytest.mark.qt_log_ignore(pattern))


@pytest.fixture(autouse=True)
def _themed(qapp) -> None:
    """Tests see what people see: the real style sheet, icons found through search paths."""
    theme.apply(qapp)


@pytest.fixture
def paths(data_dir: Path) -> AppPaths:
    return AppPaths.from_base(data_dir).ensure()


def open_shell(
    qtbot: QtBot,
    paths: AppPaths,
    *,
    settings: Settings | None = None,
    open_workspace: Callable[[AppPaths], Workspace] = open_fixture_workspace,
) -> Shell:
    """Open the tests' trust on ``paths`` (or another, with ``open_workspace``) and show the
    main window with everything loaded."""
    workspace = open_workspace(paths)
    shell = start_shell(paths, demo=True, workspace=workspace, settings=settings or Settings())
    qtbot.addWidget(shell.window)
    shell.window.show()
    qtbot.waitExposed(shell.window)
    wait_loaded(qtbot, shell)
    return shell


def wait_loaded(qtbot: QtBot, shell: Shell) -> None:
    """Wait for the background loads (schools, people, frameworks, visits) to arrive."""
    qtbot.waitUntil(
        lambda: shell.window.schools_model.rowCount() > 0 and shell.tasks.pending == 0,
        timeout=10_000,
    )


def _starting(
    qtbot: QtBot, paths: AppPaths, open_workspace: Callable[[AppPaths], Workspace]
) -> Iterator[Callable[[], Shell]]:
    opened: list[Shell] = []

    def start() -> Shell:
        opened.append(open_shell(qtbot, paths, open_workspace=open_workspace))
        return opened[-1]

    yield start
    for shell in opened:
        shell.close()


@pytest.fixture
def start_app(qtbot: QtBot, paths: AppPaths) -> Iterator[Callable[[], Shell]]:
    """Start (or restart) the app on the test's data folder; closed again at teardown."""
    yield from _starting(qtbot, paths, open_fixture_workspace)


@pytest.fixture
def shell(qtbot: QtBot, paths: AppPaths) -> Iterator[Shell]:
    """The app on the tests' own small trust (``support/fixture_trust.py``)."""
    opened = open_shell(qtbot, paths)
    yield opened
    opened.close()


@pytest.fixture
def fixture_shell(shell: Shell) -> Shell:
    """The app on the tests' own small trust (the same as ``shell``; says so where it matters)."""
    return shell


# ---------------------------------------------------------------- signed sample reports
# For the report preview and Verify report dialog tests.


@pytest.fixture(scope="session")
def gui_trust() -> SampleTrust:
    return sample_trust()


@pytest.fixture(scope="session")
def signed_versions(gui_trust: SampleTrust) -> list[bytes]:
    """The school-facing peer review: prepared, then after each of its three signatures."""
    document = peer_review_draft(sample_photos(2, width=320, height=240)).for_audience(
        SCHOOL_FACING
    )
    versions = [prepare_and_render(document)]
    for name in ("Amira Hussain", "Tom Fletcher", "Dr Sarah Whitfield"):
        versions.append(
            sign_report(
                versions[-1],
                gui_trust.signers[name],
                trust_roots=[gui_trust.root],
                crls=[gui_trust.crl],
            )
        )
    return versions


@pytest.fixture
def reader_tasks() -> Iterator[TaskRunner]:
    """The app's reader threads (``gui/tasks.py``), as the main window has them."""
    runner = TaskRunner()
    yield runner
    runner.shutdown()
