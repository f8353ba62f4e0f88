"""The editor's sections: the list on the left (with completion counts) and the page stack in
the centre, each page built the first time it is shown; moving between sections and criteria
(Ctrl+Page Down/Up, F8 and Shift+F8, Alt+number), and going to a missing item from the sign-off
check with the keyboard on it.

Pages are made by the window (``build``) and wired by it (``built``), so this module does not
know what a page is connected to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QListWidget, QListWidgetItem, QStackedWidget, QWidget

from reviewer_app.domain.review_progress import (
    ACTIONS_SECTION,
    FOLLOW_UP_SECTION,
    VISIT_SECTION,
    MissingItem,
    criterion_order,
    step_criterion,
)
from reviewer_app.gui.review_editor.actions_page import ActionsPage, FollowUpPage
from reviewer_app.gui.review_editor.criterion_card import CriterionCard
from reviewer_app.gui.review_editor.section_nav import SectionNavDelegate
from reviewer_app.gui.review_editor.section_page import SectionPage
from reviewer_app.gui.review_editor.signoff_page import SIGN_OFF_SECTION, SignOffPage

if TYPE_CHECKING:
    from reviewer_app.domain.review_progress import ReviewProgress
    from reviewer_app.gui.review_editor.evidence_panel import EvidencePanel
    from reviewer_app.gui.review_editor.field_widgets import FieldEditor
    from reviewer_app.services.review_session import ReviewContext

PageKey = str
#: Where a nav item keeps its section's title (its text adds the completion count).
TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
#: Between a section's title and its count: no-break spaces keep the count with the title's
#: last word when a long title wraps.
NAV_SEPARATOR = "\u00a0\u00a0·\u00a0\u00a0"


class EditorNavigation(QObject):
    """The section list, the page stack and the criterion the person is on.

    Signals:
        criterion_changed(object): the criterion the person is on (its id, or None).
    """

    criterion_changed = Signal(object)

    def __init__(
        self,
        ctx: ReviewContext,
        build: Callable[[PageKey], QWidget],
        built: Callable[[PageKey, QWidget], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._build = build
        self._built = built
        self.pages: dict[PageKey, QWidget] = {}
        self.nav_keys: list[PageKey] = []
        self.current_criterion: str | None = None
        self.criterion_titles = {c.id: c.title for c in ctx.framework.criteria()}
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

    def fill(self) -> None:
        """One entry per section the framework has, and the check at the end."""
        framework = self.ctx.framework

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
        self.nav.currentRowChanged.connect(self._row_changed)

    # ------------------------------------------------------------------ pages

    def page(self, key: PageKey) -> QWidget:
        """The page for a nav entry, built the first time it is asked for."""
        existing = self.pages.get(key)
        if existing is not None:
            return existing
        page = self._build(key)
        self.pages[key] = page
        if page.focusPolicy() & Qt.FocusPolicy.TabFocus:  # a scrolling page is a stop too
            page.setAccessibleName(self.nav.item(self.nav_keys.index(key)).data(TITLE_ROLE))
            page.setAccessibleDescription(
                "Page Up and Page Down scroll the page; Tab goes through its controls."
            )
        self.stack.addWidget(page)
        self._built(key, page)
        return page

    def field_editor(self, stored_id: str) -> FieldEditor | None:
        """The editor of a field if its page is built (a page not built has nothing typed)."""
        for page in self.section_pages():
            if stored_id in page.field_editors:
                return page.field_editors[stored_id]
        return None

    def section_pages(self) -> list[SectionPage]:
        """The section pages built so far."""
        return [p for p in self.pages.values() if isinstance(p, SectionPage)]

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

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.nav_keys):
            self.show_page(self.nav_keys[row])

    def show_first(self) -> None:
        first = next((i for i in range(self.nav.count()) if not self.nav.item(i).isHidden()), 0)
        self.nav.setCurrentRow(first)

    def current_page_key(self) -> PageKey:
        return self.nav_keys[self.nav.currentRow()]

    def step_section(self, step: int) -> None:
        rows = [i for i in range(self.nav.count()) if not self.nav.item(i).isHidden()]
        current = self.nav.currentRow()
        later = [r for r in rows if (r > current if step > 0 else r < current)]
        if later:
            self.nav.setCurrentRow(later[0] if step > 0 else later[-1])

    # ------------------------------------------------------------------ progress

    def show_progress(self, progress: ReviewProgress, actions: int) -> None:
        """The counts beside each section, which sections show, and the built pages' parts."""
        ctx = self.ctx
        shown = progress.visibility
        for row, key in enumerate(self.nav_keys):
            item = self.nav.item(row)
            title = item.data(TITLE_ROLE)
            if key == ACTIONS_SECTION:
                item.setText(f"{title}{NAV_SEPARATOR}{actions}")
            elif key == FOLLOW_UP_SECTION:
                done = len({f.action_id for f in ctx.follow_ups if f.evidence.strip()})
                item.setText(f"{title}{NAV_SEPARATOR}{done}/{len(ctx.earlier_actions)}")
            elif key == SIGN_OFF_SECTION:
                missing = len(progress.missing)
                item.setText(
                    f"{title}{NAV_SEPARATOR}{'ready' if missing == 0 else f'{missing} missing'}"
                )
            else:
                section = progress.section(key)
                visible = section is not None and (key == VISIT_SECTION or key in shown.sections)
                item.setHidden(not visible)
                if section is not None:
                    counted = f"{section.done}/{section.total}"
                    spoken = f"{section.done} of {section.total} done"
                    if section.complete:
                        mark = "✓"
                    elif section.missing_required == 0 and section.done:
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

    # ------------------------------------------------------------------ criteria

    def card(self, criterion_id: str) -> CriterionCard:
        """The card of a criterion, building its section's page if needed."""
        section = self.ctx.framework.section_of(criterion_id)
        page = self.page(section.id)
        assert isinstance(page, SectionPage)
        return page.cards[criterion_id]

    def built_card(self, criterion_id: str) -> CriterionCard | None:
        """The card of a criterion if its page is built (one not built is drawn when it is)."""
        for page in self.section_pages():
            if criterion_id in page.cards:
                return page.cards[criterion_id]
        return None

    def go_to_criterion(self, criterion_id: str) -> CriterionCard:
        """Show the criterion's section, scroll to it and put the keyboard on its rating."""
        section = self.ctx.framework.section_of(criterion_id)
        page = self.show_page(section.id)
        card = self.card(criterion_id)
        assert isinstance(page, SectionPage)
        self.set_current_criterion(criterion_id)
        QTimer.singleShot(0, page, lambda: page.reveal(card))
        card.first_focus().setFocus(Qt.FocusReason.ShortcutFocusReason)
        return card

    def step_criterion(self, step: int, progress: ReviewProgress) -> str | None:
        """F8 / Shift+F8: the next or previous visible criterion (Alt+Down stays the
        platform's key for opening a drop-down)."""
        order = criterion_order(self.ctx.framework, progress.visibility)
        target = step_criterion(order, self.current_criterion, step)
        if target is None:
            return None
        self.go_to_criterion(target[1])
        return target[1]

    def rate_current(self, number: int) -> None:
        """Alt+number: rate the criterion the reviewer is on (agreed row for a lead on a team)."""
        if self.current_criterion is None or self.ctx.read_only:
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
        for page in self.section_pages():
            for cid, card in page.cards.items():
                card.setProperty("current", cid == criterion_id)
                card.style().polish(card)
        self.criterion_changed.emit(criterion_id)

    def jump_to(self, item: MissingItem, action_ids: list[str]) -> None:
        """Go to a missing item from the sign-off check and put the keyboard on it
        (``action_ids``: the actions in the order the actions table shows them)."""
        ctx = self.ctx
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
            QTimer.singleShot(0, section_page, lambda: section_page.reveal(editor))
            editor.control.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        if item.kind == "follow_up":
            follow_page = self.show_page(FOLLOW_UP_SECTION)
            assert isinstance(follow_page, FollowUpPage)
            follow_row = follow_page.rows[item.target_id]
            QTimer.singleShot(0, follow_page, lambda: follow_page.ensureWidgetVisible(follow_row))
            follow_row.outcome.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        actions_page = self.show_page(ACTIONS_SECTION)
        assert isinstance(actions_page, ActionsPage)
        if item.target_id in action_ids:
            actions_page.view.selectRow(action_ids.index(item.target_id))
            actions_page.view.setFocus(Qt.FocusReason.ShortcutFocusReason)


def keep_last_in_tab_order(window: QWidget, evidence: EvidencePanel) -> None:
    """Tab goes sections list -> the page, top to bottom -> the evidence panel.

    A page is built after the evidence panel, so its controls join the tab chain after
    the panel's: move the panel's controls back to the end of the chain.
    """
    last: QWidget | None = window.previousInFocusChain()
    while (
        last is not None and last is not window and not last.focusPolicy() & Qt.FocusPolicy.TabFocus
    ):
        last = last.previousInFocusChain()
    if last is None or last is window or evidence.isAncestorOf(last):
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
