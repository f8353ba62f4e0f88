"""The termly board pack for trustees (issue 17): what changed across the trust's schools in
one term, drawn with the report engine's fonts, styles and page furniture.

The pack is a plain view model (:class:`BoardPack`, filled by the trust server from synced data)
and :func:`render_board_pack`, which lays it out: the headline figures, categories (with a
chart of schools per category and every change with its reason), areas moving up or down (a
chart per area), safeguarding exceptions as counts only, overdue actions, and visits done
against each school's support cadence (a chart of done against due). Safeguarding detail never
reaches the pack: the model has no field for it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reviewer_app.reports.document import Branding
from reviewer_app.reports.report_story import StoryParts
from reviewer_app.reports.report_style import (
    FONT,
    RULE,
    RenderError,
    markup,
    register_fonts,
)


@dataclass(frozen=True, slots=True)
class CategoryChange:
    school: str
    was: str | None
    now: str
    agreed_on: date
    reason: str
    agreed_by: str


@dataclass(frozen=True, slots=True)
class Movement:
    """An area's agreed view at a school that moved up or down in the term."""

    school: str
    area: str
    level: str
    previous: str
    direction: str  # "up" or "down"
    day: date
    framework: str


@dataclass(frozen=True, slots=True)
class SafeguardingCounts:
    """Safeguarding exceptions, as counts only (no school, no detail)."""

    views_not_met: int
    schools_with_exception: int
    open_actions: int
    overdue_actions: int


@dataclass(frozen=True, slots=True)
class OverdueAction:
    school: str
    text: str
    owner: str
    due: date
    theme: str


@dataclass(frozen=True, slots=True)
class CadenceLine:
    """One school's support in the term: how many pieces were done against how many fell due,
    and what was still overdue at the end."""

    school: str
    category: str
    done: int
    due: int
    overdue: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BoardPack:
    trust_name: str
    term_label: str
    start: date
    end: date
    #: The day the figures stand at (the term's end, or today for the current term).
    as_of: date
    generated_on: date
    schools: int
    visits_done: int
    category_counts: tuple[tuple[str, int, str], ...]  # label, schools, colour
    category_changes: tuple[CategoryChange, ...] = ()
    movements: tuple[Movement, ...] = ()
    safeguarding: SafeguardingCounts = field(default_factory=lambda: SafeguardingCounts(0, 0, 0, 0))
    overdue_actions: tuple[OverdueAction, ...] = ()
    cadence: tuple[CadenceLine, ...] = ()
    primary_colour: str = "#1F3A5F"
    accent_colour: str = "#2E7D6B"


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


