"""Render a :class:`ReportDocument` to PDF with reportlab (platypus).

Order: cover (trust branding, school, visit, dates, reviewers), summary of judgements in the
scales' colours with their notes, one part per section, actions, follow-up of earlier actions,
appendix of evidence notes and photos, and sign-off. Every page but the cover has a running head;
every page has the footer: page x of y, report id, framework id and version, and the data hash.

The sign-off part is the last thing in the document and is kept together, so the signature blocks
(one per sign-off slot) sit on the last page; :class:`RenderedReport` records their rectangles so
signing puts each signature field exactly there. Fonts are DejaVu Sans, shipped under
``resources/fonts/`` and embedded (subset) in every PDF.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.paths import resources_dir
from reviewer_app.reports.document import Rating, ReportDocument, SignOffSlot

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"

_INK = "#1C2430"
_MUTED = "#5B6573"
_RULE = "#D5DAE1"
_PANEL = "#F3F5F8"

#: Height of one signature block, in points (the field sits in its lower part).
SIGNATURE_BLOCK_HEIGHT = 92.0


@dataclass(frozen=True, slots=True)
class SignatureBox:
    """Where one sign-off slot's signature goes: page (0-based) and rectangle in points."""

    field_name: str
    order: int
    role_label: str
    person_name: str
    page_index: int
    rect: tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class RenderedReport:
    """A rendered report: the PDF bytes, its page count, the hash and the signature boxes."""

    pdf: bytes
    page_count: int
    data_hash: str
    signature_boxes: tuple[SignatureBox, ...]


class RenderError(ReviewerError):
    """The report could not be drawn (a missing font, a damaged photo)."""


_fonts_registered = False


def register_fonts(font_folder: Path | None = None) -> None:
    """Register DejaVu Sans (regular, bold, italic) with reportlab, once per process."""
    global _fonts_registered
    if _fonts_registered:
        return
    from reportlab import rl_config
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    # Photos go in as binary streams: ASCII85-encoding them in pure Python cost more than the
    # rest of a 30-page report put together, and made the file a quarter larger.
    rl_config.useA85 = 0

    folder = font_folder or resources_dir() / "fonts"
    for name, filename in (
        (FONT, "DejaVuSans.ttf"),
        (FONT_BOLD, "DejaVuSans-Bold.ttf"),
        (FONT_ITALIC, "DejaVuSans-Oblique.ttf"),
    ):
        path = folder / filename
        if not path.is_file():
            raise RenderError(
                f"The report font {path} is missing.",
                hint="Reinstall Reviewer; the fonts ship in its resources folder.",
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD)
    _fonts_registered = True


def _text(value: str) -> str:
    """Escape a value for reportlab's paragraph markup, keeping line breaks."""
    return escape(value).replace("\n", "<br/>")


def _ink_on(colour_hex: str) -> str:
    """Dark or white text, whichever reads better on ``colour_hex``."""
    value = colour_hex.lstrip("#")
    try:
        r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return _INK
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return _INK if luminance > 150 else "#FFFFFF"


def _safe_colour(colour_hex: str, fallback: str = "#8A94A3") -> str:
    value = colour_hex.strip()
    if len(value) == 7 and value.startswith("#"):
        try:
            int(value[1:], 16)
        except ValueError:
            return fallback
        return value
    return fallback


def _date_range(document: ReportDocument) -> str:
    days = sorted(document.visit_dates)
    if len(days) == 1:
        return days[0].strftime("%-d %B %Y")
    first, last = days[0], days[-1]
    if first.year == last.year and first.month == last.month:
        return f"{first.day} to {last.strftime('%-d %B %Y')}"
    return f"{first.strftime('%-d %B %Y')} to {last.strftime('%-d %B %Y')}"


