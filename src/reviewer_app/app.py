"""Composition root of the desktop app: paths, logging, settings, the Workspace, Qt, the window.

``cli.main`` calls :func:`run_gui` when no subcommand is named. Heavy modules (PySide6, the store)
are imported inside the functions that need them, so ``reviewer-app --help`` stays instant.

Start-up order (``bench/startup.py`` measures it): a background thread takes a quick, read-only
look at the store (``storage/quick_read.py``, sqlcipher3 alone) while the window is built, so the
schools are in its first paint; only after that paint does the thread import the storage stack
and open the full Workspace, which then takes over the window (:meth:`Shell.attach`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app import APP_ID, APP_NAME, ORG_DOMAIN, ORG_NAME, __version__, debug, logging_setup
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.paths import AppPaths

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QApplication, QMessageBox

    from reviewer_app.gui.crash import CrashHandler
    from reviewer_app.gui.main_window import MainWindow
    from reviewer_app.gui.store_opening import StoreOpener
    from reviewer_app.gui.sync_wiring import SyncSetup
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.services.framework_catalogue import Catalogue
    from reviewer_app.services.workspace import BuiltInTrust, Workspace
    from reviewer_app.settings import Settings
    from reviewer_app.storage.quick_read import FirstLook

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
#: Names a JSON file of editor steps the app runs once its window is up (end-to-end tests).
#: Qt platforms without a screen: problems go to stderr only, as no dialog could be answered.
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal"})


def settings_path(paths: AppPaths) -> Path:
    """Where the person's settings live (inside the config folder of this instance)."""
    return paths.config / SETTINGS_FILE


def _load_catalogue(folder: Path | None, workspace: Workspace | None) -> Catalogue:
    """The frameworks' catalogue, imported on the reader thread that loads it: with the
    workspace, built in and the trust's own received at sync (drafts when this laptop takes
    them)."""
    from reviewer_app.services.framework_catalogue import load_catalogue

    if workspace is not None and folder is None:
        return load_catalogue(library=workspace.library(), drafts=workspace.frameworks.drafts())
    return load_catalogue(folder)


def _demo_trust() -> BuiltInTrust:
    """The demo trust, plugged into the demo store (imported on the store-opening thread)."""
    from reviewer_app.demo.demo_trust import DemoTrust

    return DemoTrust()


def make_application() -> QApplication:
    """The QApplication with Reviewer's organisation and application names (one per process).

    Every process that shows Reviewer's windows starts Qt here, so this is where the guard
    against PySide6's reference leak on ``None`` is installed.
    """
    from PySide6.QtWidgets import QApplication

    from reviewer_app.gui.none_refcount_guard import guard

    # Before any Qt call: every window (not only the editor) calls Qt's void methods often
    # enough to exhaust None's references on Python 3.11 (see none_refcount_guard).
    guard()
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QApplication.setOrganizationName(ORG_NAME)
    QApplication.setOrganizationDomain(ORG_DOMAIN)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    app = QApplication(sys.argv[:1])
    app.setDesktopFileName(APP_ID)
    return app


def _show_fatal(message: str) -> None:
    """A problem that stops Reviewer from opening: a dialog, and the same words on stderr."""
    from PySide6.QtGui import QGuiApplication

    print(f"reviewer-app: {message}", file=sys.stderr)
    if QGuiApplication.platformName() in HEADLESS_PLATFORMS:
        return  # nobody could see or close the dialog
    fatal_box(message).exec()


def fatal_box(message: str) -> QMessageBox:
    """The dialog saying why Reviewer cannot open (also opened by the window walk)."""
    from PySide6.QtWidgets import QMessageBox

    return QMessageBox(QMessageBox.Icon.Critical, "Reviewer cannot open", message)


