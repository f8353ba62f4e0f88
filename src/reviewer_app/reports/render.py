"""Render a :class:`ReportDocument` to PDF with reportlab (platypus).

Order: the first page (trust branding, school, visit, dates, review team, status, and the summary
of every section's judgement), how to read the scales, one part per section, actions, follow-up
of earlier actions, appendix of evidence notes and photos, and the last page: sign-off, how to
check the report, and "about this document" with the identifiers and hashes
(:mod:`report_story`). Every page but the first has a running head; every page has the footer:
school, audience, report id and page x of y.

The last page's part is kept together, so the signature blocks (one per sign-off slot) sit on
the last page; :class:`RenderedReport` records their rectangles so
signing puts each signature field exactly there. Fonts are DejaVu Sans, shipped under
``resources/fonts/`` and embedded (subset) in every PDF.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer_app.reports.document import ReportDocument
from reviewer_app.reports.report_story import ReportStory, SignatureBox, StoryParts
from reviewer_app.reports.report_style import (
    FONT,
    FONT_BOLD,
    MUTED,
    RULE,
    RenderError,
    register_fonts,
)

__all__ = [
    "FONT",
    "FONT_BOLD",
    "RenderError",
    "RenderedReport",
    "SignatureBox",
    "register_fonts",
    "render_report",
]


@dataclass(frozen=True, slots=True)
class RenderedReport:
    """A rendered report: the PDF bytes, its page count, the hash and the signature boxes."""

    pdf: bytes
    page_count: int
    data_hash: str
    signature_boxes: tuple[SignatureBox, ...]


class _Renderer:
    """Lays out one document's story on pages with their furniture."""

    def __init__(self, document: ReportDocument) -> None:
        self.document = document
        self.story = ReportStory(document)
        self.styles = self.story.styles
        self.page_width, self.page_height = self.story.page_width, self.story.page_height
        self.margin = self.story.margin
        self.frame_width = self.story.frame_width
        self.data_hash = self.story.data_hash
        self.boxes = self.story.boxes

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
        d = self.document
        running_head(
            canvas, self.story, d.branding.trust_name, f"{d.school_name} · {d.visit_kind_title}"
        )

    def draw_footer(self, canvas: Any, page: int, total: int) -> None:
        d = self.document
        footer(
            canvas,
            self.story,
            f"{d.school_name} · {d.audience.label} · report {d.report_id}",
            page,
            total,
        )

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
        story: list[Any] = self.story.cover()
        story += [NextPageTemplate("body"), PageBreak()]
        story += self.story.legends()
        story += self.story.sections()
        story += self.story.actions()
        story += self.story.follow_up()
        story += self.story.appendix()
        story += self.story.sign_off()
        canvas_class = numbered_canvas(self.draw_footer)
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


def running_head(canvas: Any, parts: StoryParts, left: str, right: str) -> None:
    """The head of every page but the first: the trust in its colour, what the document is."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    s = parts.styles
    canvas.saveState()
    y = parts.page_height - 11 * mm
    canvas.setFillColor(s.primary)
    canvas.setFont(FONT_BOLD, 8)
    canvas.drawString(parts.margin, y, left)
    canvas.setFillColor(colors.HexColor(MUTED))
    canvas.setFont(FONT, 8)
    canvas.drawRightString(parts.page_width - parts.margin, y, right)
    canvas.setStrokeColor(s.accent)
    canvas.setLineWidth(1.2)
    canvas.line(parts.margin, y - 2.5 * mm, parts.page_width - parts.margin, y - 2.5 * mm)
    canvas.restoreState()


def footer(canvas: Any, parts: StoryParts, text: str, page: int, total: int) -> None:
    """The foot of every page: what the document is, and 'Page x of y'."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    canvas.saveState()
    left, right = parts.margin, parts.page_width - parts.margin
    y = 12 * mm
    canvas.setStrokeColor(colors.HexColor(RULE))
    canvas.setLineWidth(0.5)
    canvas.line(left, y + 4.2 * mm, right, y + 4.2 * mm)
    canvas.setFillColor(colors.HexColor(MUTED))
    canvas.setFont(FONT, 7)
    canvas.drawString(left, y, text)
    canvas.setFont(FONT_BOLD, 7.5)
    canvas.drawRightString(right, y, f"Page {page} of {total}")
    canvas.restoreState()


def numbered_canvas(draw_footer: Callable[[Any, int, int], None]) -> Any:
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


def render_report(document: ReportDocument) -> RenderedReport:
    """Render ``document`` to PDF. Raises :class:`RenderError` with a sentence on failure."""
    register_fonts()
    return _Renderer(document).build()
