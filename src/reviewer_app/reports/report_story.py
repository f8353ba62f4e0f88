# Longer than 600 lines because it lays out a report's parts in reading order; splitting it by part
# would scatter one layout.
"""The story of a report: the flowables of each part, in reading order.

Cover, summary of judgements with the scale legends and their notes, one part per section with
its findings, actions, follow-up, appendix (evidence notes, photos) and the sign-off blocks, which
record where each signature field goes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reviewer_app.reports.document import (
    Branding,
    Rating,
    ReportDocument,
    SignOffSlot,
    SummaryRow,
)
from reviewer_app.reports.photos import usable_photo_size
from reviewer_app.reports.report_style import (
    FONT,
    FONT_BOLD,
    INK,
    PANEL,
    RULE,
    ReportStyles,
    fitted,
    ink_on,
    markup,
    safe_colour,
)

log = logging.getLogger(__name__)

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


def _date_range(document: ReportDocument) -> str:
    days = sorted(document.visit_dates)
    if len(days) == 1:
        return days[0].strftime("%-d %B %Y")
    first, last = days[0], days[-1]
    if first.year == last.year and first.month == last.month:
        return f"{first.day} to {last.strftime('%-d %B %Y')}"
    return f"{first.strftime('%-d %B %Y')} to {last.strftime('%-d %B %Y')}"


class StoryParts:
    """The building blocks of a report's story (tables, chips, headings) in one trust's look;
    the review report (:class:`ReportStory`) and the board pack build with them."""

    def __init__(self, branding: Branding) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm

        self.styles = ReportStyles(branding)
        self.page_width, self.page_height = A4
        self.margin = 18 * mm
        self.frame_width = self.page_width - 2 * self.margin

    # ------------------------------------------------------------ building blocks

    def _table(self, rows: list[list[Any]], widths: Sequence[float], **kwargs: Any) -> Any:
        from reportlab.platypus import Table

        table = Table(rows, colWidths=list(widths), **kwargs)
        # Plain-string cells would otherwise use Helvetica, a font the PDF does not embed.
        table.setStyle([("FONTNAME", (0, 0), (-1, -1), FONT)])
        return table

    def chip(self, rating: Rating | None, width: float, *, text: str | None = None) -> Any:
        """A coloured rating chip (a one-cell table) with the level's label (or ``text``)."""
        from reportlab.lib import colors
        from reportlab.platypus import Paragraph, TableStyle

        if rating is None:
            label, colour = "Not rated", "#E4E7EC"
        else:
            label, colour = rating.label, safe_colour(rating.colour)
        label = label if text is None else text
        style = self.styles.chip.clone("chip_c", textColor=colors.HexColor(ink_on(colour)))
        table = self._table([[Paragraph(markup(label), style)]], [width])
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

        head = [Paragraph(markup(h), self.styles.cell_head) for h in header]
        table = self._table([head, *rows], widths, repeatRows=1, splitByRow=1)
        commands: list[Any] = [
            ("BACKGROUND", (0, 0), (-1, 0), self.styles.primary),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor(RULE)),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ]
        commands.extend(
            ("BACKGROUND", (0, i), (-1, i), colors.HexColor(PANEL))
            for i in range(2, len(rows) + 1, 2)
        )
        table.setStyle(TableStyle(commands))
        return table

    def heading(self, text: str, level: int = 1) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup(text), self.styles.h1 if level == 1 else self.styles.h2)


