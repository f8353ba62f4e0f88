"""The review editor window, generated from the framework snapshot the review is frozen to.

Left: the sections with completion counts, then next steps, follow-up and the sign-off check.
Centre: the page of the chosen section, built the first time it is shown. Right: evidence (the
quick-capture bar, the notes and the photos and files). Top: the school, the visit, the review's
state and the saved indicator.

Everything is read on a reader thread (``services.review_session.open_review``) and every change
is written through the SaveQueue on the writer lane by the editor's changes (``writes.py``,
``record_writes.py``). Each change goes into the review being edited
(``services.review_draft.ReviewDraft``), which publishes what changed; the window's parts
subscribe (``draft_signals.py``: the header, the evidence panel and its models, the actions
model, every page as it is built, and this window for the progress and the menus' lock) and
redraw only what a change names. Its parts: ``header.py``, ``navigation.py`` (sections, pages,
criteria), ``evidence_panel.py``, ``file_drops.py``; what a sync brings is merged into the draft
by ``incoming.py``.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.quick_capture import CaptureVocabulary, describe_tags
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import EvidenceNote
from reviewer_app.domain.review_progress import (
    ACTIONS_SECTION,
    FOLLOW_UP_SECTION,
    VISIT_SECTION,
    MissingItem,
)
from reviewer_app.gui import theme
from reviewer_app.gui.after_paint import call_after_paint
from reviewer_app.gui.change_bridge import ChangeBridge
from reviewer_app.gui.failures import failure_sentence
from reviewer_app.gui.review_editor import restricted
from reviewer_app.gui.review_editor.actions_page import ActionsModel, ActionsPage, FollowUpPage
from reviewer_app.gui.review_editor.criterion_actions import CriterionActions
from reviewer_app.gui.review_editor.criterion_card import CriterionCard
from reviewer_app.gui.review_editor.draft_signals import DraftSignals
from reviewer_app.gui.review_editor.evidence_panel import (
    AttachmentsModel,
    AttachmentViewer,
    EvidencePanel,
    NotesModel,
)
from reviewer_app.gui.review_editor.file_drops import FileDrops
from reviewer_app.gui.review_editor.header import EditorHeader
from reviewer_app.gui.review_editor.incoming import IncomingChanges
from reviewer_app.gui.review_editor.menus import build_menus
from reviewer_app.gui.review_editor.navigation import (
    EditorNavigation,
    PageKey,
    keep_last_in_tab_order,
)
from reviewer_app.gui.review_editor.note_dialog import NoteDialog
from reviewer_app.gui.review_editor.redraw import EditorRedraw
from reviewer_app.gui.review_editor.save_queue import SaveQueue
from reviewer_app.gui.review_editor.section_page import SectionPage
from reviewer_app.gui.review_editor.signoff_page import SIGN_OFF_SECTION, SignOffPage
from reviewer_app.gui.review_editor.writes import EditorChanges
from reviewer_app.gui.screen_fit import fit_window, remember_size
from reviewer_app.services.edit_history import EditHistory
from reviewer_app.services.review_draft import PROGRESS_KINDS, DraftChange, ReviewDraft
from reviewer_app.services.review_session import ReviewContext, evidence_notes, open_review

if TYPE_CHECKING:
    from reviewer_app.gui.screen_privacy import ScreenPrivacy
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)


class ReviewEditor(QMainWindow):
    """One visit's review, generated from its framework.

    Signals:
        review_loaded(): the review has been read and its first section is on screen.
        review_failed(str): the review could not be opened (the reason in words).
        notes_loaded(int): the evidence notes have been read (how many).
    """

    review_loaded = Signal()
    review_failed = Signal(str)
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
        self.undo_stack = EditHistory()
        self.redraw = EditorRedraw(self)
        self.changes = EditorChanges(self.redraw, workspace, tasks, self.saver, self.undo_stack)
        self.navigation: EditorNavigation | None = None
        #: The review being edited, as a signal its parts subscribe to (one per reading).
        self.draft_signals: DraftSignals | None = None
        self.notes_ready = False
        self.files = FileDrops(self, self._may_attach, self.changes.attach_file)
        self.loading = QLabel("Opening the review…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setWordWrap(True)  # a reason it could not open is a sentence or two
        self.loading.setMargin(48)
        self.setCentralWidget(self.loading)
        self.menu_actions = build_menus(self)
        self.reports = self.menu_actions.reports
        self.reports.review_locked.connect(self.load)
        self.undo_action, self.redo_action = self.menu_actions.undo, self.menu_actions.redo
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._app: QApplication = app
        self.signed_window: ReviewEditor | None = None
        self._app.focusChanged.connect(self._focus_changed)
        self._closed = False
        self.setAcceptDrops(True)
        #: What changed in the store (a sync, another window): redrawn in place.
        self.bridge = bridge if bridge is not None else ChangeBridge(workspace.lane.changes, self)
        self.incoming = IncomingChanges(self.redraw, self.changes)
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
        self.vocabulary = CaptureVocabulary.for_framework(framework, ctx.vocabulary)
        self.setWindowTitle(f"{framework.title} · {ctx.school.name}")
        self.changes.loaded(ctx)
        draft = self.changes.draft
        assert draft is not None
        if self.draft_signals is not None:
            self.draft_signals.stop()
            self.draft_signals.deleteLater()
        self.draft_signals = signals = DraftSignals(draft, self)
        if self.navigation is not None:
            self.navigation.deleteLater()
        navigation = EditorNavigation(ctx, self._build_page, self._page_built, self)
        self.navigation = navigation
        self.criterion_titles = navigation.criterion_titles
        self.nav, self.stack, self.pages = navigation.nav, navigation.stack, navigation.pages
        self.nav_keys = navigation.nav_keys

        root = QWidget()
        root.setObjectName("editorRoot")
        outer = QVBoxLayout(root)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = EditorHeader(ctx, self.saver.text)
        self.state_chip = self.header.state_chip
        self.saved_indicator = self.header.saved_indicator
        self.banner = self.header.banner
        outer.addWidget(self.header)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("editorSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.setHandleWidth(1)
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
        navigation.criterion_changed.connect(
            lambda cid: self.evidence.set_current_criterion(cid, self.criterion_titles.get(cid, ""))
        )
        self.evidence.attachment_opened.connect(self.open_attachment)
        self.evidence.note_retract_requested.connect(self.changes.withdraw_note)
        self.evidence.note_edit_requested.connect(self.edit_note)
        # The parts that show the review subscribe to it (the models before the panel counts
        # their rows; this window last, for the progress drawn from everything).
        models = (self.notes_model, self.attachments_model, self.actions_model)
        for part in (*models, self.evidence, self.header):
            signals.changed.connect(part.draft_changed)
        signals.changed.connect(self._draft_changed)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        # On a short screen the panel scrolls as a whole, so the photos stay reachable.
        evidence_scroll = QScrollArea()
        evidence_scroll.setObjectName("evidenceScroll")
        evidence_scroll.setWidget(self.evidence)
        evidence_scroll.setWidgetResizable(True)
        evidence_scroll.setFrameShape(QFrame.Shape.NoFrame)
        evidence_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        evidence_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes into the panel
        splitter.addWidget(evidence_scroll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 700, 370])
        outer.addWidget(splitter, 1)
        self.setCentralWidget(root)
        privacy = self.screen_privacy()
        if privacy is not None:
            restricted.cover_evidence(privacy, framework, self.evidence)
        self.files.route(self.evidence)
        root.show()  # a widget added to a visible window is otherwise shown only later
        self.loading = QLabel()

        navigation.fill()
        self.saver.state_changed.connect(self.header.show_saved)
        self.progress = ctx.progress()
        self.refresh_progress()
        navigation.show_first()
        self.update_lock()
        self.reports.set_enabled(True)
        self.evidence.set_current_criterion(None, "")
        self.setTabOrder(self.nav, self.stack)
        self.setTabOrder(self.stack, self.evidence.capture)
        self.nav.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, self, self.review_loaded.emit)  # not if the editor goes first
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
        draft = self.changes.draft
        assert draft is not None
        self.notes_ready = True
        draft.notes_read(notes)  # published: the list, its count and the cards' counts redraw
        self.notes_loaded.emit(len(ctx.notes))

    # ------------------------------------------------------------------ pages

    def _build_page(self, key: PageKey) -> QWidget:
        """A new page for a nav entry, connected to the editor's changes."""
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
            page = SignOffPage(self, self.reports)
            page.jump_requested.connect(self.jump_to)
            page.ready_requested.connect(self.changes.mark_ready)
            page.amend_requested.connect(lambda: self.changes.start_amendment())
            page.signed_version_requested.connect(self.open_signed_version)
        else:
            section = next(s for s in framework.sections if s.id == key)
            page = SectionPage(
                framework,
                section,
                title=section.title,
                fields=section.fields,
                team_visit=ctx.is_team_visit,
                is_lead=ctx.is_lead,
                card_extra=self._add_criterion_actions,
            )
        return page

    def _page_built(self, _key: PageKey, page: QWidget) -> None:
        """A page is in the stack: files dropped on it, its values, privacy, tab order, lock."""
        self.files.route(page)
        if isinstance(page, SectionPage):
            self._wire_section(page)
            privacy, ctx = self.screen_privacy(), self.ctx
            if privacy is not None and ctx is not None:
                restricted.cover_page(privacy, ctx.framework, page)
        keep_last_in_tab_order(self, self.evidence)
        self.redraw.apply_lock_to(page)
        listener = getattr(page, "draft_changed", None)
        if listener is not None and self.draft_signals is not None:
            self.draft_signals.changed.connect(listener)  # it redraws what changes name

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
            self.redraw.show_card_levels(card)
        page.apply_visibility(self.progress.visibility)
        self.redraw.update_evidence_counts(page)

    # ------------------------------------------------------------------ moving around

    def _nav(self) -> EditorNavigation:
        assert self.navigation is not None, "the review is not open yet"
        return self.navigation

    def page(self, key: PageKey) -> QWidget:
        """The page for a nav entry, built the first time it is asked for."""
        return self._nav().page(key)

    def show_page(self, key: PageKey) -> QWidget:
        """Show the page for ``key`` (building it if needed) and select it in the nav."""
        return self._nav().show_page(key)

    def current_page_key(self) -> PageKey:
        return self._nav().current_page_key()

    def step_section(self, step: int) -> None:
        if self.navigation is not None:
            self.navigation.step_section(step)

    def card(self, criterion_id: str) -> CriterionCard:
        """The card of a criterion, building its section's page if needed."""
        return self._nav().card(criterion_id)

    def go_to_criterion(self, criterion_id: str) -> CriterionCard:
        """Show the criterion's section, scroll to it and put the keyboard on its rating."""
        return self._nav().go_to_criterion(criterion_id)

    def step_criterion(self, step: int) -> str | None:
        """F8 / Shift+F8: the next or previous visible criterion."""
        if self.navigation is None:
            return None
        return self.navigation.step_criterion(step, self.progress)

    def rate_current(self, number: int) -> None:
        """Alt+number: rate the criterion the reviewer is on (agreed row for a lead on a team)."""
        if self.navigation is not None:
            self.navigation.rate_current(number)

    @property
    def current_criterion(self) -> str | None:
        """The criterion the person is on (the capture bar links a note to it), or None."""
        return None if self.navigation is None else self.navigation.current_criterion

    def set_current_criterion(self, criterion_id: str | None) -> None:
        if self.navigation is not None:
            self.navigation.set_current_criterion(criterion_id)

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

    def jump_to(self, item: MissingItem) -> None:
        """Go to a missing item from the sign-off check and put the keyboard on it."""
        self._nav().jump_to(item, [a.id for a in self.actions_model.actions()])

    # ------------------------------------------------------------------ drawn from the records

    def _draft_changed(self, draft: ReviewDraft, change: DraftChange) -> None:
        """The progress (counts, visibility, the sign-off check) when what it is drawn from
        changed; the menus' lock when the review did."""
        if change.touches(*PROGRESS_KINDS):
            self.redraw.refresh_progress()
        if change.touches(Entity.REVIEW):
            self.menu_actions.attach.setEnabled(not draft.read_only)
            self.menu_actions.note.setEnabled(not draft.read_only)

    def refresh_progress(self) -> None:
        self.redraw.refresh_progress()

    def update_lock(self) -> None:
        """The review's state, banner and what may be changed, from the records held."""
        self.redraw.update_lock()

    # ------------------------------------------------------------------ files

    def file_stem(self) -> str | None:
        """What an exported report is named after ("School 2026-03-04"); None until read."""
        ctx = self.ctx
        return None if ctx is None else f"{ctx.school.name} {ctx.visit.start:%Y-%m-%d}"

    def _may_attach(self) -> bool:
        return self.ctx is not None and not self.ctx.read_only

    def choose_files(self) -> QFileDialog | None:
        """Ctrl+Shift+A: the file dialog, opened without blocking (the editor keeps saving)."""
        return self.files.choose()

    def dragEnterEvent(self, event) -> None:
        self.files.accept_drag(event)

    def dragMoveEvent(self, event) -> None:
        self.files.accept_drag(event)

    def dropEvent(self, event) -> None:
        self.files.drop(event)

    def screen_privacy(self) -> ScreenPrivacy | None:
        """The main window's idle lock and "hide restricted content" switch (none when this
        editor has no main window, as in some tests)."""
        return getattr(self.parentWidget(), "privacy", None)

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

    def _add_criterion_actions(self, card: CriterionCard) -> None:
        """A card lists its criterion's actions: the same records as the action plan."""
        ctx = self.ctx
        assert ctx is not None
        criterion_id = card.criterion.id
        actions = CriterionActions(
            self.actions_model, criterion_id, ctx.framework.actions.label, card
        )
        actions.add_requested.connect(self.add_action_on)
        layout = card.layout()
        assert layout is not None
        layout.addWidget(actions)
        card.criterion_actions = actions

    def add_action_on(self, criterion_id: str) -> ActionsPage:
        """Open the action plan's form with ``criterion_id`` chosen, the keyboard in its text."""
        page = self.show_page(ACTIONS_SECTION)
        assert isinstance(page, ActionsPage)
        page.start_action(criterion_id)
        return page

    def edit_note(self, note: EvidenceNote) -> NoteDialog | None:
        """Open the chosen note to change its words or the criteria it supports."""
        ctx = self.ctx
        if ctx is None or self.changes.draft is None or self.changes.draft.read_only:
            return None
        criteria = [(c.id, c.title) for c in ctx.framework.criteria()]
        dialog = NoteDialog(note, criteria, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def saved() -> None:
            if dialog.changed():
                self.changes.correct_note(note, dialog.text(), dialog.criterion_ids())

        dialog.accepted.connect(saved)
        dialog.open()
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        remember_size(self)
        self.changes.save_waiting_files()  # a photo waiting for "the next note" gets its own
        self.saver.flush()
        self.reports.close_windows()
        if not self._closed:
            self._closed = True
            self._app.focusChanged.disconnect(self._focus_changed)
        super().closeEvent(event)
