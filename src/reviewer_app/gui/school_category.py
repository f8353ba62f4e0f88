"""The school's category on its page: a chip in the scheme's colour, who agreed it and when, the
support cadence it implies, and the Categorise… button.

It only arranges a :class:`~reviewer_app.services.school_categorisation.CategoryOverview` that
was read off the GUI thread; the school page loads it and opens the dialog.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reviewer_app.domain.school_category import format_day, recorded_visits, support_due

if TYPE_CHECKING:
    from reviewer_app.domain.visits import Visit
    from reviewer_app.services.school_categorisation import CategoryOverview

#: Widest a category chip grows before its label wraps (logical pixels).
CHIP_MAX_WIDTH = 300

#: Chip colours when there is no category (the theme's muted grey).
_NONE_COLOURS = ("#55606b", "#eceff2")


def text_colour_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background`` (WCAG relative luminance)."""
    colour = QColor(background)

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    luminance = (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )
    # Contrast with white is 1.05 / (L + 0.05); with #1d2b36 about (L + 0.05) / 0.075.
    return "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.075 else "#1d2b36"


def chip_style(colour: str | None) -> str:
    """Style sheet of a category chip in the level's colour (grey when there is none)."""
    if colour is None:
        text, background = _NONE_COLOURS
    else:
        text, background = text_colour_on(colour), colour
    return (
        f"QLabel {{ color: {text}; background: {background}; border-radius: 10px; "
        "padding: 3px 10px; font-weight: 600; }"
    )


def agreed_text(overview: CategoryOverview) -> str:
    """'Agreed 31 Aug 2026 by Mark Ellison · agree again by 31 Aug 2027'."""
    current = overview.current
    if current is None:
        return "Not categorised yet."
    text = f"Agreed {format_day(current.agreed_on)} by {overview.agreed_by_name}"
    if overview.next_agreement is not None:
        text += f" · agree again by {format_day(overview.next_agreement)}"
    if overview.level is None:
        text += (
            f" · '{current.level_key}' is not a level of the installed {current.scheme_id} "
            "scheme any more"
        )
    return text


def cadence_lines(overview: CategoryOverview, today: date) -> list[str]:
    """One line per piece of support the category implies, with when it is next due."""
    return [due.describe(today) for due in overview.support]


class CategoryPanel(QWidget):
    """The school's category under its trust's scheme (hidden when the scheme has none).

    Signals:
        categorise_requested(): the person asked to agree the school's category.
    """

    categorise_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("categoryPanel")
        self.overview: CategoryOverview | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(2)
        top = QHBoxLayout()
        top.setSpacing(10)
        self.chip = QLabel()
        self.chip.setObjectName("categoryChip")
        self.chip.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # screen readers reach it by Tab
        # A long label ("3cc: Requires improvement, at risk of slipping a category") wraps
        # rather than widening the page past the width the visits list needs.
        self.chip.setWordWrap(True)
        self.chip.setMaximumWidth(CHIP_MAX_WIDTH)
        self.agreed_label = QLabel()
        self.agreed_label.setObjectName("categoryAgreed")
        self.agreed_label.setProperty("role", "muted")
        self.agreed_label.setAccessibleName("When and by whom the category was agreed")
        self.agreed_label.setWordWrap(True)  # never widen the window for a long name
        self.categorise_button = QPushButton("Ca&tegorise…")
        self.categorise_button.setObjectName("categoriseButton")
        self.categorise_button.setAccessibleName("Agree this school's category")
        self.categorise_button.clicked.connect(self.categorise_requested)
        top.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.agreed_label, 1)
        layout.addLayout(top)
        # The button sits beside the cadence, not the chip, so the header never needs more
        # width than the visits list below it.
        below = QHBoxLayout()
        below.setSpacing(10)
        self.cadence_label = QLabel()
        self.cadence_label.setObjectName("categoryCadence")
        self.cadence_label.setAccessibleName("Support this category implies")
        self.cadence_label.setWordWrap(True)
        self.cadence_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        below.addWidget(self.cadence_label, 1)
        below.addWidget(self.categorise_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(below)
        self.setVisible(False)

    def clear(self) -> None:
        """Nothing to show (another school is loading, or the store is still opening)."""
        self.overview = None
        self.setVisible(False)

    def show_overview(self, overview: CategoryOverview, today: date | None = None) -> None:
        """Show the category; hide the panel when the trust's profile has no scheme."""
        self.overview = overview
        scheme = overview.scheme
        if scheme is None:
            self.setVisible(False)
            return
        today = today or date.today()
        current = overview.current
        if current is None:
            label, colour = "Not categorised", None
        else:
            label = current.level_label
            colour = overview.level.colour if overview.level is not None else None
        self.chip.setText(label)
        self.chip.setStyleSheet(chip_style(colour))
        self.chip.ensurePolished()
        # One line when it fits in CHIP_MAX_WIDTH; wrapped beyond. A word-wrapped QLabel asks
        # for the height of its text wrapped at a narrower width than it gets, so a label that
        # fits on one line is not wrapped at all (it was drawn two lines tall).
        one_line = self.chip.fontMetrics().horizontalAdvance(label) + 24
        self.chip.setWordWrap(one_line > CHIP_MAX_WIDTH)
        self.chip.setMinimumWidth(min(one_line, CHIP_MAX_WIDTH))
        self.chip.setAccessibleName(f"{scheme.title}: {label}")
        tip = [scheme.title]
        if overview.level is not None and overview.level.expected_duration:
            tip.append(f"Expected duration: {overview.level.expected_duration}")
        if current is not None:
            tip.append(f"Rationale: {current.rationale}")
        self.chip.setToolTip("\n".join(tip))
        self.agreed_label.setText(agreed_text(overview))
        lines = cadence_lines(overview, today)
        self.cadence_label.setText("\n".join(lines))
        self.cadence_label.setVisible(bool(lines))
        self.categorise_button.setEnabled(overview.may_agree)
        self.categorise_button.setToolTip(
            "Agree the school's category, with the scheme's suggestion to hand"
            if overview.may_agree
            else "Only a lead reviewer or a trust admin (the central team) can agree categories."
        )
        self.setVisible(True)

    def show_visits(self, visits: Sequence[Visit], today: date | None = None) -> None:
        """Work the next-due dates out again from the school's visits as now listed (no disk)."""
        overview = self.overview
        if overview is None or overview.current is None or overview.level is None:
            return
        if any(v.school_id != overview.school_id for v in visits):
            return  # another school's visits: its own category is on its way
        today = today or date.today()
        support = support_due(
            overview.level, overview.current.agreed_on, recorded_visits(visits), today
        )
        self.show_overview(dataclasses.replace(overview, support=support), today)