def peek_ui_scale(path: Path) -> int:
    """The interface size from the settings file, read without pydantic.

    Qt needs it before the application object exists, and importing pydantic there would cost
    start-up time; the full settings are read (and validated) on the opening thread.
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        value = int(raw.get("ui_scale_percent", 100)) if isinstance(raw, dict) else 100
    except (OSError, ValueError, TypeError):
        return 100
    return value if 100 <= value <= 200 else 100


def run_gui(args: argparse.Namespace) -> int:
    """Start the desktop app; returns the process exit status."""
    from reviewer_app.display_check import missing_display

    no_display = missing_display()
    if no_display is not None:
        # Qt would abort the process with a misleading message about its plugins.
        print(f"reviewer-app: {no_display}", file=sys.stderr)
        return 1
    paths = AppPaths.resolve(getattr(args, "data_dir", None)).ensure()
    logging_setup.configure(paths.log_file)
    log.info("Reviewer %s starting (data in %s)", __version__, paths.data)
    scale = peek_ui_scale(settings_path(paths))
    if scale != 100 and "QT_SCALE_FACTOR" not in os.environ:
        os.environ["QT_SCALE_FACTOR"] = f"{scale / 100:g}"

    app = make_application()
    from reviewer_app.gui import qtlog, theme
    from reviewer_app.gui.crash import CrashHandler

    previous_qt_handler = qtlog.install()
    theme.apply(app)
    show_dialogs = not getattr(args, "no_crash_dialog", False)
    crash = CrashHandler(paths.crash_log, paths.log_file, show_dialogs=show_dialogs)
    previous_report = crash.take_previous_report()
    crash.install()
    try:
        return _run_window(app, args, paths, crash, previous_report)
    finally:
        crash.uninstall()
        qtlog.uninstall(previous_qt_handler)
        log.info("Reviewer stopped")


@dataclass
class Shell:
    """The running shell: the window and what it is built on. :meth:`close` tears it down.

    The Workspace arrives after the window is shown (:meth:`attach`); until then the window
    shows the schools from the quick look at the store (or says it is opening the store).
    """

    window: MainWindow
    tasks: TaskRunner
    workspace: Workspace | None = None
    opener: StoreOpener | None = None
    closed: bool = False

    def attach(self, workspace: Workspace, settings: Settings) -> None:
        """The store is open: show its schools."""
        self.workspace = workspace
        self.window.attach(workspace, settings)

    def close(self) -> None:
        """Close the window (saving its state), finish background work, close the store.

        Safe to call twice, and while the store is still being opened.
        """
        if self.closed:
            return
        self.closed = True
        self.window.close()
        if self.window.sync is not None:
            self.window.sync.close()  # waits for a running sync, with the window already gone
        if self.opener is not None:
            self.opener.stop()  # a full open not begun yet is not begun at all
        self.tasks.shutdown()
        if self.workspace is None and self.opener is not None:
            self.workspace = self.opener.wait()
        if self.workspace is not None:
            self.workspace.close()


def start_shell(
    paths: AppPaths,
    *,
    demo: bool,
    workspace: Workspace | None = None,
    settings: Settings | None = None,
    frameworks: Path | None = None,
    sync_setup: SyncSetup | None = None,
    clock: Callable[[], float] | None = None,
    tasks: TaskRunner | None = None,
) -> Shell:
    """Build the main window; with a ``workspace`` (tests, screenshots) it is attached at once.

    ``clock`` (monotonic seconds) drives the idle lock: tests move it on instead of waiting.

    ``frameworks`` replaces the installed frameworks folder (tests of a broken one);
    ``sync_setup`` how to reach the trust server (tests: a loopback client, a short probe).
    ``tasks`` are the reader threads when they were started before the window (to open the store).
    """
    from reviewer_app.gui import screen_fit
    from reviewer_app.gui.main_window import MainWindow, ShellServices
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.gui.window_state import FILE_NAME as WINDOW_STATE_FILE

    screen_fit.remember_in(paths.config / WINDOW_STATE_FILE)

    if tasks is None:
        tasks = TaskRunner()
    services = ShellServices(
        paths=paths,
        settings_file=settings_path(paths),
        tasks=tasks,
        store_label="Demo store" if demo else "Encrypted store",
        load_catalogue=lambda workspace: _load_catalogue(frameworks, workspace),
        sync_setup=sync_setup,
        **({"clock": clock} if clock is not None else {}),
    )
    shell = Shell(window=MainWindow(services), tasks=tasks)
    script = debug.value(debug.EDITOR_SCRIPT)
    if script:  # test-only: the end-to-end editor test drives the real app from a JSON file
        from reviewer_app.gui.review_editor.script import EditorScript

        EditorScript(shell.window, script)
    if workspace is not None:
        if settings is None:
            from reviewer_app import settings as settings_store

            settings = settings_store.load(settings_path(paths))
        shell.attach(workspace, settings)
    return shell


#: How long after the store opens the built-in trust's slow work starts (the demo signs its
#: reports), so the first moments with the window stay quick.
BACKGROUND_DELAY_MS = 3000


def _finish_in_background(shell: Shell, workspace: Workspace) -> None:
    """Run the built-in trust's slow work on a reader thread, a little after the store opened;
    it stops between steps once the window closes."""
    built_in = workspace.built_in
    if built_in is None:
        return
    from PySide6.QtCore import QTimer

    def start() -> None:
        if not shell.closed:
            shell.tasks.run(
                lambda: built_in.finish_in_background(workspace, lambda: shell.closed),
                quiet=True,
            )

    QTimer.singleShot(BACKGROUND_DELAY_MS, start)


def _run_window(
    app: QApplication,
    args: argparse.Namespace,
    paths: AppPaths,
    crash: CrashHandler,
    previous_report: str,
) -> int:
    from PySide6.QtCore import QTimer

    from reviewer_app.gui.after_paint import call_after_paint
    from reviewer_app.gui.startup_probe import StartupProbe
    from reviewer_app.gui.store_opening import StoreOpener
    from reviewer_app.gui.tasks import TaskRunner

    demo = bool(getattr(args, "demo", False))
    tasks = TaskRunner()
    opener = StoreOpener(
        paths, settings_path(paths), demo=demo, tasks=tasks, built_in=_demo_trust if demo else None
    )
    # The quick look at the store (a few milliseconds of disk) runs while the window is built;
    # its result is delivered once the event loop runs, so it can be in the first paint.
    opener.start()
    try:
        shell = start_shell(paths, demo=demo, tasks=tasks)
    except BaseException:
        opener.wait()
        tasks.shutdown()
        raise
    window = shell.window
    shell.opener = opener

    def first_look(look: FirstLook) -> None:
        # The schools from a quick read-only look; the full open waits until they are painted.
        window.show_first_look(look)
        call_after_paint(window.schools_view.viewport(), opener.proceed)

    def failed(error: BaseException) -> None:
        if isinstance(error, ReviewerError):
            log.warning("The store could not be opened: %s", type(error).__name__, exc_info=error)
            _show_fatal(str(error))
        else:
            log.error("Opening the store failed unexpectedly", exc_info=error)
            _show_fatal(
                f"Reviewer could not open its store in {paths.data}. The details are in "
                f"{paths.log_file}; please send that file to your support contact."
            )
        app.exit(1)

    def cancelled() -> None:
        print("reviewer-app: no passphrase given; nothing was opened.", file=sys.stderr)
        app.exit(1)

    opener.first_look_read.connect(first_look)
    opener.opened.connect(shell.attach)
    opener.opened.connect(lambda workspace, _settings: _finish_in_background(shell, workspace))
    from reviewer_app.gui.bundle_opening import FileOpenFilter, import_bundle_file

    bundle = getattr(args, "open_bundle", None)
    if bundle is not None:  # a double-clicked .reviewer file: imported once the store is open
        opener.opened.connect(lambda *_: import_bundle_file(window, bundle))
    app.installEventFilter(FileOpenFilter(window))
    opener.failed.connect(failed)
    opener.cancelled.connect(cancelled)
    try:
        crash.dialog_parent = window
        if debug.is_on(debug.EXIT_AFTER_SHOW):
            StartupProbe(window, app)
        window.show()
        if previous_report:
            QTimer.singleShot(0, lambda: crash.show_previous_report(previous_report, window))
        return app.exec()
    finally:
        shell.close()