class _Styles:
    """Paragraph styles for one document, coloured with the trust's branding."""

    def __init__(self, document: ReportDocument) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        primary = colors.HexColor(_safe_colour(document.branding.primary_colour))
        accent = colors.HexColor(_safe_colour(document.branding.accent_colour))
        ink = colors.HexColor(_INK)
        muted = colors.HexColor(_MUTED)
        self.primary = primary
        self.accent = accent
        base = ParagraphStyle(
            "base", fontName=FONT, bulletFontName=FONT, fontSize=9.5, leading=13.5, textColor=ink
        )
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10.5)
        self.muted = ParagraphStyle("muted", parent=self.small, textColor=muted)
        self.evidence = ParagraphStyle(
            "evidence", parent=base, fontName=FONT_ITALIC, fontSize=8.5, leading=12,
            textColor=colors.HexColor("#3D4754"), leftIndent=10, bulletIndent=2,
        )  # fmt: skip
        self.bullet = ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2)
        self.h1 = ParagraphStyle(
            "h1", parent=base, fontName=FONT_BOLD, fontSize=17, leading=22, textColor=primary,
            spaceBefore=4, spaceAfter=8,
        )  # fmt: skip
        self.h2 = ParagraphStyle(
            "h2", parent=base, fontName=FONT_BOLD, fontSize=12.5, leading=16, textColor=primary,
            spaceBefore=10, spaceAfter=4,
        )  # fmt: skip
        self.prompt = ParagraphStyle("prompt", parent=base, fontName=FONT_BOLD, fontSize=10)
        self.label = ParagraphStyle(
            "label", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10, textColor=accent,
            spaceBefore=4,
        )  # fmt: skip
        self.chip = ParagraphStyle(
            "chip", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=10.5, alignment=1
        )
        self.cell = ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5)
        self.cell_head = ParagraphStyle(
            "cell_head", parent=self.cell, fontName=FONT_BOLD, textColor=colors.white
        )
        self.cover_kicker = ParagraphStyle(
            "kicker", parent=base, fontName=FONT_BOLD, fontSize=10, textColor=accent,
            spaceAfter=6,
        )  # fmt: skip
        self.cover_title = ParagraphStyle(
            "cover_title", parent=base, fontName=FONT_BOLD, fontSize=26, leading=31,
            textColor=primary, spaceAfter=6,
        )  # fmt: skip
        self.cover_school = ParagraphStyle(
            "cover_school", parent=base, fontSize=16, leading=21, spaceAfter=4
        )
        self.note = ParagraphStyle(
            "note", parent=self.small, fontName=FONT_ITALIC, textColor=colors.HexColor("#3D4754")
        )