class _Pack(StoryParts):
    def __init__(self, pack: BoardPack) -> None:
        super().__init__(Branding(pack.trust_name, pack.primary_colour, pack.accent_colour))
        self.pack = pack

    def para(self, text: str, style: Any = None) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup(text), style or self.styles.body)

    def cell(self, text: str) -> Any:
        return self.para(text, self.styles.cell)

    def opening(self, title: str, *first: Any) -> Any:
        """A section's heading with its first part (a chart, a short table), on one page: a
        heading never ends a page with what it heads on the next."""
        from reportlab.platypus import KeepTogether

        return KeepTogether([self.heading(title, 2), *first])

    # ------------------------------------------------------------ charts

    def bar_chart(
        self,
        labels: list[str],
        series: list[list[int]],
        names: list[str],
        colours: list[str],
        *,
        height: float,
        description: str,
    ) -> Any:
        """A horizontal bar chart (one bar per series per label) with a legend."""
        from reportlab.graphics.charts.barcharts import HorizontalBarChart
        from reportlab.graphics.charts.legends import Legend
        from reportlab.graphics.shapes import Drawing, String
        from reportlab.lib import colors

        width = self.frame_width
        drawing = Drawing(width, height)
        chart = HorizontalBarChart()
        chart.x, chart.y = 150, 22
        chart.width, chart.height = width - 170, height - 30
        chart.data = [list(reversed(values)) for values in series]
        chart.categoryAxis.categoryNames = list(reversed(labels))
        chart.categoryAxis.labels.fontName = FONT
        chart.categoryAxis.labels.fontSize = 7.5
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.strokeColor = colors.HexColor(RULE)
        chart.valueAxis.valueMin = 0
        top = max((v for values in series for v in values), default=0)
        chart.valueAxis.valueMax = max(top, 1)
        chart.valueAxis.valueStep = max(1, (top + 4) // 5)
        chart.valueAxis.labels.fontName = FONT
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.strokeColor = colors.HexColor(RULE)
        chart.valueAxis.gridStrokeColor = colors.HexColor(RULE)
        chart.valueAxis.visibleGrid = True
        chart.barSpacing = 1
        chart.groupSpacing = 5
        for n, colour in enumerate(colours):
            chart.bars[n].fillColor = colors.HexColor(colour)
            chart.bars[n].strokeColor = None
        chart.barLabelFormat = "%d"
        chart.barLabels.fontName = FONT
        chart.barLabels.fontSize = 6.5
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 2
        drawing.add(chart)
        if len(series) > 1:
            legend = Legend()
            legend.x, legend.y = chart.x, 8
            legend.fontName = FONT
            legend.fontSize = 7.5
            legend.alignment = "right"
            legend.columnMaximum = 1
            legend.deltax = 120
            legend.dx = legend.dy = 7
            legend.colorNamePairs = [
                (colors.HexColor(c), name) for c, name in zip(colours, names, strict=True)
            ]
            drawing.add(legend)
        drawing.add(String(0, 0, "", fontName=FONT, fontSize=1))  # keeps the font in use
        drawing.setProperties({"desc": description})
        return drawing

    # ------------------------------------------------------------ parts

    def cover(self) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        p, s = self.pack, self.styles
        story: list[Any] = [Spacer(1, 8 * mm)]
        story.append(self.para("BOARD PACK", s.cover_kicker))
        story.append(self.para(f"School improvement: {p.term_label}", s.cover_title))
        story.append(self.para(p.trust_name, s.cover_school))
        story.append(
            self.para(
                f"The term {_day(p.start)} to {_day(p.end)}; figures stand at {_day(p.as_of)}. "
                f"Prepared {_day(p.generated_on)} from the reviews, categories and meeting notes "
                "the trust server holds.",
                s.muted,
            )
        )
        story.append(Spacer(1, 6 * mm))
        overdue_schools = sum(1 for c in p.cadence if c.overdue)
        figures = [
            (str(p.schools), "schools"),
            (str(p.visits_done), "visits held in the term"),
            (str(len(p.category_changes)), "category changes"),
            (str(sum(m.direction == "up" for m in p.movements)), "areas moving up"),
            (str(sum(m.direction == "down" for m in p.movements)), "areas moving down"),
            (str(len(p.overdue_actions)), "overdue actions"),
            (str(p.safeguarding.schools_with_exception), "schools with a safeguarding exception"),
            (str(overdue_schools), "schools behind their support cadence"),
        ]
        width = self.frame_width / 4
        rows = []
        for start in range(0, len(figures), 4):
            rows.append(
                [
                    [self.para(number, s.h1), self.para(label, s.small)]
                    for number, label in figures[start : start + 4]
                ]
            )
        table = self._table(rows, [width] * 4)
        table.setStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, 0), (-1, -1), 0.6, self.styles.accent),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
        story.append(table)
        return story

    def categories(self) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        p = self.pack
        if p.category_counts:
            first = self.bar_chart(
                [label for label, _n, _c in p.category_counts],
                [[n for _l, n, _c in p.category_counts]],
                ["Schools"],
                [self.pack.primary_colour],
                height=max(60, 22 * len(p.category_counts) + 30),
                description="Schools in each category at "
                + _day(p.as_of)
                + ": "
                + "; ".join(f"{label}: {n}" for label, n, _c in p.category_counts),
            )
        else:
            first = self.para("No school has an agreed category yet.")
        story = [self.opening("Categories", first), Spacer(1, 3 * mm)]
        if not p.category_changes:
            story.append(self.para("No school's category changed in the term."))
            return story
        w = self.frame_width
        rows = [
            [
                self.cell(c.school),
                self.cell(f"{c.was} to {c.now}" if c.was else f"First agreed: {c.now}"),
                self.cell(f"{_day(c.agreed_on)}, {c.agreed_by}"),
                self.cell(c.reason),
            ]
            for c in p.category_changes
        ]
        story.append(
            self.data_table(
                ["School", "Change", "Agreed", "Reason"],
                rows,
                [w * 0.2, w * 0.26, w * 0.17, w * 0.37],
            )
        )
        return story

    def movements(self) -> list[Any]:
        p = self.pack
        title = "Areas moving up or down"
        if not p.movements:
            return [
                self.opening(
                    title, self.para("No area's agreed view moved up or down in the term.")
                )
            ]
        areas = list(dict.fromkeys(m.area for m in p.movements))
        story = [
            self.opening(
                title,
                self.bar_chart(
                    areas,
                    [
                        [
                            sum(m.area == a and m.direction == "up" for m in p.movements)
                            for a in areas
                        ],
                        [
                            sum(m.area == a and m.direction == "down" for m in p.movements)
                            for a in areas
                        ],
                    ],
                    ["Moved up", "Moved down"],
                    ["#2E7D4F", "#B3261E"],
                    height=max(80, 26 * len(areas) + 40),
                    description="Schools whose agreed view moved up or down, by area",
                ),
            )
        ]
        w = self.frame_width
        rows = [
            [
                self.cell(m.school),
                self.cell(m.area),
                self.cell(f"{'Up' if m.direction == 'up' else 'Down'}: {m.previous} to {m.level}"),
                self.cell(f"{m.framework}, {_day(m.day)}"),
            ]
            for m in sorted(p.movements, key=lambda m: (m.direction != "down", m.school, m.area))
        ]
        story.append(
            self.data_table(
                ["School", "Area", "Movement", "Review"],
                rows,
                [w * 0.24, w * 0.24, w * 0.3, w * 0.22],
            )
        )
        return story

    def safeguarding(self) -> list[Any]:
        c = self.pack.safeguarding
        w = self.frame_width
        counts = (
            ("Agreed safeguarding views not met in the term", c.views_not_met),
            ("Schools with a safeguarding exception", c.schools_with_exception),
            ("Open safeguarding actions", c.open_actions),
            ("Of those, overdue", c.overdue_actions),
        )
        rows = [[self.cell(label), self.cell(str(n))] for label, n in counts]
        return [
            self.opening(
                "Safeguarding exceptions",
                self.para(
                    "Counts only: the detail is held by the trust's safeguarding leads.",
                    self.styles.muted,
                ),
                self.data_table(["Exception", "Count"], rows, [w * 0.8, w * 0.2]),
            )
        ]

    def overdue_actions(self) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import CondPageBreak

        p = self.pack
        title = "Overdue actions"
        if not p.overdue_actions:
            return [self.opening(title, self.para(f"No action was overdue at {_day(p.as_of)}."))]
        # The list may run over pages: it starts on a new page unless its heading, the line
        # under it and its first rows fit on this one.
        story = [CondPageBreak(60 * mm), self.heading(title, 2)]
        story.append(
            self.para(
                f"Actions agreed at reviews, not yet met and past their due date at "
                f"{_day(p.as_of)} (safeguarding actions are counted above).",
                self.styles.muted,
            )
        )
        w = self.frame_width
        rows = [
            [self.cell(a.school), self.cell(a.text), self.cell(a.owner), self.cell(_day(a.due))]
            for a in p.overdue_actions
        ]
        story.append(
            self.data_table(
                ["School", "Action", "Owner", "Due"], rows, [w * 0.22, w * 0.5, w * 0.14, w * 0.14]
            )
        )
        return story

    def cadence(self) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        p = self.pack
        title = "Visits and meetings against the support cadence"
        lines = [c for c in p.cadence if c.due or c.done]
        if not lines:
            return [
                self.opening(
                    title, self.para("No school's category asked for support in the term.")
                )
            ]
        story = [
            self.opening(
                title,
                self.bar_chart(
                    [c.school for c in lines],
                    [[c.done for c in lines], [c.due for c in lines]],
                    ["Done in the term", "Due in the term"],
                    [self.pack.accent_colour, "#B8C0CC"],
                    height=max(90, 30 * len(lines) + 40),
                    description="Visits and meetings done against those due in the term, by school",
                ),
            ),
            Spacer(1, 3 * mm),
        ]
        w = self.frame_width
        rows = [
            [
                self.cell(c.school),
                self.cell(c.category),
                self.cell(f"{c.done} of {c.due}"),
                self.cell("; ".join(c.overdue) if c.overdue else "Nothing overdue"),
            ]
            for c in p.cadence
        ]
        story.append(
            self.data_table(
                ["School", "Category", "Done of due", f"Overdue at {_day(p.as_of)}"],
                rows,
                [w * 0.22, w * 0.22, w * 0.12, w * 0.44],
            )
        )
        return story


