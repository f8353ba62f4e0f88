# Longer than 600 lines because it still wires the shell's parts itself (split into parts:
# structure review step 8).
"""The main window: schools on the left, the chosen school's page on the right.

Everything it shows comes from the Workspace on background threads (``gui/tasks.py``); the
window only arranges results that have arrived. At start-up the schools come first from a quick
read-only look at the store (:meth:`MainWindow.show_first_look`); the Workspace then attaches
and its answers replace them in place, keeping the selection and the filter.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from reviewer_app import APP_NAME
from reviewer_app.domain.changes import ReviewChanges
from reviewer_app.domain.organisation import Person, School
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.visits import Visit
from reviewer_app.gui import theme
from reviewer_app.gui.change_bridge import ChangeBridge
from reviewer_app.gui.empty_state import EmptyState
from reviewer_app.gui.failures import failure_sentence
from reviewer_app.gui.schools_sidebar import SchoolsSidebar
from reviewer_app.gui.screen_fit import fit_window, remember_size
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.gui.window_state import WindowState
from reviewer_app.paths import AppPaths
from reviewer_app.services.framework_catalogue import Catalogue, VisitKind

if TYPE_CHECKING:
    from reviewer_app.gui.dialogs.new_visit import NewVisitDialog
    from reviewer_app.gui.my_work_page import MyWorkPage
    from reviewer_app.gui.review_editor.editor import ReviewEditor
    from reviewer_app.gui.school_page import SchoolPage
    from reviewer_app.gui.screen_privacy import ScreenPrivacy
    from reviewer_app.gui.sync_wiring import PreparedSync, SyncSetup, SyncWiring
    from reviewer_app.services.visit_progress import VisitTrack
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.settings import Settings
    from reviewer_app.storage.quick_read import FirstLook

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ShellServices:
    """What the main window needs from the composition root (``app.py``)."""

    paths: AppPaths
    settings_file: Path
    tasks: TaskRunner
    store_label: str
    load_catalogue: Callable[[Workspace | None], Catalogue]
    sync_setup: SyncSetup | None = None  # None: the real trust server client
    #: Seconds, monotonic: the idle lock's clock (tests move it on instead of waiting).
    clock: Callable[[], float] = time.monotonic


class MainWindow(QMainWindow):
    """Schools list with a name/URN filter, the school page, menus and a status bar.

    Signals:
        schools_loaded(int): the schools list has been filled (number of schools), from the
            quick first look or from the Workspace.
        workspace_attached(): the Workspace is open; everything is available.
        school_shown(str): a school's page shows its visits (the school id).
        visit_saved(Visit): a visit made in the New visit dialog is stored.
        settings_changed(Settings): the person saved new settings.
    """

    schools_loaded = Signal(int)
    workspace_attached = Signal()
    school_shown = Signal(str)
    visit_saved = Signal(object)
    settings_changed = Signal(object)

    def __init__(self, services: ShellServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        #: Set by :meth:`attach` once the store is open (it opens in the background).
        self.workspace: Workspace | None = None
        #: Idle lock and "hide restricted content", once the Workspace is open.
        self.privacy: ScreenPrivacy | None = None
        self.change_bridge: ChangeBridge | None = None
        self.settings: Settings | None = None
        self.tasks = services.tasks
        self.window_state = WindowState(services.paths.config)
        self.kinds: list[VisitKind] = []
        self.catalogue = Catalogue()
        self.people: dict[str, Person] = {}
        self._pending_school_id: str | None = self.window_state.last_school_id
        self._schools_ready = False
        self._visits: list[Visit] | None = None
        self._tracks: dict[str, VisitTrack] = {}
        self._pending_visit: str | None = None
        #: Open review editors by visit id (see :meth:`open_visit`).
        self.review_editors: dict[str, ReviewEditor] = {}
        #: Background sync, its status and menu (``gui/sync_wiring.py``), once attached.
        self.sync: SyncWiring | None = None
        self.closed = False
        self.setWindowTitle(f"{APP_NAME} · {services.store_label}")
        self.setObjectName("mainWindow")

        self._build_sidebar()
        self._build_pages()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 780])
        self.setCentralWidget(self.splitter)
        # Nothing typed lands anywhere until the store is open: a passphrase typed before its
        # dialog appears must not end up in the school search box, in plain text.
        self.splitter.setEnabled(False)
        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        self.window_state.restore(self.splitter)
        fit_window(self, "mainWindow", (1120, 720))
        self._update_actions()

    def attach(self, workspace: Workspace, settings: Settings) -> None:
        """Show the store's schools: called once the Workspace is open."""
        self.workspace = workspace
        self.settings = settings
        self.splitter.setEnabled(True)
        #: The change feed's notices on the GUI thread, for every screen of this window.
        self.change_bridge = ChangeBridge(workspace.lane.changes, self)
        self.change_bridge.review_changed.connect(self._review_changed)
        self._install_screen_privacy(workspace)
        self._update_actions()
        self.reload()
        # Sync's modules load and its state is read on a reader thread; then it is wired in.
        setup, paths = self.services.sync_setup, self.services.paths
        self.tasks.run(
            lambda: _prepare_sync(workspace, setup, paths),
            on_done=self._sync_prepared,
            context=self,
        )
        self.workspace_attached.emit()

    def _sync_prepared(self, prepared: PreparedSync) -> None:
        """Wire sync into the window (nothing when it closed or changed store meanwhile)."""
        if self.closed or self.workspace is not prepared.workspace or self.sync is not None:
            return
        from reviewer_app.gui.sync_wiring import SyncWiring  # imported by _prepare_sync

        def person_name(person_id: str) -> str | None:
            person = self.people.get(person_id)
            return person.name if person is not None else None

        sync = SyncWiring(
            self,
            prepared,
            tasks=self.tasks,
            paths=self.services.paths,
            settings_file=self.services.settings_file,
            settings=lambda: self.settings,
            person_name=person_name,
            bridge=self.change_bridge,
            menu_after=self.visit_menu.menuAction(),
        )
        sync.store_changed.connect(self.reload)
        sync.told.connect(self.notify)
        sync.settings_saved.connect(self._settings_saved_by_sync)
        sync.idle_minutes_set.connect(self._idle_minutes_set)
        self.settings_changed.connect(sync.settings_changed)
        self.visit_saved.connect(lambda _visit: sync.recount_soon())
        self.sync = sync

    def _settings_saved_by_sync(self, settings: Settings) -> None:
        self.settings = settings
        self.settings_changed.emit(settings)

    def _idle_minutes_set(self, minutes: int) -> None:
        if self.privacy is not None:
            self.privacy.set_idle_minutes(minutes)

    def _install_screen_privacy(self, workspace: Workspace) -> None:
        from reviewer_app.gui.screen_privacy import DEFAULT_IDLE_MINUTES, ScreenPrivacy

        if self.privacy is not None:
            return
        self.privacy = ScreenPrivacy(
            self,
            check_unlock=workspace.unlocks,
            unlock_asks_passphrase=workspace.unlock_asks_passphrase,
            idle_minutes=workspace.idle_lock_minutes() or DEFAULT_IDLE_MINUTES,
            clock=self.services.clock,
        )
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.privacy.hide_action)

    @property
    def waiting_for_school(self) -> bool:
        """True while a school chosen before the store opened waits to be shown."""
        return self._pending_school_id is not None

    def show_first_look(self, look: FirstLook) -> None:
        """Show the schools (and the person) from a quick look, until the Workspace attaches."""
        if self.workspace is not None or self._schools_ready:
            return
        self._show_person(look.person)
        self.splitter.setEnabled(True)  # the store is unlocked: the schools may be searched
        self._schools_arrived(list(look.schools))
        self._schools_ready = False  # ready for planning visits only once the Workspace is here
        # Until then nothing can be planned or changed: say why (cleared when work settles).
        self.activity_status.setText("Opening the store…")

    # ------------------------------------------------------------------ construction

    def _build_sidebar(self) -> None:
        self.sidebar = SchoolsSidebar()
        self.sidebar.school_chosen.connect(self._school_chosen)
        # Short names for what tests, the probe and screenshots look at.
        self.filter_edit = self.sidebar.filter_edit
        self.schools_model = self.sidebar.model
        self.schools_proxy = self.sidebar.proxy
        self.schools_view = self.sidebar.view
        self.no_match = self.sidebar.no_match

    def _build_pages(self) -> None:
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.loading_page = EmptyState(
            "empty-school",
            "Opening your schools…",
            "Unlocking the encrypted store on this computer.",
        )
        self.choose_page = EmptyState(
            "empty-school",
            "Choose a school",
            "Pick a school on the left to see its visits. To find one quickly, press Ctrl+F "
            "and type part of its name or its URN.",
        )
        for page in (self.loading_page, self.choose_page):
            self.pages.addWidget(page)
        self.pages.setCurrentWidget(self.loading_page)
        # Not on the first screen: built when first shown (start-up stays fast).
        self._school_page: SchoolPage | None = None
        self._no_schools_page: EmptyState | None = None
        self._my_work_page: MyWorkPage | None = None

    @property
    def school_page(self) -> SchoolPage:
        """The chosen school's page (built the first time a school is chosen)."""
        if self._school_page is None:
            from reviewer_app.gui.school_page import SchoolPage

            self._school_page = SchoolPage()
            self._school_page.new_visit_requested.connect(self.open_new_visit)
            # Enter or a double click on a visit opens its review.
            self._school_page.visits_view.activated.connect(
                lambda index: (
                    self.open_visit(self._school_page.visit_at(index.row()).id)
                    if self._school_page is not None
                    else None
                )
            )
            self._school_page.visits_view.setToolTip(
                "Press Enter or double-click to open a visit's review"
            )
            self.pages.addWidget(self._school_page)
        return self._school_page

    @property
    def my_work_page(self) -> MyWorkPage:
        """The person's work across their schools (built the first time it is shown)."""
        if self._my_work_page is None:
            from reviewer_app.gui.my_work_page import MyWorkPage

            self._my_work_page = MyWorkPage()
            self._my_work_page.visit_requested.connect(self.open_visit)
            self._my_work_page.school_requested.connect(self._show_school_from_my_work)
            self.pages.addWidget(self._my_work_page)
        return self._my_work_page

    def show_my_work(self) -> None:
        """Show My work, read afresh from the store in the background."""
        from reviewer_app.gui.my_work_page import load_my_work

        if self.workspace is None:
            return
        self.pages.setCurrentWidget(self.my_work_page)
        load_my_work(self, self.my_work_page)

    def _show_school_from_my_work(self, school_id: str) -> None:
        current = self.current_school()
        if current is not None and current.id == school_id:
            self._school_chosen(current)  # already chosen: show its page again
        else:
            self.select_school(school_id)

    @property
    def no_schools_page(self) -> EmptyState:
        """What a store without schools shows."""
        if self._no_schools_page is None:
            self._no_schools_page = EmptyState(
                "empty-school",
                "No schools yet",
                "This store has no schools. They arrive with the first sync from your trust's "
                "server (Sync > Connect to trust server…).",
            )
            self.pages.addWidget(self._no_schools_page)
        return self._no_schools_page

    def make_action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon:
            action.setIcon(theme.icon(icon))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_visit_action = self.make_action(
            "&New visit…", self.open_new_visit, "Ctrl+N", "new-visit", "Plan a visit to a school"
        )
        self.settings_action = self.make_action(
            "&Settings…",
            self.open_settings,
            "Ctrl+,",
            "settings",
            "The trust server, syncing and the interface size",
        )
        self.quit_action = self.make_action("&Quit", self.close, "Ctrl+Q", "quit", "Close Reviewer")
        self.find_action = self.make_action(
            "&Find school", self.focus_filter, "Ctrl+F", "search", "Find a school by name or URN"
        )
        self.reload_action = self.make_action(
            "&Reload", self.reload, "F5", "refresh", "Read schools and visits from the store again"
        )
        self.about_action = self.make_action("&About Reviewer", self.open_about, None, "about")
        self.shortcuts_action = self.make_action(
            "&Keyboard shortcuts",
            self.open_keyboard_shortcuts,
            "F1",
            None,
            "The keys Reviewer adds, window by window",
        )
        self.shortcuts_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.logs_action = self.make_action(
            "Show &log folder",
            self.show_log_folder,
            None,
            "folder",
            "Open the folder with Reviewer's logs",
        )
        self.crash_action = self.make_action(
            "Show last &crash report", self.show_last_crash_report, None, "crash-report"
        )
        self.open_visit_action = self.make_action(
            "&Open visit",
            self.open_current_visit,
            "Ctrl+O",
            None,
            "Open the chosen visit's review",
        )
        self.verify_action = self.make_action(
            "&Verify a report…",
            self.open_verify_report,
            None,
            None,
            "Check a signed report PDF: who signed it and whether anything was changed",
        )
        self.my_work_action = self.make_action(
            "&My work",
            self.show_my_work,
            "Ctrl+M",
            None,
            "Visits coming up, reports to sign, actions to follow up, support overdue",
        )
        self.new_visit_action.setEnabled(False)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.settings_action)
        file_menu.addAction(self.verify_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.visit_menu = visit_menu = bar.addMenu("&Visit")
        visit_menu.addAction(self.new_visit_action)
        visit_menu.addAction(self.open_visit_action)
        self.view_menu = view_menu = bar.addMenu("Vie&w")
        view_menu.addAction(self.my_work_action)
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.reload_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.logs_action)
        help_menu.addAction(self.crash_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)
        help_menu.aboutToShow.connect(
            lambda: self.crash_action.setEnabled(self._previous_crash_file().exists())
        )

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        status.setSizeGripEnabled(False)
        self.store_status = QLabel(self.services.store_label)
        self.store_status.setObjectName("storeStatus")
        self.store_status.setToolTip(str(self.services.paths.data))
        self.person_status = QLabel()
        self.person_status.setObjectName("personStatus")
        self.activity_status = QLabel()
        self.activity_status.setObjectName("activityStatus")
        #: How many reports wait for this person's signature (hidden when none).
        self.turn_status = QLabel()
        self.turn_status.setObjectName("signTurnStatus")
        self.turn_status.setVisible(False)
        status.addWidget(self.store_status)
        status.addWidget(self.person_status)
        status.addWidget(self.turn_status)
        status.addPermanentWidget(self.activity_status)
        self.tasks.busy_changed.connect(self._busy_changed)
        self.tasks.task_failed.connect(self._task_failed)
        self._last_note = ""

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        """(Re)read schools, people and visit kinds from the Workspace in the background."""
        workspace = self.workspace
        if workspace is None:
            return
        self.tasks.run(
            lambda: workspace.list_schools(""), on_done=self._schools_arrived, context=self
        )
        self.tasks.run(workspace.list_people, on_done=self._people_arrived, context=self)
        self._count_my_turns()
        self.tasks.run(
            lambda: self.services.load_catalogue(workspace),
            on_done=self._catalogue_arrived,
            on_failed=self._catalogue_failed,
            context=self,
        )

    def _schools_arrived(self, schools: Sequence[School]) -> None:
        current = self.current_school()
        keep = current.id if current is not None else self._pending_school_id
        # In place when the same schools arrive again: the selection and filter stay put.
        self.sidebar.set_schools(schools)
        self._schools_ready = True
        self._update_store_status()
        now = self.current_school()
        if not schools:
            self.pages.setCurrentWidget(self.no_schools_page)
        elif now is not None and now.id == keep:
            if now != self.school_page.school:
                self.school_page.show_school(now)  # its facts changed (and its category)
            else:
                self.school_page.load_category()  # a sync may have brought a newer one
            # Read its visits again (F5), or for the first time when it was chosen from the
            # quick first look, before the Workspace was there.
            self._load_visits(now.id)
        elif keep and self.schools_model.row_of(keep) >= 0:
            self.select_school(keep)
        else:
            self.pages.setCurrentWidget(self.choose_page)
        self._pending_school_id = None
        self._update_actions()
        self.schools_loaded.emit(len(schools))

    def _people_arrived(self, people: Sequence[Person]) -> None:
        self.people = {person.id: person for person in people}
        me = self._current_person()
        if me is not None:
            self._show_person(me)
        self._refresh_visits()

    def _show_person(self, me: Person) -> None:
        roles = ", ".join(sorted(role.label for role in me.roles))
        self.person_status.setText(f"{me.name} · {roles}" if roles else me.name)

    def _catalogue_arrived(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.kinds = list(catalogue.kinds)
        if not self.kinds:
            self.new_visit_action.setToolTip(
                "No review frameworks are installed, so there is no kind of visit to plan."
            )
            self.notify("No review frameworks installed")
        self._update_actions()
        self._refresh_visits()

    def _catalogue_failed(self, error: BaseException) -> None:
        # A broken framework file: the app still shows schools and visits, but cannot plan one.
        log.error("The review frameworks could not be loaded", exc_info=error)
        self.new_visit_action.setEnabled(False)
        self.new_visit_action.setToolTip(
            "The review frameworks could not be loaded; run `reviewer-app frameworks check`."
        )
        self.notify("Review frameworks could not be loaded (see the log)")

    def _count_my_turns(self) -> None:
        """Count, in the background, the reviews waiting for this person's signature."""
        workspace = self.workspace
        if workspace is None:
            return

        def read() -> set[str]:
            from reviewer_app.services.signing_turns import waiting_for_my_signature

            return waiting_for_my_signature(workspace)

        self.tasks.run(read, on_done=self._show_my_turns, context=self)

    def _show_my_turns(self, waiting: set[str]) -> None:
        count = len(waiting)
        self.turn_status.setVisible(bool(count))
        self.turn_status.setText("1 report to sign" if count == 1 else f"{count} reports to sign")
        self.turn_status.setToolTip(
            "The report of 1 review waits for your signature: its visit says “Your turn to sign”."
            if count == 1
            else f"The reports of {count} reviews wait for your signature: their visits say "
            "“Your turn to sign”."
        )

    def _current_person(self) -> Person | None:
        return self.workspace.current_person if self.workspace is not None else None

    def _update_store_status(self) -> None:
        count = self.schools_model.rowCount()
        schools = "1 school" if count == 1 else f"{count} schools"
        self.store_status.setText(f"{self.services.store_label} · {schools}")

    def _update_actions(self) -> None:
        attached = self.workspace is not None
        self.new_visit_action.setEnabled(
            attached
            and self._schools_ready
            and self.schools_model.rowCount() > 0
            and bool(self.kinds)
        )
        self.settings_action.setEnabled(attached)
        self.reload_action.setEnabled(attached)
        self.open_visit_action.setEnabled(attached)
        self.my_work_action.setEnabled(attached)

    def _task_failed(self, error: BaseException) -> None:
        # Logged with its traceback by the task runner; here the person is told in words.
        fallback = "Reviewer could not read from the store; the details are in the log."
        self.notify(failure_sentence(error, fallback, logged=True))

    def notify(self, text: str) -> None:
        """Show a fact in the status bar (it stays once background work has finished)."""
        self._last_note = text
        self.activity_status.setText(text)

    def _busy_changed(self, busy: bool) -> None:
        self.activity_status.setText("Working…" if busy else self._last_note)

    # ------------------------------------------------------------------ schools

    def current_school(self) -> School | None:
        return self.sidebar.current_school()

    def select_school(self, school_id: str) -> bool:
        """Show the school with ``school_id`` (clearing a filter that hides it)."""
        return self.sidebar.select_school(school_id)

    def _school_chosen(self, school: School) -> None:
        self.school_page.show_school(school)
        self.pages.setCurrentWidget(self.school_page)
        self._visits = None
        self.school_page.show_loading()
        self._load_visits(school.id, select_visit=self._pending_visit)
        self._pending_visit = None

    def _load_visits(self, school_id: str, select_visit: str | None = None) -> None:
        workspace = self.workspace
        if workspace is None:
            return

        def read() -> tuple[list[Visit], dict[str, VisitTrack]]:
            visits = workspace.visits_for_school(school_id)
            return visits, _tracks(workspace, visits)

        def arrived(found: tuple[list[Visit], dict[str, VisitTrack]]) -> None:
            current = self.current_school()
            if current is None or current.id != school_id:
                return  # the person moved on to another school meanwhile
            self._visits, self._tracks = found
            self._refresh_visits()
            if select_visit:
                self.school_page.select_visit(select_visit)
            self.school_shown.emit(school_id)

        self.tasks.run(read, on_done=arrived, context=self)

    def _review_changed(self, changes: ReviewChanges) -> None:
        """A review was started, moved on or signed: redraw the progress of the visits shown
        (only the rows that moved)."""
        workspace, visits = self.workspace, self._visits
        if not changes.touches(Entity.REVIEW, Entity.SIGNED_REPORT):
            return
        self._count_my_turns()
        if workspace is None or not visits or self._school_page is None:
            return
        shown = list(visits)

        def arrived(tracks: dict[str, VisitTrack]) -> None:
            if self._visits is not None and [v.id for v in self._visits] == [v.id for v in shown]:
                self._tracks = tracks
                self.school_page.show_tracks(tracks)

        def read() -> dict[str, VisitTrack]:
            return _tracks(workspace, shown)

        self.tasks.run(read, on_done=arrived, context=self)

    def _refresh_visits(self) -> None:
        visits = self._visits
        if visits is None or self._school_page is None or self._school_page.school is None:
            return
        titles = {kind.framework_id: kind.title for kind in self.kinds}
        names = {pid: person.name for pid, person in self.people.items()}
        self.school_page.set_visits(visits, kind_titles=titles, people=names, tracks=self._tracks)

    def focus_filter(self) -> None:
        """Ctrl+F: jump to the school filter with its text selected."""
        self.sidebar.focus_filter()

    # ------------------------------------------------------------------ reviews

    def current_visit(self) -> Visit | None:
        """The visit chosen in the school page's list, if any."""
        if self._school_page is None:
            return None
        return self._school_page.current_visit()

    def open_current_visit(self) -> ReviewEditor | None:
        """Visit > Open visit (Ctrl+O): open the chosen visit's review."""
        visit = self.current_visit()
        return self.open_visit(visit.id) if visit is not None else None

    def open_visit(self, visit_id: str) -> ReviewEditor | None:
        """Open (or bring forward) the review editor on a visit."""
        if self.workspace is None:
            return None  # visits are listed before the store is attached only from a quick look
        from reviewer_app.gui.review_editor.launcher import open_editor

        return open_editor(
            self.review_editors,
            self.workspace,
            self.tasks,
            visit_id,
            paths=self.services.paths,
            bridge=self.change_bridge,
            parent=self,
        )

    def close_editors(self) -> None:
        """Close the open editors, which writes what they hold before the store closes."""
        from reviewer_app.gui.review_editor.launcher import close_editors

        close_editors(self.review_editors)

    # ------------------------------------------------------------------ dialogs

    def open_new_visit(self) -> NewVisitDialog | None:
        """Open the New visit dialog for the school on show (or none chosen yet)."""
        from reviewer_app.gui.dialogs.new_visit import NewVisitDialog
        from reviewer_app.services.visit_planning import planning_facts

        workspace = self.workspace
        if workspace is None or not self.new_visit_action.isEnabled():
            return None
        school = self.current_school()
        dialog = NewVisitDialog(
            schools=self.schools_model.schools(),
            kinds=self.kinds,
            people=sorted(self.people.values(), key=lambda p: p.name),
            # The write runs on the Workspace's writer lane; the dialog gets a future back.
            save_visit=lambda visit: workspace.submit(workspace.save_visit, visit),
            tasks=self.tasks,
            school_id=school.id if school is not None else None,
            lead=self._current_person(),
            planning=planning_facts(workspace),
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.visit_saved.connect(self._visit_saved)
        dialog.open()
        return dialog

    def _visit_saved(self, visit: Visit) -> None:
        from datetime import datetime

        self.notify(f"Visit saved at {datetime.now():%H:%M}")
        current = self.current_school()
        if current is not None and current.id == visit.school_id:
            self._load_visits(visit.school_id, select_visit=visit.id)
        else:
            self._pending_visit = visit.id
            self.select_school(visit.school_id)
        self.visit_saved.emit(visit)

    def open_settings(self):
        from reviewer_app.gui.dialogs.settings_dialog import SettingsDialog

        if self.settings is None:
            return None
        dialog = SettingsDialog(
            self.settings,
            self.services.settings_file,
            tasks=self.tasks,
            enrolled_server=self.sync.server_url if self.sync is not None else None,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settings_saved.connect(self._settings_saved)
        dialog.open()
        return dialog

    def _settings_saved(self, settings: Settings) -> None:
        self.settings = settings
        self.notify("Settings saved")
        self.settings_changed.emit(settings)

    def open_verify_report(self):
        """File > Verify a report…: the dialog opens once the trust root has been read."""
        from reviewer_app.gui.verify_launcher import open_verify_dialog

        return open_verify_dialog(self, self.services.paths, self.workspace, self.tasks)

    def open_about(self):
        from reviewer_app.gui.dialogs.about import AboutDialog

        dialog = AboutDialog(self.services.paths, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_keyboard_shortcuts(self):
        """Help > Keyboard shortcuts (F1): the app's own keys, window by window."""
        from reviewer_app.gui.dialogs.keyboard_shortcuts import KeyboardShortcutsDialog

        dialog = KeyboardShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.services.paths.logs)))

    def _previous_crash_file(self):
        from reviewer_app.gui.crash import PREVIOUS_SUFFIX

        crash = self.services.paths.crash_log
        return crash.with_name(crash.stem + PREVIOUS_SUFFIX)

    def show_last_crash_report(self):
        from reviewer_app.gui.crash_report_dialog import CrashReportDialog

        path = self._previous_crash_file()
        if not path.exists():
            return None
        dialog = CrashReportDialog(
            "The last crash report",
            "This is what Reviewer recorded about its last problem.",
            path.read_text(encoding="utf-8", errors="replace"),
            self.services.paths.log_file,
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed = True
        if self.sync is not None:
            self.sync.stop()  # the shell waits for a running sync once the window is gone
        if self.review_editors:
            self.close_editors()
        school = self.current_school()
        self.window_state.save(self.splitter, school.id if school else None)
        remember_size(self)
        super().closeEvent(event)


def _tracks(workspace: Workspace, visits: Sequence[Visit]) -> dict[str, VisitTrack]:
    """The visits' progress, marking those whose report waits for this person's signature."""
    from reviewer_app.services.signing_turns import waiting_for_my_signature
    from reviewer_app.services.visit_progress import track_visits

    mine = waiting_for_my_signature(workspace, [visit.id for visit in visits])
    return track_visits(workspace.store, visits, your_turn=mine)


def _prepare_sync(workspace: Workspace, setup: SyncSetup | None, paths: AppPaths) -> PreparedSync:
    """On a reader thread: import the sync wiring (protocol, client) and read sync's state."""
    from reviewer_app.gui import sync_wiring

    return sync_wiring.prepare(workspace, setup, paths)