class _Renderer:
    """Builds the flowables for one document and lays them out."""

    def __init__(self, document: ReportDocument) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm

        self.document = document
        self.styles = _Styles(document)
        self.page_width, self.page_height = A4
        self.margin = 18 * mm
        self.frame_width = self.page_width - 2 * self.margin
        self.boxes: dict[str, SignatureBox] = {}
        self.data_hash = document.data_hash()

    # ------------------------------------------------------------ building blocks

    def _table(self, rows: list[list[Any]], widths: Sequence[float], **kwargs: Any) -> Any:
        from reportlab.platypus import Table

        table = Table(rows, colWidths=list(widths), **kwargs)
        # Plain-string cells would otherwise use Helvetica, a font the PDF does not embed.
        table.setStyle([("FONTNAME", (0, 0), (-1, -1), FONT)])
        return table

    def chip(self, rating: Rating | None, width: float) -> Any:
        """A coloured rating chip (a one-cell table) with the level's label."""
        from reportlab.lib import colors
        from reportlab.platypus import Paragraph, TableStyle

        if rating is None:
            label, colour = "Not rated", "#E4E7EC"
        else:
            label, colour = rating.label, _safe_colour(rating.colour)
        style = self.styles.chip.clone("chip_c", textColor=colors.HexColor(_ink_on(colour)))
        table = self._table([[Paragraph(_text(label), style)]], [width])
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(colour)),
                    ("ROUNDEDCORNERS", [3, 3, 3, 3]),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        return table

    def data_table(
        self, header: Sequence[str], rows: list[list[Any]], widths: Sequence[float]
    ) -> Any:
        """A table with a branded header row repeated on every page and zebra rows."""
        from reportlab.lib import colors
        from reportlab.platypus import Paragraph, TableStyle

        head = [Paragraph(_text(h), self.styles.cell_head) for h in header]
        table = self._table([head, *rows], widths, repeatRows=1, splitByRow=1)
        commands: list[Any] = [
            ("BACKGROUND", (0, 0), (-1, 0), self.styles.primary),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor(_RULE)),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ]
        commands.extend(
            ("BACKGROUND", (0, i), (-1, i), colors.HexColor(_PANEL))
            for i in range(2, len(rows) + 1, 2)
        )
        table.setStyle(TableStyle(commands))
        return table

    def heading(self, text: str, level: int = 1) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(_text(text), self.styles.h1 if level == 1 else self.styles.h2)

    # ------------------------------------------------------------ parts

    def cover(self) -> list[Any]:
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Spacer, TableStyle

        d, s = self.document, self.styles
        story: list[Any] = [Spacer(1, 62 * mm)]
        story.append(Paragraph(_text(d.audience.label.upper()), s.cover_kicker))
        story.append(Paragraph(_text(d.visit_kind_title), s.cover_title))
        story.append(Paragraph(_text(d.school_name), s.cover_school))
        story.append(Paragraph(f"URN {_text(d.school_urn)} · {_date_range(d)}", s.muted))
        if d.focus:
            story.append(Spacer(1, 5 * mm))
            story.append(Paragraph("<b>Focus</b>", s.label))
            story.append(Paragraph(_text(d.focus), s.body))
        story.append(Spacer(1, 10 * mm))
        rows = [
            [
                Paragraph(_text(r.name), s.cell),
                Paragraph(_text(r.role_label), s.cell),
                Paragraph(_text(r.organisation), s.cell),
            ]
            for r in d.reviewers
        ]
        w = self.frame_width
        story.append(
            self.data_table(["Reviewer", "Role", "Organisation"], rows, [w * 0.36] * 2 + [w * 0.28])
        )
        story.append(Spacer(1, 8 * mm))
        facts = [
            ("Framework", f"{d.framework_id}, version {d.framework_version}"),
            ("Framework hash", d.framework_hash[:16]),
            ("Report", d.report_id),
            ("Data hash (SHA-256)", self.data_hash),
        ]
        fact_rows = [[Paragraph(_text(k), s.muted), Paragraph(_text(v), s.small)] for k, v in facts]
        facts_table = self._table(fact_rows, [w * 0.26, w * 0.74])
        facts_table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(_PANEL)),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        story.append(facts_table)
        about = d.audience.description
        notes = [legend.note_text for legend in d.scales if legend.not_an_ofsted_grade]
        if about or notes:
            story.append(Spacer(1, 8 * mm))
            story.append(Paragraph("About this report", s.label))
            if about:
                story.append(Paragraph(_text(about), s.small))
            if notes:
                story.append(Spacer(1, 1.5 * mm))
                story.append(Paragraph(_text(notes[0]), s.note))
        return story

    def summary(self) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import KeepTogether, Paragraph, Spacer

        d, s = self.document, self.styles
        story: list[Any] = [self.heading("Summary of judgements")]
        w = self.frame_width
        if d.summary:
            rows = [
                [Paragraph(_text(section.title), s.cell), self.chip(rating, w * 0.3 - 10)]
                for section, rating in d.summary
            ]
            table = self.data_table(["Area", "Agreed judgement"], rows, [w * 0.7, w * 0.3])
            table.setStyle([("VALIGN", (0, 1), (-1, -1), "MIDDLE")])
            story.append(table)
        else:
            story.append(Paragraph("No area of this report carries an overall rating.", s.body))
        for legend in d.scales:
            block: list[Any] = [Spacer(1, 5 * mm), Paragraph(_text(legend.title), s.label)]
            chips = [self.chip(level, 30 * mm) for level in legend.levels]
            per_row = 5
            grid = [chips[i : i + per_row] for i in range(0, len(chips), per_row)]
            for row in grid:
                row.extend([""] * (per_row - len(row)))
            if grid:
                table = self._table(grid, [w / per_row] * per_row)
                block.append(table)
            if legend.note_text:
                block.append(Spacer(1, 2 * mm))
                block.append(Paragraph(_text(legend.note_text), s.note))
            story.append(KeepTogether(block))
        return story

    def sections(self) -> list[Any]:
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, TableStyle

        d, s = self.document, self.styles
        w = self.frame_width
        story: list[Any] = []
        for index, section in enumerate(d.sections):
            story.append(CondPageBreak(60 * mm))
            if index:
                story.append(Spacer(1, 5 * mm))
            title = self.heading(section.title)
            head: list[Any] = [title]
            if section.summary_rating is not None:
                head_table = self._table(
                    [[title, self.chip(section.summary_rating, 36 * mm)]], [w - 38 * mm, 38 * mm]
                )
                head_table.setStyle(
                    TableStyle(
                        [
                            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                            ("LEFTPADDING", (0, 0), (-1, -1), 0),
                            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                        ]
                    )
                )
                head = [head_table]
            if section.restricted:
                head.append(
                    Paragraph(
                        "Restricted: for readers cleared to see safeguarding detail.", s.label
                    )
                )
            if section.narrative:
                head.append(Paragraph(_text(section.narrative), s.body))
            story.append(KeepTogether(head))
            for finding in section.findings:
                block: list[Any] = []
                top = self._table(
                    [
                        [
                            Paragraph(_text(finding.prompt), s.prompt),
                            self.chip(finding.rating, 36 * mm),
                        ]
                    ],
                    [w - 38 * mm, 38 * mm],
                )
                top.setStyle(
                    TableStyle(
                        [
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("LEFTPADDING", (0, 0), (-1, -1), 0),
                            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                            ("LINEABOVE", (0, 0), (-1, 0), 0.6, colors.HexColor(_RULE)),
                            ("TOPPADDING", (0, 0), (-1, -1), 6),
                        ]
                    )
                )
                block.append(top)
                if finding.evidence:
                    block.append(Paragraph("Evidence", s.label))
                    block.extend(
                        Paragraph(_text(e), s.evidence, bulletText="–") for e in finding.evidence
                    )
                for label, items in (
                    ("Strengths", finding.strengths),
                    ("Areas for development", finding.development),
                ):
                    if items:
                        block.append(Paragraph(label, s.label))
                        block.extend(Paragraph(_text(i), s.bullet, bulletText="•") for i in items)
                block.append(Spacer(1, 2 * mm))
                story.append(KeepTogether(block))
        return story

    def actions(self) -> list[Any]:
        from reportlab.platypus import Paragraph

        d, s = self.document, self.styles
        if not d.actions:
            return []
        w = self.frame_width
        rows = [
            [
                Paragraph(str(i), s.cell),
                Paragraph(_text(a.text), s.cell),
                Paragraph(_text(a.owner), s.cell),
                Paragraph(a.due.strftime("%-d %b %Y") if a.due else "—", s.cell),
                Paragraph(_text(a.priority_label), s.cell),
            ]
            for i, a in enumerate(d.actions, start=1)
        ]
        widths = [w * 0.05, w * 0.53, w * 0.17, w * 0.13, w * 0.12]
        from reportlab.lib.units import mm
        from reportlab.platypus import CondPageBreak

        return [
            CondPageBreak(45 * mm),
            self.heading("Agreed actions"),
            self.data_table(["#", "Action", "Owner", "Due", "Priority"], rows, widths),
        ]

    def follow_up(self) -> list[Any]:
        from reportlab.platypus import Paragraph

        d, s = self.document, self.styles
        if not d.follow_ups:
            return []
        w = self.frame_width
        rows = [
            [
                Paragraph(_text(f.action_text), s.cell),
                Paragraph(f.agreed_on.strftime("%-d %b %Y") if f.agreed_on else "—", s.cell),
                self.chip(Rating("", f.outcome_label, f.outcome_colour), w * 0.15 - 10),
                Paragraph(_text(f.evidence), s.cell),
            ]
            for f in d.follow_ups
        ]
        widths = [w * 0.36, w * 0.13, w * 0.15, w * 0.36]
        from reportlab.lib.units import mm
        from reportlab.platypus import CondPageBreak

        return [
            CondPageBreak(45 * mm),
            self.heading("Follow-up of earlier actions"),
            self.data_table(["Action", "Agreed", "Outcome", "What we found"], rows, widths),
        ]

    def appendix(self) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

        d, s = self.document, self.styles
        story: list[Any] = []
        w = self.frame_width
        if d.evidence_notes:
            story.append(CondPageBreak(50 * mm))
            story.append(self.heading("Appendix A: evidence notes"))
            rows = [
                [
                    Paragraph(n.captured_at.strftime("%-d %b %H:%M"), s.cell),
                    Paragraph(_text(n.author), s.cell),
                    Paragraph(_text(n.text), s.cell),
                    Paragraph(_text(", ".join(f"{k}: {v}" for k, v in n.tags)), s.muted),
                ]
                for n in d.evidence_notes
            ]
            widths = [w * 0.13, w * 0.17, w * 0.5, w * 0.2]
            story.append(self.data_table(["When", "Reviewer", "Note", "Tags"], rows, widths))
        if d.photos:
            story.append(CondPageBreak(90 * mm))
            story.append(self.heading("Appendix B: photos"))
            cell_w = (w - 6 * mm) / 2
            cells = [self._photo_cell(p.data, p.caption, cell_w, 62 * mm) for p in d.photos]
            for i in range(0, len(cells), 2):
                pair = cells[i : i + 2] + ([""] if len(cells[i : i + 2]) == 1 else [])
                row = self._table([pair], [cell_w + 3 * mm] * 2)
                story.append(KeepTogether([row, Spacer(1, 3 * mm)]))
        return story

    def _photo_cell(self, data: bytes, caption: str, width: float, max_height: float) -> Any:
        from reportlab.lib.utils import ImageReader
        from reportlab.platypus import Image, Paragraph

        try:
            reader = ImageReader(io.BytesIO(data))
            iw, ih = reader.getSize()
        except Exception as exc:
            raise RenderError(
                f"The photo captioned '{caption[:40]}' could not be read.",
                hint="Remove it from the review or attach it again.",
            ) from exc
        scale = min(width / iw, max_height / ih)
        image = Image(io.BytesIO(data), width=iw * scale, height=ih * scale)
        image.hAlign = "LEFT"
        return [image, Paragraph(_text(caption), self.styles.muted)]

    def sign_off(self) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import KeepTogether, Paragraph, Spacer

        d, s = self.document, self.styles
        slots = d.signing_order
        if not slots:
            return []
        w = self.frame_width
        intro = Paragraph(
            "Each person below signs this report digitally, in the order shown. A signature "
            "covers every page; any later change to the report breaks it. Check the signatures "
            "with Reviewer's <i>Verify report</i> or <i>reviewer-app verify</i>.",
            s.body,
        )
        gap = 6 * mm
        block_w = (w - gap) / 2
        blocks = [_signature_block(self, slot, block_w) for slot in slots]
        rows = [blocks[i : i + 2] for i in range(0, len(blocks), 2)]
        for row in rows:
            row.extend([""] * (2 - len(row)))
        grid = self._table(rows, [block_w + gap / 2] * 2)
        grid.setStyle(
            [("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]
        )
        return [KeepTogether([self.heading("Sign-off"), intro, Spacer(1, 5 * mm), grid])]

    # ------------------------------------------------------------ page furniture

    def draw_cover_band(self, canvas: Any, _doc: Any) -> None:
        from reportlab.lib.units import mm
        from reportlab.lib.utils import ImageReader

        d, s = self.document, self.styles
        band_h = 44 * mm
        top = self.page_height
        canvas.saveState()
        canvas.setFillColor(s.primary)
        canvas.rect(0, top - band_h, self.page_width, band_h, stroke=0, fill=1)
        canvas.setFillColor(s.accent)
        canvas.rect(0, top - band_h - 2.2 * mm, self.page_width, 2.2 * mm, stroke=0, fill=1)
        text_x = self.margin
        logo = d.branding.logo_path
        if logo and Path(logo).is_file():
            try:
                reader = ImageReader(logo)
                iw, ih = reader.getSize()
                h = 24 * mm
                lw = iw * h / ih
                canvas.drawImage(reader, self.margin, top - band_h + 10 * mm, lw, h, mask="auto")
                text_x = self.margin + lw + 6 * mm
            except OSError:
                pass  # a missing or damaged logo must not stop a report; the name still shows
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont(FONT_BOLD, 18)
        canvas.drawString(text_x, top - band_h + 22 * mm, d.branding.trust_name)
        canvas.setFont(FONT, 9.5)
        canvas.drawString(text_x, top - band_h + 14 * mm, "School review report")
        canvas.restoreState()

    def draw_running_head(self, canvas: Any, _doc: Any) -> None:
        from reportlab.lib import colors
        from reportlab.lib.units import mm

        d, s = self.document, self.styles
        canvas.saveState()
        y = self.page_height - 11 * mm
        canvas.setFillColor(s.primary)
        canvas.setFont(FONT_BOLD, 8)
        canvas.drawString(self.margin, y, d.branding.trust_name)
        canvas.setFillColor(colors.HexColor(_MUTED))
        canvas.setFont(FONT, 8)
        canvas.drawRightString(
            self.page_width - self.margin, y, f"{d.school_name} · {d.visit_kind_title}"
        )
        canvas.setStrokeColor(s.accent)
        canvas.setLineWidth(1.2)
        canvas.line(self.margin, y - 2.5 * mm, self.page_width - self.margin, y - 2.5 * mm)
        canvas.restoreState()

    def draw_footer(self, canvas: Any, page: int, total: int) -> None:
        from reportlab.lib import colors
        from reportlab.lib.units import mm

        d = self.document
        canvas.saveState()
        left, right = self.margin, self.page_width - self.margin
        y = 12 * mm
        canvas.setStrokeColor(colors.HexColor(_RULE))
        canvas.setLineWidth(0.5)
        canvas.line(left, y + 4.2 * mm, right, y + 4.2 * mm)
        canvas.setFillColor(colors.HexColor(_MUTED))
        canvas.setFont(FONT, 7)
        canvas.drawString(
            left, y, f"Report {d.report_id} · {d.framework_id} version {d.framework_version}"
        )
        canvas.setFont(FONT_BOLD, 7.5)
        canvas.drawRightString(right, y, f"Page {page} of {total}")
        canvas.setFont(FONT, 6.3)
        canvas.drawString(left, y - 3.6 * mm, f"Data hash SHA-256 {self.data_hash}")
        canvas.restoreState()

    # ------------------------------------------------------------ layout

    def build(self) -> RenderedReport:
        from reportlab.lib.units import mm
        from reportlab.platypus import (
            BaseDocTemplate,
            Frame,
            NextPageTemplate,
            PageBreak,
            PageTemplate,
        )

        buffer = io.BytesIO()
        d = self.document
        doc = BaseDocTemplate(
            buffer,
            pagesize=(self.page_width, self.page_height),
            leftMargin=self.margin,
            rightMargin=self.margin,
            topMargin=20 * mm,
            bottomMargin=24 * mm,
            title=f"{d.visit_kind_title}: {d.school_name}",
            author=d.branding.trust_name,
            subject=f"{d.audience.label}, report {d.report_id}",
            keywords=f"report-id={d.report_id} data-hash={self.data_hash}",
            creator="Reviewer",
        )
        frame = Frame(self.margin, 24 * mm, self.frame_width, self.page_height - 44 * mm, id="body")
        doc.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[frame], onPage=self.draw_cover_band),
                PageTemplate(id="body", frames=[frame], onPage=self.draw_running_head),
            ]
        )
        story: list[Any] = self.cover()
        story += [NextPageTemplate("body"), PageBreak()]
        story += self.summary()
        if d.sections:
            story.append(PageBreak())
        story += self.sections()
        story += self.actions()
        story += self.follow_up()
        story += self.appendix()
        story += self.sign_off()
        canvas_class = _numbered_canvas(self.draw_footer)
        try:
            doc.build(story, canvasmaker=canvas_class)
        except RenderError:
            raise
        except Exception as exc:
            raise RenderError(
                f"Report {d.report_id} could not be laid out.",
                hint="Try again; if it keeps failing, send the log to your trust's support.",
            ) from exc
        missing = [slot.field_name for slot in d.sign_off if slot.field_name not in self.boxes]
        if missing:
            raise RenderError(f"Report {d.report_id} has no room for signatures {missing}.")
        return RenderedReport(
            pdf=buffer.getvalue(),
            page_count=canvas_class.last_page_count,
            data_hash=self.data_hash,
            signature_boxes=tuple(sorted(self.boxes.values(), key=lambda box: box.order)),
        )


