"""The report's look: embedded DejaVu fonts, colours, paragraph styles and text helpers.

Colours come from the trust's branding (primary for headings and table heads, accent for
labels); everything else is a quiet grey scale so rating chips carry the colour.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.paths import resources_dir
from reviewer_app.reports.document import Branding

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"

INK = "#1C2430"
MUTED = "#5B6573"
RULE = "#D5DAE1"
PANEL = "#F3F5F8"


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


def markup(value: str) -> str:
    """Escape a value for reportlab's paragraph markup, keeping line breaks."""
    return escape(value).replace("\n", "<br/>")


def fitted(
    text: str, font: str, size: float, width: float, smallest: float = 6.0
) -> tuple[str, float]:
    """``text`` and a font size, at most ``size``, at which it fits in ``width`` points.

    The size shrinks down to ``smallest``; text still too long then loses its end to an
    ellipsis, so a long role title can never run into its neighbour.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    natural = stringWidth(text, font, size)
    if natural <= width:
        return text, size
    size = max(smallest, size * width / natural)
    while text and stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text, size


def ink_on(colour_hex: str) -> str:
    """Dark or white text, whichever reads better on ``colour_hex``."""
    value = colour_hex.lstrip("#")
    try:
        r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return INK
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return INK if luminance > 150 else "#FFFFFF"


def safe_colour(colour_hex: str, fallback: str = "#8A94A3") -> str:
    value = colour_hex.strip()
    if len(value) == 7 and value.startswith("#"):
        try:
            int(value[1:], 16)
        except ValueError:
            return fallback
        return value
    return fallback


class ReportStyles:
    """Paragraph styles for one document, coloured with the trust's branding."""

    def __init__(self, branding: Branding) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        primary = colors.HexColor(safe_colour(branding.primary_colour))
        accent = colors.HexColor(safe_colour(branding.accent_colour))
        ink = colors.HexColor(INK)
        muted = colors.HexColor(MUTED)
        self.primary = primary
        self.accent = accent
        base = ParagraphStyle(
            "base", fontName=FONT, bulletFontName=FONT, fontSize=9.5, leading=13.5, textColor=ink
        )
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10.5)
        self.muted = ParagraphStyle("muted", parent=self.small, textColor=muted)
        self.tiny = ParagraphStyle(
            "tiny", parent=self.small, fontSize=6.5, leading=8.5, textColor=muted
        )
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
        self.label_cell = ParagraphStyle(
            "label_cell", parent=self.cell, fontName=FONT_BOLD, textColor=accent
        )
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
