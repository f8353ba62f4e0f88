"""The board pack's layout: a section's heading never ends a page with its content on the next
(the demo's Autumn 2026 pack once left "Overdue actions" alone at the foot of page 3 and "Visits
and meetings against the support cadence" at the foot of page 4). Packs of every length from a
few movements to a page and a half of them move each heading through every spot on its page;
poppler's pdftotext reads back what each page holds."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from reviewer_app.reports.board_pack import (
    BoardPack,
    CadenceLine,
    CategoryChange,
    Movement,
    OverdueAction,
    SafeguardingCounts,
    render_board_pack,
)

SCHOOLS = [f"School number {n}" for n in range(1, 8)]
AREAS = ["Inclusion", "Achievement", "Curriculum and teaching", "Leadership and governance"]
#: Each section's heading, and a line of what it holds that must share the heading's page.
SECTIONS = {
    "Categories": "Tier 2: Grow",
    "Areas moving up or down": "Moved up",
    "Safeguarding exceptions": "Counts only: the detail is held by the trust's safeguarding leads.",
    "Overdue actions": "Owner",
    "Visits and meetings against the support cadence": "Done in the term",
}


def _pack(movements: int) -> BoardPack:
    day = date(2026, 10, 20)
    return BoardPack(
        trust_name="Oak Learning Trust",
        term_label="Autumn term 2026",
        start=date(2026, 9, 2),
        end=date(2026, 12, 18),
        as_of=date(2026, 12, 8),
        generated_on=date(2026, 12, 8),
        schools=len(SCHOOLS),
        visits_done=17,
        category_counts=(("Tier 1: Lead", 2, "#2E7D4F"), ("Tier 2: Grow", 5, "#1F3A5F")),
        category_changes=tuple(
            CategoryChange(school, None, "Tier 2: Grow", day, "Agreed at the Trust Board.", "Ada")
            for school in SCHOOLS[:3]
        ),
        movements=tuple(
            Movement(
                SCHOOLS[n % 7],
                AREAS[n % 4],
                "Expected standard",
                "Needs attention",
                "up" if n % 3 else "down",
                day,
                "Health check",
            )
            for n in range(movements)
        ),
        safeguarding=SafeguardingCounts(0, 0, 4, 2),
        overdue_actions=tuple(
            OverdueAction(SCHOOLS[n % 7], f"Action number {n} to carry out", "SENCO", day, "SEND")
            for n in range(12)
        ),
        cadence=tuple(
            CadenceLine(school, "Tier 2: Grow", 2, 3, ("CEO 1:1 (due 2 Oct 2026)",))
            for school in SCHOOLS
        ),
    )


def _pages(pdf: bytes, folder: Path) -> list[list[str]]:
    path = folder / "pack.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        [line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")
    ]


@pytest.mark.parametrize("movements", range(1, 40))
def test_no_section_heading_is_left_at_the_foot_of_a_page(movements: int, tmp_path: Path) -> None:
    pages = _pages(render_board_pack(_pack(movements)), tmp_path)
    for heading, content in SECTIONS.items():
        found = [n for n, lines in enumerate(pages) if heading in lines]
        assert len(found) == 1, heading
        assert content in pages[found[0]], (
            f"with {movements} movements, '{heading}' is on page {found[0] + 1} "
            f"and what it heads is not"
        )