def _numbered_canvas(draw_footer: Callable[[Any, int, int], None]) -> Any:
    """A canvas class that holds pages back until the end, then stamps 'Page x of y'."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        last_page_count = 0

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Start in DejaVu so no unembedded Helvetica lands in the PDF's resources.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for number, state in enumerate(self._saved_pages, start=1):
                self.__dict__.update(state)
                draw_footer(self, number, total)
                super().showPage()
            type(self).last_page_count = total
            super().save()

    return NumberedCanvas


def _signature_block(renderer: _Renderer, slot: SignOffSlot, width: float) -> Any:
    """A reserved signature area: a caption strip (order, role, name) over an empty field box.

    Drawing records the field rectangle in absolute page coordinates on the renderer.
    """
    from reportlab.lib import colors
    from reportlab.platypus import Flowable

    styles = renderer.styles

    class SignatureBlockFlowable(Flowable):  # type: ignore[misc]
        def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
            return width, SIGNATURE_BLOCK_HEIGHT

        def draw(self) -> None:
            canvas = self.canv
            h = SIGNATURE_BLOCK_HEIGHT
            canvas.saveState()
            canvas.setFillColor(colors.HexColor(_PANEL))
            canvas.setStrokeColor(colors.HexColor(_RULE))
            canvas.roundRect(0, 0, width, h, 4, stroke=1, fill=1)
            canvas.setFillColor(styles.primary)
            canvas.setFont(FONT_BOLD, 8.5)
            canvas.drawString(8, h - 13, f"{slot.order}. {slot.role_label}")
            canvas.setFillColor(colors.HexColor(_INK))
            canvas.setFont(FONT, 8.5)
            canvas.drawString(8, h - 25, slot.person_name)
            canvas.setFillColor(colors.white)
            canvas.rect(6, 6, width - 12, h - 38, stroke=1, fill=1)
            canvas.setFillColor(colors.HexColor(_MUTED))
            canvas.setFont(FONT_ITALIC, 7)
            canvas.drawRightString(width - 8, h - 13, "Digital signature")
            canvas.restoreState()
            x0, y0 = canvas.absolutePosition(6, 6)
            x1, y1 = canvas.absolutePosition(width - 6, h - 32)
            renderer.boxes[slot.field_name] = SignatureBox(
                field_name=slot.field_name,
                order=slot.order,
                role_label=slot.role_label,
                person_name=slot.person_name,
                page_index=canvas.getPageNumber() - 1,
                rect=(round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)),
            )

    return SignatureBlockFlowable()


def render_report(document: ReportDocument) -> RenderedReport:
    """Render ``document`` to PDF. Raises :class:`RenderError` with a sentence on failure."""
    register_fonts()
    return _Renderer(document).build()