class ReportStory(StoryParts):
    """Builds the flowables (the story) of one document, part by part.

    Drawing the sign-off blocks records each signature field's rectangle in ``boxes``.
    """

    def __init__(self, document: ReportDocument) -> None:
        super().__init__(document.branding)
        self.document = document
        self.boxes: dict[str, SignatureBox] = {}
        self.data_hash = document.data_hash()

    # ------------------------------------------------------------ parts

    def cover(self) -> list[Any]:
        """The first page: what the report is about, who, when, its status, and the summary.

        A headteacher reads this page first, so it carries everything they need at a glance and
        nothing they do not: identifiers and hashes are in "About this document" at the end.
        """
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Spacer

        d, s = self.document, self.styles
        story: list[Any] = [Spacer(1, 30 * mm)]
        story.append(Paragraph(markup(d.audience.label.upper()), s.cover_kicker))
        story.append(Paragraph(markup(d.visit_kind_title), s.cover_title))
        story.append(Paragraph(markup(d.school_name), s.cover_school))
        w = self.frame_width
        team = "<br/>".join(
            f"<b>{markup(r.name)}</b>, {markup(r.role_label.lower())}"
            + (f" ({markup(r.organisation)})" if r.organisation else "")
            for r in d.reviewers
        )
        facts: list[tuple[str, str]] = [
            ("School", f"{markup(d.school_name)}, URN {markup(d.school_urn)}"),
            ("Visit", f"{markup(d.visit_kind_title)}, {markup(_date_range(d))}"),
            ("Review team", team or "None named"),
            ("Status", markup(self.status_sentence())),
        ]
        if d.focus:
            facts.append(("Focus", markup(d.focus)))
        if d.sharing:
            facts.append(("Who may see it", markup(d.sharing)))
        rows = [[Paragraph(k, s.label_cell), Paragraph(v, s.cell)] for k, v in facts]
        table = self._table(rows, [w * 0.18, w * 0.82])
        table.setStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
        story += [Spacer(1, 3 * mm), table, Spacer(1, 5 * mm)]
        story += self.summary()
        return story

    def status_sentence(self) -> str:
        """The report's status as the page can state it: final text, signed in the PDF."""
        slots = self.document.signing_order
        if not slots:
            return "Final text of the review. Nobody is named to sign it."
        names = [slot.person_name for slot in slots]
        people = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return (
            f"Final text agreed by the review team, to be signed digitally by {people}, in "
            "that order. The signatures given so far show on the last page."
        )

    def summary(self) -> list[Any]:
        """Every section's agreed judgement, or its count of criteria at each level."""
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Spacer

        d, s = self.document, self.styles
        story: list[Any] = [self.heading("Summary of judgements", level=2)]
        w = self.frame_width
        rows = []
        for row in d.summary_rows:
            title = Paragraph(markup(row.section.title), s.cell)
            if row.rating is not None:
                rows.append([title, self.chip(row.rating, w * 0.42 - 10)])
            else:
                rows.append([title, self._counts(row, w * 0.42 - 10)])
        if rows:
            table = self.data_table(["Area", "Agreed judgement"], rows, [w * 0.58, w * 0.42])
            table.setStyle([("VALIGN", (0, 1), (-1, -1), "MIDDLE")])
            story.append(table)
        else:
            story.append(Paragraph("This report has no sections to summarise.", s.body))
        if d.safeguarding_line:
            story += [Spacer(1, 2 * mm), Paragraph(markup(d.safeguarding_line), s.body)]
        notes = {legend.note_text for legend in d.scales if legend.note_text}
        for note in sorted(notes):
            story += [Spacer(1, 2 * mm), Paragraph(markup(note), s.note)]
        return story

    def _counts(self, row: SummaryRow, width: float) -> Any:
        """Small chips, one per level: how many criteria were agreed at it."""
        from reportlab.platypus import Paragraph

        s = self.styles
        per_row = 2
        cell_w = width / per_row
        chips = [
            self.chip(rating, cell_w - 4, text=f"{count} {rating.label.lower()}")
            for rating, count in row.counts
        ]
        if row.unrated:
            chips.append(self.chip(None, cell_w - 4, text=f"{row.unrated} not rated"))
        if not chips:
            return Paragraph("No criteria judged (written findings only)", s.muted)
        grid = [chips[i : i + per_row] for i in range(0, len(chips), per_row)]
        for line in grid:
            line.extend([""] * (per_row - len(line)))
        table = self._table(grid, [cell_w] * per_row)
        table.setStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
        return table

    def legends(self) -> list[Any]:
        """How to read the judgements: each scale's levels and note, and the framework's notices."""
        from reportlab.lib.units import mm
        from reportlab.platypus import KeepTogether, Paragraph, Spacer

        d, s = self.document, self.styles
        if not d.scales and not d.notices:
            return []
        w = self.frame_width
        story: list[Any] = [self.heading("How to read this report")]
        for legend in d.scales:
            block: list[Any] = [Paragraph(markup(legend.title), s.label)]
            chips = [self.chip(level, 30 * mm) for level in legend.levels]
            per_row = 5
            grid = [chips[i : i + per_row] for i in range(0, len(chips), per_row)]
            for row in grid:
                row.extend([""] * (per_row - len(row)))
            if grid:
                block.append(self._table(grid, [w / per_row] * per_row))
            if legend.note_text:
                block.append(Spacer(1, 2 * mm))
                block.append(Paragraph(markup(legend.note_text), s.note))
            block.append(Spacer(1, 4 * mm))
            story.append(KeepTogether(block))
        for notice in d.notices:
            story.append(Paragraph(markup(notice), s.note))
            story.append(Spacer(1, 2 * mm))
        story.append(Spacer(1, 4 * mm))
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
                            ("RIGHTPADDING", (0, 0), (0, 0), 10),
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
                head.append(Paragraph(markup(section.narrative), s.body))
            for label, items in (
                (section.strengths_label, section.strengths),
                (section.development_label, section.development),
            ):
                if items:
                    head.append(Paragraph(markup(label), s.label))
                    head.extend(Paragraph(markup(i), s.bullet, bulletText="•") for i in items)
            story.append(KeepTogether(head))
            for finding in section.findings:
                block: list[Any] = []
                top = self._table(
                    [
                        [
                            Paragraph(markup(finding.prompt), s.prompt),
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
                            ("RIGHTPADDING", (0, 0), (0, 0), 10),
                            ("LINEABOVE", (0, 0), (-1, 0), 0.6, colors.HexColor(RULE)),
                            ("TOPPADDING", (0, 0), (-1, -1), 6),
                        ]
                    )
                )
                block.append(top)
                if finding.evidence:
                    block.append(Paragraph("Evidence", s.label))
                    block.extend(
                        Paragraph(markup(e), s.evidence, bulletText="–") for e in finding.evidence
                    )
                for label, items in (
                    (section.strengths_label, finding.strengths),
                    (section.development_label, finding.development),
                ):
                    if items:
                        block.append(Paragraph(markup(label), s.label))
                        block.extend(Paragraph(markup(i), s.bullet, bulletText="•") for i in items)
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
                Paragraph(markup(a.text), s.cell),
                Paragraph(markup(a.owner), s.cell),
                Paragraph(a.due.strftime("%-d %b %Y") if a.due else "—", s.cell),
                Paragraph(markup(a.priority_label), s.cell),
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
                Paragraph(markup(f.action_text), s.cell),
                Paragraph(f.agreed_on.strftime("%-d %b %Y") if f.agreed_on else "—", s.cell),
                self.chip(Rating("", f.outcome_label, f.outcome_colour), w * 0.15 - 10),
                Paragraph(markup(f.evidence), s.cell),
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
                    Paragraph(markup(n.author), s.cell),
                    Paragraph(markup(n.text), s.cell),
                    Paragraph(markup(", ".join(f"{k}: {v}" for k, v in n.tags)), s.muted),
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
        """The photo with its caption; a photo that cannot be used (damaged, cut short, not a
        picture) is named in its place and the report goes on."""
        from reportlab.platypus import Image, Paragraph

        from reviewer_app.reports.photos import print_ready

        try:
            if usable_photo_size(data) is None:
                raise ValueError("not a whole JPEG or PNG picture")
            photo = print_ready(data, width, max_height)
        except Exception:
            log.warning("a photo in the report's appendix cannot be read; it is named instead")
            return [
                Paragraph(
                    markup(
                        f"The photo '{caption[:80]}' could not be shown: its file is damaged "
                        "or cut short. Attach it again to show it here."
                    ),
                    self.styles.muted,
                )
            ]
        image = Image(io.BytesIO(photo.data), width=photo.width, height=photo.height)
        image.hAlign = "LEFT"
        return [image, Paragraph(markup(caption), self.styles.muted)]

    def sign_off(self) -> list[Any]:
        """The last page: the signature blocks, how to check them, and about this document.

        Kept together, so the signature fields, the note on checking them and the identifiers
        all sit on the last page.
        """
        from reportlab.lib.units import mm
        from reportlab.platypus import KeepTogether, Paragraph, Spacer

        d, s = self.document, self.styles
        slots = d.signing_order
        w = self.frame_width
        story: list[Any] = []
        if slots:
            intro = Paragraph(
                "Each person below signs this report digitally, in the order shown. A signature "
                "covers every page: any later change to the report breaks it.",
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
            story += [self.heading("Sign-off"), intro, Spacer(1, 4 * mm), grid]
        story += self.how_to_check()
        story += self.about_document()
        return [KeepTogether(story)]

    def how_to_check(self) -> list[Any]:
        """A short note for the reader on checking that the report is genuine and unchanged."""
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Spacer

        s = self.styles
        trust = markup(self.document.branding.trust_name)
        text = (
            "Open this file in Reviewer and choose <i>File › Verify a report</i>, or run "
            "<i>reviewer-app verify</i> on it: it checks every signature, who gave it, and that "
            "nothing changed after signing. A PDF reader that trusts "
            f"{trust}'s root certificate (Adobe Acrobat Reader, for one) also shows the "
            "signatures as valid in its signature panel; ask the trust for the root file. A "
            "printed copy cannot be checked: keep the PDF."
        )
        return [
            Spacer(1, 3 * mm),
            Paragraph("How to check this report", s.label),
            Paragraph(text, s.small),
        ]

    def about_document(self) -> list[Any]:
        """Identifiers and hashes, small, for whoever needs to match this file to the record."""
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Spacer

        d, s = self.document, self.styles
        w = self.frame_width
        facts = [
            ("Audience", f"{d.audience.label}. {d.audience.description}".strip()),
            ("Report", d.report_id),
            ("Framework", f"{d.framework_id}, version {d.framework_version}"),
            ("Framework hash", d.framework_hash),
            ("Data hash (SHA-256)", self.data_hash),
            ("Made by", f"Reviewer, for {d.branding.trust_name}"),
        ]
        rows = [[Paragraph(markup(k), s.tiny), Paragraph(markup(v), s.tiny)] for k, v in facts]
        table = self._table(rows, [w * 0.2, w * 0.8])
        table.setStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(PANEL)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ]
        )
        return [Spacer(1, 4 * mm), Paragraph("About this document", s.label), table]


def _signature_block(renderer: ReportStory, slot: SignOffSlot, width: float) -> Any:
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
            canvas.setFillColor(colors.HexColor(PANEL))
            canvas.setStrokeColor(colors.HexColor(RULE))
            canvas.roundRect(0, 0, width, h, 4, stroke=1, fill=1)
            # Caption: role over name, each shrunk to the block's width so nothing overlaps.
            room = width - 16
            canvas.setFillColor(styles.primary)
            role, size = fitted(f"{slot.order}. {slot.role_label}", FONT_BOLD, 8.5, room)
            canvas.setFont(FONT_BOLD, size)
            canvas.drawString(8, h - 13, role)
            canvas.setFillColor(colors.HexColor(INK))
            name, size = fitted(slot.person_name, FONT, 8.5, room)
            canvas.setFont(FONT, size)
            canvas.drawString(8, h - 25, name)
            canvas.setFillColor(colors.white)
            # The field's box stays empty (no text under the signature's appearance).
            canvas.rect(6, 6, width - 12, h - 38, stroke=1, fill=1)
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