def render_board_pack(pack: BoardPack) -> bytes:
    """The board pack as PDF bytes. Raises :class:`RenderError` with a sentence on failure."""
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from reviewer_app.reports.render import footer, numbered_canvas, running_head

    register_fonts()
    parts = _Pack(pack)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(parts.page_width, parts.page_height),
        leftMargin=parts.margin,
        rightMargin=parts.margin,
        topMargin=20 * mm,
        bottomMargin=24 * mm,
        title=f"Board pack: {pack.term_label}",
        author=pack.trust_name,
        subject=f"School improvement across {pack.trust_name}, {pack.term_label}",
        creator="Reviewer",
    )
    frame = Frame(parts.margin, 24 * mm, parts.frame_width, parts.page_height - 44 * mm, id="body")

    def head(canvas: Any, _doc: Any) -> None:
        running_head(canvas, parts, pack.trust_name, f"Board pack · {pack.term_label}")

    def foot(canvas: Any, page: int, total: int) -> None:
        footer(canvas, parts, f"{pack.trust_name} · board pack · {pack.term_label}", page, total)

    doc.addPageTemplates([PageTemplate(id="body", frames=[frame], onPage=head)])
    story = (
        parts.cover()
        + parts.categories()
        + parts.movements()
        + parts.safeguarding()
        + parts.overdue_actions()
        + parts.cadence()
    )
    try:
        doc.build(story, canvasmaker=numbered_canvas(foot))
    except RenderError:
        raise
    except Exception as exc:
        raise RenderError(
            f"The board pack for {pack.term_label} could not be laid out.",
            hint="Try again; if it keeps failing, send the server log to your trust's support.",
        ) from exc
    return buffer.getvalue()
