"""Small server-rendered SVG charts for the console (no script): a line of levels over time on a
fixed scale, and a step line of categories. Text is escaped; each chart carries a sentence for
screen readers (``role="img"`` with ``aria-label``), and the page shows the same data as text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 560, 150
LEFT, RIGHT, TOP, BOTTOM = 170, 16, 12, 26
_TONES = {"bad": "#b3261e", "weak": "#c45a00", "ok": "#2e7d4f", "good": "#1e6b3a",
          "best": "#1f5fad", "none": "#6f777b"}  # fmt: skip


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _y(rank: int, top: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - rank / max(top, 1))


def _frame(labels: Sequence[str], first: date, last: date, summary: str) -> list[str]:
    top = len(labels) - 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(summary)}" preserveAspectRatio="xMinYMin meet">'
    ]
    for rank, label in enumerate(labels):
        y = _y(rank, top)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#d8dadc" stroke-width="1"/>')  # fmt: skip
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
                     f'fill="#0b0c0c">{escape(label.split(" (")[0])}</text>')  # fmt: skip
    for day in (first, last):
        anchor = "start" if day == first else "end"
        parts.append(f'<text x="{_x(day, first, last):.1f}" y="{HEIGHT - 6}" font-size="12" '
                     f'text-anchor="{anchor}" fill="#484f53">{day:%b %Y}</text>')  # fmt: skip
    return parts


def level_chart(
    labels: Sequence[str],
    points: Sequence[tuple[date, int, str, str]],
    first: date,
    last: date,
    title: str,
) -> Markup:
    """A line through ``points`` (day, rank, level label, tone) on the scale ``labels`` (lowest
    first), dated from ``first`` to ``last`` (the same for every chart of a page)."""
    said = "; ".join(f"{label} on {day:%-d %b %Y}" for day, _r, label, _t in points)
    parts = _frame(labels, first, last, f"{title}: {said or 'no agreed view yet'}")
    top = len(labels) - 1
    coords = [(_x(day, first, last), _y(rank, top)) for day, rank, _l, _t in points]
    if len(coords) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#0b3d66" stroke-width="2"/>')
    for (x, y), (day, _rank, label, tone) in zip(coords, points, strict=True):
        colour = _TONES.get(tone, "#6f777b")
        tip = f"{escape(label)}, {day:%-d %b %Y}"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" stroke="#0b0c0c" '
                     f'stroke-width="1"><title>{tip}</title></circle>')  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def step_chart(
    labels: Sequence[str], steps: Sequence[tuple[date, int, str]], first: date, last: date,
    title: str,
) -> Markup:  # fmt: skip
    """A step line of categories: each (day agreed, position on ``labels``, label) holds until
    the next."""
    said = "; ".join(f"{label} from {day:%-d %b %Y}" for day, _p, label in steps)
    parts = _frame(labels, first, last, f"{title}: {said or 'none agreed yet'}")
    top = len(labels) - 1
    path: list[str] = []
    for n, (day, position, _label) in enumerate(steps):
        x, y = _x(max(day, first), first, last), _y(position, top)
        if n:
            path.append(f"H{x:.1f} V{y:.1f}")
        else:
            path.append(f"M{x:.1f},{y:.1f}")
    if path:
        path.append(f"H{WIDTH - RIGHT}")
        drawn = " ".join(path)
        parts.append(f'<path d="{drawn}" fill="none" stroke="#0b3d66" stroke-width="3"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
