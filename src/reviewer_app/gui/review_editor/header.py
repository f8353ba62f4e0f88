"""The editor's header: the school, the visit and its team, the review's state, the saved
indicator, the banner that says why the review cannot be changed, and the framework's notices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from reviewer_app.domain.record_kinds import Entity

if TYPE_CHECKING:
    from reviewer_app.domain.review import ReviewState
    from reviewer_app.services.review_draft import DraftChange, ReviewDraft
    from reviewer_app.services.review_session import ReviewContext


class EditorHeader(QWidget):
    """What is being reviewed and how it stands (redrawn by :meth:`show_state`)."""

    def __init__(self, ctx: ReviewContext, saved_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editorHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
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
        self.saved_indicator = QLabel(saved_text)
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

    def show_saved(self, state: str, text: str) -> None:
        """The saved indicator: "saving", "saved" or "failed", and its words."""
        self.saved_indicator.setText(text)
        self.saved_indicator.setProperty("state", state)
        self.saved_indicator.style().polish(self.saved_indicator)

    def draft_changed(self, draft: ReviewDraft, change: DraftChange) -> None:
        """The state and the banner, when the review itself changed."""
        if change.touches(Entity.REVIEW):
            self.show_state(draft.ctx.review.state, draft.lock_banner())

    def show_state(self, state: ReviewState, banner: str) -> None:
        """The review's state on its chip, and the banner (hidden when there is none)."""
        self.state_chip.setText(state.label)
        self.state_chip.setProperty("state", state.value)
        self.state_chip.style().polish(self.state_chip)
        self.banner.setText(banner)
        self.banner.setVisible(bool(banner))
