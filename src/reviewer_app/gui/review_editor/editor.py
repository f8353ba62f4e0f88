# Longer than 600 lines because the window still builds its header, navigation and file drops
# itself (split: issue 15 item 3).
"""The review editor window, generated from the framework snapshot the review is frozen to.

Left: the sections with completion counts, then next steps, follow-up and the sign-off check.
Centre: the page of the chosen section, built the first time it is shown. Right: evidence (the
quick-capture bar, the notes and the photos and files). Top: the school, the visit, the review's
state and the saved indicator.

Everything is read on a reader thread (``services.review_session.open_review``) and every change
is written through the SaveQueue on the writer lane (see ``writes.py``).
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.carry_forward import carried_note, is_carried_forward
from reviewer_app.domain.quick_capture import CaptureVocabulary, describe_tags
from reviewer_app.domain.review import (
    ReviewState,
    agreed_judgement,
    current_judgements,
)
from reviewer_app.domain.review_progress import (
    ACTIONS_SECTION,
    FOLLOW_UP_SECTION,
    VISIT_SECTION,
    MissingItem,
    criterion_order,
    step_criterion,
)
from reviewer_app.gui import theme
from reviewer_app.gui.after_paint import call_after_paint
from reviewer_app.gui.change_bridge import ChangeBridge
from reviewer_app.gui.failures import failure_sentence
from reviewer_app.gui.review_editor.actions_page import ActionsModel, ActionsPage, FollowUpPage
from reviewer_app.gui.review_editor.criterion_card import CriterionCard
from reviewer_app.gui.review_editor.evidence_panel import (
    AttachmentsModel,
    AttachmentViewer,
    EvidencePanel,
    NotesModel,
)
from reviewer_app.gui.review_editor.incoming import IncomingChanges
from reviewer_app.gui.review_editor.report_menu import ReportActions
from reviewer_app.gui.review_editor.save_queue import SaveQueue
from reviewer_app.gui.review_editor.section_nav import SectionNavDelegate
from reviewer_app.gui.review_editor.section_page import SectionPage
from reviewer_app.gui.review_editor.signoff_page import SIGN_OFF_SECTION, SignOffPage
from reviewer_app.gui.review_editor.writes import EditorChanges
from reviewer_app.gui.screen_fit import fit_window, remember_size
from reviewer_app.services.review_session import ReviewContext, evidence_notes, open_review

if TYPE_CHECKING:
    from reviewer_app.gui.screen_privacy import ScreenPrivacy
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)

PageKey = str
#: Where a nav item keeps its section's title (its text adds the completion count).
TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
#: Between a section's title and its count: no-break spaces keep the count with the title's
#: last word when a long title wraps.
NAV_SEPARATOR = "\u00a0\u00a0·\u00a0\u00a0"


class ReviewEditor(QMainWindow):
    """One visit's review, generated from its framework.

    Signals:
        review_loaded(): the review has been read and its first section is on screen.
        review_failed(str): the review could not be opened (the reason in words).
        progress_changed(): completion counts or the sign-off check changed.
        review_replaced(str): an amendment was started; the editor now shows it (its id).
        notes_loaded(int): the evidence notes have been read (how many).
    """

    review_loaded = Signal()
    review_failed = Signal(str)
    progress_changed = Signal()
    review_replaced = Signal(str)
    notes_loaded = Signal(int)

    def __init__(
        self,
        workspace: Workspace,
        tasks: TaskRunner,
        visit_id: str,
        *,
        review_id: str | None = None,
        paths: AppPaths | None = None,
        bridge: ChangeBridge | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if parent is not None:
            self.setWindowFlag(Qt.WindowType.Window, True)
        self.workspace = workspace
        self.tasks = tasks
        self.visit_id = visit_id
        #: The app's folders: signing keys and the trust root live there (``None``: no reports).
        self.paths = paths
        self.setObjectName("reviewEditor")
        self.setWindowTitle("Opening the review…")
        fit_window(self, "reviewEditor", (1320, 860))
        self.ctx: ReviewContext | None = None
        self.saver = SaveQueue(workspace.submit, tasks, self)
        self.undo_stack = QUndoStack(self)
        self.changes = EditorChanges(self)
        self.current_criterion: str | None = None
        self.pending_attachments: list[str] = []
        self._attach_folder = str(Path.home())  # the file dialog opens where it was last used
        self.loading = QLabel("Opening the review…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setWordWrap(True)  # a reason it could not open is a sentence or two
        self.loading.setMargin(48)
        self.setCentralWidget(self.loading)
        self._build_actions()
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._app: QApplication = app
        self.signed_window: ReviewEditor | None = None
        self._app.focusChanged.connect(self._focus_changed)
        self._closed = False
        self.setAcceptDrops(True)
        #: What changed in the store (a sync, another window): redrawn in place.
        self.bridge = bridge if bridge is not None else ChangeBridge(workspace.lane.changes, self)
        self.incoming = IncomingChanges(self)
        self.bridge.review_changed.connect(self.incoming.review_changed)
        self.load(review_id)

    # ------------------------------------------------------------------ loading

    def load(self, review_id: str | None = None) -> None:
        """(Re)read the review in the background and rebuild the editor on it."""
        self.saver.flush()  # nothing typed is lost when the editor is rebuilt
        workspace, visit_id = self.workspace, self.visit_id

        def read() -> ReviewContext:
            workspace.submit(lambda: None).result()  # after every write queued so far
            return open_review(workspace, visit_id, review_id=review_id, with_notes=False)

        self.tasks.run(
            read,
            on_done=self._loaded,
            on_failed=self._failed,
            context=self,
        )

    def _failed(self, error: BaseException) -> None:
        message = failure_sentence(error, "The review could not be opened (see the log).")
        self.loading.setText(message)
        self.setWindowTitle("Review not opened")
        self.review_failed.emit(message)

    def _loaded(self, ctx: ReviewContext) -> None:
        self.ctx = ctx
        framework = ctx.framework
        self.undo_stack.clear()
        self.vocabulary = CaptureVocabulary.for_framework(framework, ctx.vocabulary)
        self.setWindowTitle(f"{framework.title} · {ctx.school.name}")
        self.criterion_titles = {c.id: c.title for c in framework.criteria()}
        self.pages: dict[PageKey, QWidget] = {}
        self.changes.loaded(ctx)
        self.current_criterion = None

        root = QWidget()
        root.setObjectName("editorRoot")
        outer = QVBoxLayout(root)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_header())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("editorSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.setHandleWidth(1)
        self.nav = QListWidget()
        self.nav.setObjectName("sectionNav")
        self.nav.setAccessibleName("Sections of the review, with how many items are done")
        self.nav.setAccessibleDescription(
            "Up and Down choose a section, Tab goes into it. From anywhere in the window, "
            "Ctrl+Page Down and Ctrl+Page Up move between sections, F8 and Shift+F8 "
            "between criteria, and Ctrl+K opens the sign-off check."
        )
        self.nav.setMinimumWidth(230)
        # Long section titles wrap rather than hide behind a sideways scroll bar (150%).
        self.nav.setWordWrap(True)
        self.nav.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.nav.setItemDelegate(SectionNavDelegate(self.nav))
        self.stack = QStackedWidget()
        self.notes_model = NotesModel(
            ctx.name_of,
            lambda c: self.criterion_titles.get(c, c),
            lambda t: describe_tags(t, framework.evidence.tags),
            self,
        )
        self.notes_model.set_notes(ctx.notes)
        self.attachments_model = AttachmentsModel(self.changes.load_thumbnail, self)
        self.attachments_model.set_attachments(ctx.attachments)
        self.actions_model = ActionsModel(
            ctx.name_of, lambda c: self.criterion_titles.get(c, c), self
        )
        self.actions_model.set_actions(ctx.actions)
        self.evidence = EvidencePanel(self.vocabulary, self.notes_model, self.attachments_model)
        self.evidence.setMinimumWidth(320)
        self.evidence.capture.captured.connect(self.changes.capture_note)
        self.evidence.attach_requested.connect(self.choose_files)
        self.evidence.attachment_opened.connect(self.open_attachment)
        self.evidence.note_retract_requested.connect(self.changes.withdraw_note)
        # On a short screen the panel scrolls as a whole, so the photos stay reachable.
        evidence_scroll = QScrollArea()
        evidence_scroll.setObjectName("evidenceScroll")
        evidence_scroll.setWidget(self.evidence)
        evidence_scroll.setWidgetResizable(True)
        evidence_scroll.setFrameShape(QFrame.Shape.NoFrame)
        evidence_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        evidence_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes into the panel
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.addWidget(evidence_scroll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 700, 370])
        outer.addWidget(splitter, 1)
        self.setCentralWidget(root)
        self._cover_restricted_evidence()
        self._route_file_drops(self.evidence)
        root.show()  # a widget added to a visible window is otherwise shown only later
        self.loading = QLabel()

        self._fill_nav()
        self.nav.currentRowChanged.connect(self._nav_row_changed)
        self.saver.state_changed.connect(self._saved_state)
        self.progress = ctx.progress()
        self.refresh_progress()
        first = next((i for i in range(self.nav.count()) if not self.nav.item(i).isHidden()), 0)
        self.nav.setCurrentRow(first)
        self.update_lock()
        self.reports.set_enabled(True)
        self.evidence.set_current_criterion(None, "")
        self.setTabOrder(self.nav, self.stack)
        self.setTabOrder(self.stack, self.evidence.capture)
        self.nav.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, self.review_loaded.emit)
        self.evidence.count_label.setText("Reading the evidence notes…")
        self.notes_ready = False
        workspace, review = self.workspace, ctx.review

        def read_notes() -> None:
            if ctx is not self.ctx or self._closed:
                return
            self.tasks.run(
                lambda: evidence_notes(workspace, review),
                on_done=partial(self._notes_arrived, ctx),
                on_failed=self._notes_failed,
                context=self,
            )

        # Reading thousands of notes holds Python's lock for a while: start once the first
        # section is on screen, so it does not slow that down.
        call_after_paint(self.stack, read_notes, at_most_ms=200)

    def _notes_failed(self, error: BaseException) -> None:
        """The review is open but its notes could not be read: say so where they would be."""
        message = failure_sentence(error, "The evidence notes could not be read (see the log).")
        self.evidence.count_label.setWordWrap(True)
        self.evidence.count_label.setText(message)
        theme.set_role(self.evidence.count_label, "fieldError")

    def _notes_arrived(self, ctx: ReviewContext, notes: list) -> None:
        """The notes, read after the first section is on screen (thousands take a moment)."""
        if ctx is not self.ctx:
            return  # the editor was rebuilt meanwhile
        known = {n.id for n in notes}
        added_meanwhile = [n for n in self.notes_model.notes() if n.id not in known]
        ctx.notes = list(notes) + added_meanwhile
        self.notes_model.set_notes(ctx.notes)
        self.notes_ready = True
        self.changes.after_notes_changed()
        self.notes_loaded.emit(len(ctx.notes))

    # ------------------------------------------------------------------ structure

    def _build_header(self) -> QWidget:
        ctx = self.ctx
        assert ctx is not None
        header = QWidget()
        header.setObjectName("editorHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(header)
        layout.setContentsMargins(24, 14, 24, 12)
        layout.setSpacing(6)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        school = QLabel(ctx.school.name)
        school.setObjectName("editorSchool")
        school.setProperty("role", "heading")
        visit = ctx.visit
        dates = f"{visit.start.day} {visit.start:%B %Y}"
        end = visit.actual_end or visit.planned_end
        if end != visit.start:
            dates = f"{visit.start.day} to {end.day} {end:%B %Y}"
        team = ", ".join(
            ctx.name_of(r.person_id) + (" (lead)" if r.person_id == visit.lead.person_id else "")
            for r in visit.reviewers
        )
        framework = ctx.framework
        about = QLabel(f"{framework.title} · {dates} · {team}")
        about.setProperty("role", "muted")
        about.setWordWrap(True)
        titles.addWidget(school)
        titles.addWidget(about)
        top.addLayout(titles, 1)
        self.state_chip = QLabel()
        self.state_chip.setObjectName("reviewState")
        self.state_chip.setProperty("role", "chip")
        self.state_chip.setAccessibleName("State of the review")
        top.addWidget(self.state_chip, 0, Qt.AlignmentFlag.AlignTop)
        self.saved_indicator = QLabel(self.saver.text)
        self.saved_indicator.setObjectName("savedIndicator")
        self.saved_indicator.setProperty("state", "saved")
        self.saved_indicator.setAccessibleName("Saved indicator")
        top.addWidget(self.saved_indicator, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.banner = QLabel()
        self.banner.setObjectName("reviewBanner")
        self.banner.setWordWrap(True)
        self.banner.setProperty("role", "banner")
        self.banner.hide()
        layout.addWidget(self.banner)
        notices = list(framework.notices)
        if framework.caveat:
            notices.append(f"Wording to confirm: {framework.caveat}")
        if notices:
            notice = QLabel(" ".join(notices))
            notice.setObjectName("frameworkNotice")
            notice.setProperty("role", "notice")
            notice.setWordWrap(True)
            layout.addWidget(notice)
        return header

    def _fill_nav(self) -> None:
        ctx = self.ctx
        assert ctx is not None
        framework = ctx.framework
        self.nav_keys: list[PageKey] = []

        def add(key: PageKey, title: str) -> None:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setData(TITLE_ROLE, title)
            self.nav.addItem(item)
            self.nav_keys.append(key)

        if framework.fields:
            add(VISIT_SECTION, "About this visit")
        for section in framework.sections:
            add(section.id, section.title)
        if framework.actions.enabled:
            add(ACTIONS_SECTION, framework.actions.label)
            if framework.actions.follow_up_previous:
                add(FOLLOW_UP_SECTION, "Follow-up of earlier actions")
        add(SIGN_OFF_SECTION, "Sign-off check")

    def _build_actions(self) -> None:
        def action(text: str, slot, *shortcuts: str) -> QAction:
            act = QAction(text, self)
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda _c=False: slot())
            self.addAction(act)
            return act

        self.undo_action = action("&Undo", self.changes.undo, "Ctrl+Z")
        self.redo_action = action("&Redo", self.changes.redo, "Ctrl+Shift+Z", "Ctrl+Y")
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda t: self.undo_action.setText(f"&Undo {t}".strip())
        )
        self.undo_stack.redoTextChanged.connect(
            lambda t: self.redo_action.setText(f"&Redo {t}".strip())
        )
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.next_action = action("&Next criterion", lambda: self.step_criterion(1), "F8")
        self.previous_action = action(
            "&Previous criterion", lambda: self.step_criterion(-1), "Shift+F8"
        )
        self.next_section_action = action(
            "Next &section", lambda: self.step_section(1), "Ctrl+PgDown"
        )
        self.previous_section_action = action(
            "Previous s&ection", lambda: self.step_section(-1), "Ctrl+PgUp"
        )
        self.note_action = action("New evidence &note", self.focus_capture, "Ctrl+E")
        self.attach_action = action("&Attach photos or files…", self.choose_files, "Ctrl+Shift+A")
        self.check_action = action(
            "Sign-off chec&k", lambda: self.show_page(SIGN_OFF_SECTION), "Ctrl+K"
        )
        self.close_action = action("&Close", self.close, "Ctrl+W")
        self.rate_actions = [
            action(f"Rate level {n}", lambda n=n: self.rate_current(n), f"Alt+{n}")
            for n in range(10)
        ]
        menu = self.menuBar()
        review_menu = menu.addMenu("&Review")
        for act in (self.note_action, self.attach_action, self.check_action, self.close_action):
            review_menu.addAction(act)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        self.reports = ReportActions(self, self.paths)
        report_menu = menu.addMenu("Re&port")
        report_menu.addAction(self.reports.preview_action)
        report_menu.addAction(self.reports.sign_action)
        go_menu = menu.addMenu("&Go")
        for act in (
            self.next_action,
            self.previous_action,
            self.next_section_action,
            self.previous_section_action,
        ):
            go_menu.addAction(act)

    # ------------------------------------------------------------------ pages

    def page(self, key: PageKey) -> QWidget:
        """The page for a nav entry, built the first time it is asked for."""
        existing = self.pages.get(key)
        if existing is not None:
            return existing
        ctx = self.ctx
        assert ctx is not None
        framework = ctx.framework
        page: QWidget
        if key == VISIT_SECTION:
            page = SectionPage(
                framework,
                None,
                title="About this visit",
                fields=framework.fields,
                team_visit=ctx.is_team_visit,
                is_lead=ctx.is_lead,
            )
        elif key == ACTIONS_SECTION:
            page = ActionsPage(framework, self.actions_model)
            page.action_requested.connect(self.changes.add_action)
            page.retract_requested.connect(self.changes.withdraw_action)
        elif key == FOLLOW_UP_SECTION:
            page = FollowUpPage([(e.action, e.origin) for e in ctx.earlier_actions], ctx.follow_ups)
            for row in page.rows.values():
                row.changed.connect(self.changes.follow_up_changed)
        elif key == SIGN_OFF_SECTION:
            page = SignOffPage(self)
            page.jump_requested.connect(self.jump_to)
        else:
            section = next(s for s in framework.sections if s.id == key)
            page = SectionPage(
                framework,
                section,
                title=section.title,
                fields=section.fields,
                team_visit=ctx.is_team_visit,
                is_lead=ctx.is_lead,
            )
        self.pages[key] = page
        if page.focusPolicy() & Qt.FocusPolicy.TabFocus:  # a scrolling page is a stop too
            page.setAccessibleName(self.nav.item(self.nav_keys.index(key)).data(TITLE_ROLE))
            page.setAccessibleDescription(
                "Page Up and Page Down scroll the page; Tab goes through its controls."
            )
        self.stack.addWidget(page)
        self._route_file_drops(page)
        if isinstance(page, SectionPage):
            self._wire_section(page)
            self._cover_restricted(page)
        self._chain_tab_order()
        self._apply_lock_to(page)
        return page

    def _chain_tab_order(self) -> None:
        """Tab goes sections list -> the page, top to bottom -> the evidence panel.

        A page is built after the evidence panel, so its controls join the tab chain after
        the panel's: move the panel's controls back to the end of the chain.
        """
        evidence = self.evidence
        last: QWidget | None = self.previousInFocusChain()
        while (
            last is not None
            and last is not self
            and not last.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            last = last.previousInFocusChain()
        if last is None or last is self or evidence.isAncestorOf(last):
            return
        previous: QWidget = last
        for widget in (
            evidence.capture,
            evidence.scope,
            evidence.search,
            evidence.notes_view,
            evidence.attach_button,
            evidence.attachments_view,
        ):
            QWidget.setTabOrder(previous, widget)
            previous = widget

    def _wire_section(self, page: SectionPage) -> None:
        ctx = self.ctx
        assert ctx is not None
        for stored_id, editor in page.field_editors.items():
            stored = ctx.fields.get(stored_id)
            editor.set_value(stored.value if stored else None)
            editor.edited.connect(
                lambda value, sid=stored_id: self.changes.field_edited(sid, value)
            )
            editor.keep_mine_requested.connect(lambda sid=stored_id: self.changes.keep_mine(sid))
            editor.use_theirs_requested.connect(lambda sid=stored_id: self.changes.use_theirs(sid))
        for card in page.cards.values():
            card.rated.connect(self.changes.rate)
            card.confirmed.connect(self.changes.confirm)
            card.evidence_requested.connect(self.show_evidence_for)
            self.show_card_levels(card)
        page.apply_visibility(self.progress.visibility)
        self.update_evidence_counts(page)

    def show_page(self, key: PageKey) -> QWidget:
        """Show the page for ``key`` (building it if needed) and select it in the nav."""
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        row = self.nav_keys.index(key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        if isinstance(page, SignOffPage):
            page.refresh()
        return page

    def _nav_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.nav_keys):
            self.show_page(self.nav_keys[row])

    def current_page_key(self) -> PageKey:
        return self.nav_keys[self.nav.currentRow()]

    def step_section(self, step: int) -> None:
        rows = [i for i in range(self.nav.count()) if not self.nav.item(i).isHidden()]
        current = self.nav.currentRow()
        later = [r for r in rows if (r > current if step > 0 else r < current)]
        if later:
            self.nav.setCurrentRow(later[0] if step > 0 else later[-1])

    # ------------------------------------------------------------------ criteria

    def card(self, criterion_id: str) -> CriterionCard:
        """The card of a criterion, building its section's page if needed."""
        ctx = self.ctx
        assert ctx is not None
        section = ctx.framework.section_of(criterion_id)
        page = self.page(section.id)
        assert isinstance(page, SectionPage)
        return page.cards[criterion_id]

    def go_to_criterion(self, criterion_id: str) -> CriterionCard:
        """Show the criterion's section, scroll to it and put the keyboard on its rating."""
        ctx = self.ctx
        assert ctx is not None
        section = ctx.framework.section_of(criterion_id)
        page = self.show_page(section.id)
        card = self.card(criterion_id)
        assert isinstance(page, SectionPage)
        self.set_current_criterion(criterion_id)
        QTimer.singleShot(0, lambda: page.reveal(card))
        card.first_focus().setFocus(Qt.FocusReason.ShortcutFocusReason)
        return card

    def step_criterion(self, step: int) -> str | None:
        """F8 / Shift+F8: the next or previous visible criterion (Alt+Down stays the platform's
        key for opening a drop-down)."""
        ctx = self.ctx
        if ctx is None:
            return None
        order = criterion_order(ctx.framework, self.progress.visibility)
        target = step_criterion(order, self.current_criterion, step)
        if target is None:
            return None
        self.go_to_criterion(target[1])
        return target[1]

    def rate_current(self, number: int) -> None:
        """Alt+number: rate the criterion the reviewer is on (agreed row for a lead on a team)."""
        if self.current_criterion is None or self.ctx is None or self.ctx.read_only:
            return
        card = self.card(self.current_criterion)
        control = card.rating
        focus = QApplication.focusWidget()
        if card.agreed is not None and (focus is card.agreed):
            control = card.agreed
        if control is not None and control.isEnabled():
            control.choose_number(number)

    def set_current_criterion(self, criterion_id: str | None) -> None:
        if criterion_id == self.current_criterion:
            return
        self.current_criterion = criterion_id
        title = self.criterion_titles.get(criterion_id or "", "")
        self.evidence.set_current_criterion(criterion_id, title)
        for page in self.pages.values():
            if isinstance(page, SectionPage):
                for cid, card in page.cards.items():
                    card.setProperty("current", cid == criterion_id)
                    card.style().polish(card)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self.ctx is None or new is None:
            return
        widget: QWidget | None = new
        while widget is not None and not isinstance(widget, CriterionCard):
            if widget is self:
                return
            widget = widget.parentWidget()
        if isinstance(widget, CriterionCard) and widget.window() is self:
            self.set_current_criterion(widget.criterion.id)

    def show_evidence_for(self, criterion_id: str) -> None:
        self.set_current_criterion(criterion_id)
        self.evidence.scope.setCurrentIndex(0)
        self.evidence.notes_view.setFocus()

    def focus_capture(self) -> None:
        """Ctrl+E: put the keyboard in the quick-capture bar."""
        self.evidence.capture.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ------------------------------------------------------------------ levels shown

    def show_card_levels(self, card: CriterionCard) -> None:
        ctx = self.ctx
        assert ctx is not None
        cid = card.criterion.id
        current = current_judgements(j for j in ctx.judgements if j.criterion_id == cid)
        agreed = agreed_judgement(ctx.judgements, cid)
        if ctx.is_team_visit:
            mine = current.get((cid, ctx.me.id, False))
            own = mine.level_key if mine else None
        else:
            own = agreed.level_key if agreed else None
            if own is None:
                mine = current.get((cid, ctx.me.id, False))
                own = mine.level_key if mine else None
        proposals: dict[str, str] = {}
        scale = card.scale
        for (criterion_id, author, is_agreed), judgement in current.items():
            if (
                criterion_id != cid
                or is_agreed
                or judgement.level_key is None
                or author == ctx.me.id
            ):
                continue
            label = judgement.level_key
            if scale is not None and scale.has_level(judgement.level_key):
                label = scale.level(judgement.level_key).label
            proposals[ctx.name_of(author)] = label
        agreed_by = ""
        if agreed is not None and ctx.is_team_visit:
            when = agreed.created_at.astimezone()
            agreed_by = (
                f"Agreed by {ctx.name_of(agreed.author_id)} at {when:%H:%M} on {when.day} {when:%b}"
            )
        card.show_levels(own, agreed.level_key if agreed else None, proposals, agreed_by)
        carried = (
            carried_note(agreed.carried_forward_from)
            if is_carried_forward(agreed)
            and agreed is not None
            and agreed.carried_forward_from is not None
            else ""
        )
        card.show_carried_forward(carried, may_confirm=ctx.is_lead and not ctx.read_only)

    def update_evidence_counts(self, page: SectionPage) -> None:
        counts: dict[str, int] = {}
        for note in self.notes_model.notes():
            for cid in note.criterion_ids:
                counts[cid] = counts.get(cid, 0) + 1
        for cid, card in page.cards.items():
            card.set_evidence_count(counts.get(cid, 0))

    # ------------------------------------------------------------------ progress

    def refresh_progress(self) -> None:
        ctx = self.ctx
        assert ctx is not None
        self.progress = ctx.progress()
        shown = self.progress.visibility
        for row, key in enumerate(self.nav_keys):
            item = self.nav.item(row)
            title = item.data(TITLE_ROLE)
            if key in (ACTIONS_SECTION,):
                count = self.actions_model.rowCount()
                item.setText(f"{title}{NAV_SEPARATOR}{count}")
            elif key == FOLLOW_UP_SECTION:
                done = len({f.action_id for f in ctx.follow_ups if f.evidence.strip()})
                item.setText(f"{title}{NAV_SEPARATOR}{done}/{len(ctx.earlier_actions)}")
            elif key == SIGN_OFF_SECTION:
                missing = len(self.progress.missing)
                item.setText(
                    f"{title}{NAV_SEPARATOR}{'ready' if missing == 0 else f'{missing} missing'}"
                )
            else:
                progress = self.progress.section(key)
                visible = progress is not None and (key == VISIT_SECTION or key in shown.sections)
                item.setHidden(not visible)
                if progress is not None:
                    counted = f"{progress.done}/{progress.total}"
                    spoken = f"{progress.done} of {progress.total} done"
                    if progress.complete:
                        mark = "✓"
                    elif progress.missing_required == 0 and progress.done:
                        # Everything required is there; what is left is optional (a signed
                        # audit must not read as unfinished).
                        mark = f"✓ {counted}"
                        spoken = f"nothing required missing, {spoken}"
                    else:
                        mark = counted
                    item.setText(f"{title}{NAV_SEPARATOR}{mark}")
                    item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title}, {spoken}")
        for page in self.pages.values():
            if isinstance(page, SectionPage):
                page.apply_visibility(shown)
            elif isinstance(page, SignOffPage):
                page.refresh()
        self.progress_changed.emit()

    def jump_to(self, item: MissingItem) -> None:
        """Go to a missing item from the sign-off check and put the keyboard on it."""
        ctx = self.ctx
        assert ctx is not None
        if item.kind == "criterion":
            card = self.go_to_criterion(item.target_id)
            if ctx.is_team_visit and ctx.is_lead and card.agreed is not None:
                card.agreed.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        if item.kind == "field":
            key = item.section_id or VISIT_SECTION
            section_page = self.show_page(key)
            assert isinstance(section_page, SectionPage)
            editor = section_page.field_editors[item.target_id]
            criterion_id = item.target_id.split(".", 1)[0] if "." in item.target_id else None
            if criterion_id in self.criterion_titles:
                self.set_current_criterion(criterion_id)
            QTimer.singleShot(0, lambda: section_page.reveal(editor))
            editor.control.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        if item.kind == "follow_up":
            follow_page = self.show_page(FOLLOW_UP_SECTION)
            assert isinstance(follow_page, FollowUpPage)
            follow_row = follow_page.rows[item.target_id]
            QTimer.singleShot(0, lambda: follow_page.ensureWidgetVisible(follow_row))
            follow_row.outcome.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        actions_page = self.show_page(ACTIONS_SECTION)
        assert isinstance(actions_page, ActionsPage)
        for number, action in enumerate(self.actions_model.actions()):
            if action.id == item.target_id:
                actions_page.view.selectRow(number)
                actions_page.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ------------------------------------------------------------------ state and lock

    def _saved_state(self, state: str, text: str) -> None:
        self.saved_indicator.setText(text)
        self.saved_indicator.setProperty("state", state)
        self.saved_indicator.style().polish(self.saved_indicator)

    def update_lock(self) -> None:
        ctx = self.ctx
        assert ctx is not None
        review = ctx.review
        self.state_chip.setText(review.state.label)
        self.state_chip.setProperty("state", review.state.value)
        self.state_chip.style().polish(self.state_chip)
        banner = ""
        if not ctx.visit.is_team_member(ctx.me.id):
            banner = (
                "You are not on this visit's team, so you can read this review but not change it."
            )
        elif review.state is ReviewState.SIGNED:
            banner = (
                "Signed and locked. A correction is made as an amendment, which keeps this "
                "signed version intact."
            )
        elif review.state is ReviewState.SUPERSEDED:
            banner = (
                "This is the signed version, kept intact. It has been replaced by an amendment."
            )
        elif review.amends:
            amended = ctx.amended_review
            when = f" on {amended.created_at:%-d %B %Y}" if amended and amended.created_at else ""
            banner = (
                f"Amendment of the review signed{when}. Reason: {review.amendment_reason} "
                "(the signed version stays visible from the sign-off check)."
            )
        self.banner.setText(banner)
        self.banner.setVisible(bool(banner))
        locked = ctx.read_only
        self.evidence.capture.setEnabled(not locked)
        self.evidence.attach_button.setEnabled(not locked)
        self.attach_action.setEnabled(not locked)
        self.note_action.setEnabled(not locked)
        for page in self.pages.values():
            self._apply_lock_to(page)

    def _apply_lock_to(self, page: QWidget) -> None:
        ctx = self.ctx
        assert ctx is not None
        locked = ctx.read_only
        if isinstance(page, SectionPage):
            for card in page.cards.values():
                card.set_read_only(locked, is_lead=ctx.is_lead)
            for editor in page.field_editors.values():
                editor.set_read_only(locked)
        elif isinstance(page, ActionsPage):
            page.set_read_only(locked)
        elif isinstance(page, FollowUpPage):
            for row in page.rows.values():
                row.setEnabled(not locked)

    # ------------------------------------------------------------------ files

    def choose_files(self) -> QFileDialog | None:
        """Ctrl+Shift+A: the file dialog, opened without blocking (the editor keeps saving)."""
        if self.ctx is None or self.ctx.read_only:
            return None
        dialog = QFileDialog(self, "Attach photos or files", self._attach_folder)
        dialog.setObjectName("attachDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters(
            ["Photos (*.png *.jpg *.jpeg *.heic *.webp *.gif)", "Photos and files (*)"]
        )
        dialog.selectNameFilter("Photos and files (*)")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filesSelected.connect(self._files_chosen)
        dialog.open()
        return dialog

    def _files_chosen(self, names: list[str]) -> None:
        for name in names:
            path = Path(name)
            self._attach_folder = str(path.parent)
            self.changes.attach_file(path)

    def _dropped_files(self, event) -> list[Path]:
        """The local files a drag carries, if the review can take them."""
        if self.ctx is None or self.ctx.read_only or not event.mimeData().hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]

    def dragEnterEvent(self, event) -> None:
        if self._dropped_files(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if self._dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = self._dropped_files(event)
        for path in files:
            self.changes.attach_file(path)
        if files:
            event.acceptProposedAction()

    def screen_privacy(self) -> ScreenPrivacy | None:
        """The main window's idle lock and "hide restricted content" switch (none when this
        editor has no main window, as in some tests)."""
        return getattr(self.parentWidget(), "privacy", None)

    def _cover_restricted(self, page: SectionPage) -> None:
        """Register the parts of a page with safeguarding detail, so Ctrl+Shift+H covers them:
        the whole page for a section for safeguarding roles (or of a safeguarding framework),
        else each criterion card for safeguarding roles."""
        privacy, ctx = self.screen_privacy(), self.ctx
        if privacy is None or ctx is None:
            return
        section = page.section
        if ctx.framework.visible_to or (section is not None and section.visible_to):
            privacy.cover_restricted(page)
            return
        for card in page.cards.values():
            if card.criterion.visible_to:
                privacy.cover_restricted(card)

    def _cover_restricted_evidence(self) -> None:
        """The evidence beside a review with any safeguarding part may quote it: covered too."""
        privacy, ctx = self.screen_privacy(), self.ctx
        if privacy is None or ctx is None:
            return
        framework = ctx.framework
        restricted = bool(framework.visible_to) or any(
            section.visible_to or any(c.visible_to for c in section.criteria)
            for section in framework.sections
        )
        if restricted:
            privacy.cover_restricted(self.evidence)

    def _route_file_drops(self, root: QWidget) -> None:
        """Files dropped on a text box are attached, not pasted in as their path."""
        for widget in root.findChildren(QLineEdit) + root.findChildren(QPlainTextEdit):
            target = widget.viewport() if isinstance(widget, QPlainTextEdit) else widget
            target.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        drag = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
        if kind in drag and self._dropped_files(event):
            if kind == QEvent.Type.Drop:
                self.dropEvent(event)
            else:
                event.acceptProposedAction()
            return True
        return super().eventFilter(watched, event)

    def open_attachment(self, attachment) -> None:
        ctx = self.ctx
        assert ctx is not None
        reviews = self.workspace.reviews

        def show(data: bytes) -> None:
            viewer = AttachmentViewer(attachment, data, ctx.name_of(attachment.author_id), self)
            viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            viewer.open()
            self.viewer = viewer

        self.tasks.run(lambda: reviews.attachment_data(attachment), on_done=show, context=self)

    def open_signed_version(self) -> ReviewEditor | None:
        """Open the signed version an amendment replaces, read-only, in its own window."""
        ctx = self.ctx
        if ctx is None or not ctx.review.amends:
            return None
        window = ReviewEditor(
            self.workspace,
            self.tasks,
            ctx.visit.id,
            review_id=ctx.review.amends,
            paths=self.paths,
            bridge=self.bridge,
            parent=self,
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        self.signed_window = window
        return window

    # ------------------------------------------------------------------ closing

    @property
    def is_closed(self) -> bool:
        """True once the window has been closed (it is deleted soon after)."""
        return self._closed

    def closeEvent(self, event: QCloseEvent) -> None:
        remember_size(self)
        self.saver.flush()
        self.reports.close_windows()
        if not self._closed:
            self._closed = True
            self._app.focusChanged.disconnect(self._focus_changed)
        super().closeEvent(event)
