"""Which parts of an open review Ctrl+Shift+H ("hide restricted content") covers: safeguarding
detail, and the evidence beside a review that has any (it may quote it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from reviewer_app.domain.frameworks import Framework
    from reviewer_app.gui.review_editor.section_page import SectionPage
    from reviewer_app.gui.screen_privacy import ScreenPrivacy


def cover_page(privacy: ScreenPrivacy, framework: Framework, page: SectionPage) -> None:
    """The whole page for a section for safeguarding roles (or of a safeguarding framework),
    else each criterion card for safeguarding roles."""
    section = page.section
    if framework.visible_to or (section is not None and section.visible_to):
        privacy.cover_restricted(page)
        return
    for card in page.cards.values():
        if card.criterion.visible_to:
            privacy.cover_restricted(card)


def cover_evidence(privacy: ScreenPrivacy, framework: Framework, evidence: QWidget) -> None:
    """The evidence beside a review with any safeguarding part may quote it: covered too."""
    restricted = bool(framework.visible_to) or any(
        section.visible_to or any(c.visible_to for c in section.criteria)
        for section in framework.sections
    )
    if restricted:
        privacy.cover_restricted(evidence)
