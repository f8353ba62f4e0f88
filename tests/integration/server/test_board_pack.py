"""The termly board pack on the demo trust's history, on SQLite and PostgreSQL: terms named
as trustees name them, what the pack holds for a term (category changes with reasons, areas
moving, safeguarding as counts only, overdue actions, cadence), and the documented command
``reviewer-app-server admin board-pack`` writing the PDF (read back with poppler's pdftotext)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from reviewer_app.domain.errors import ValidationError
from reviewer_app.server import models
from reviewer_app.server import trust_picture as tp
from reviewer_app.server.board_pack import (
    board_viewer,
    build_board_pack,
    current_term,
    parse_term,
)
from support.demo_views import DEMO_TODAY

SERVER = str(Path(sys.executable).parent / "reviewer-app-server")


def test_terms_are_named_as_trustees_name_them() -> None:
    autumn = parse_term("2026-Autumn ")
    assert (autumn.key, autumn.label) == ("2026-autumn", "Autumn term 2026")
    assert autumn.start.month == 9
    assert autumn.end.month == 12
    spring = parse_term("2027-spring")
    assert spring.start.year == 2027
    assert spring.start.month == 1
    summer = parse_term("2027-summer")
    assert summer.start > spring.end
    assert summer.end.month == 7
    assert current_term(date(2026, 12, 7)) == autumn
    assert current_term(date(2026, 12, 28)) == autumn  # the Christmas holiday
    assert current_term(date(2027, 3, 1)) == spring
    with pytest.raises(ValidationError, match="'2026-winter' is not a term"):
        parse_term("2026-winter")


def test_the_pack_for_a_term_holds_what_trustees_read(demo: Session) -> None:
    trust = demo.exec(select(models.Trust)).one()
    term = parse_term("2026-summer")
    pack = build_board_pack(demo, trust.id, term, DEMO_TODAY)
    assert pack.as_of == term.end  # a past term stands at its end
    assert pack.schools == 7
    categorised = {
        c.school_id for c in demo.exec(select(models.SchoolCategory))
        if str(c.payload["agreed_on"]) <= term.end.isoformat()
    }  # fmt: skip
    assert sum(n for _label, n, _colour in pack.category_counts) == len(categorised)
    # Every movement is an agreed view in the term that differs from the one before.
    viewer = board_viewer(demo, trust.id)
    visibility = tp.Visibility(demo, viewer)
    reviews = tp.readable_reviews(
        demo, visibility, [s.id for s in tp.visible_schools(demo, viewer)]
    )
    judgements = tp.agreed_judgements(demo, visibility, reviews)
    expected = sum(
        1
        for column in (*tp.AREA_COLUMNS, tp.SEND_COLUMN)
        for cells in tp.column_views(column, judgements, visibility.titles).values()
        for cell in cells
        if term.start <= cell.day <= term.end and cell.direction in ("up", "down")
    )
    assert expected > 0
    assert len(pack.movements) == expected
    assert {m.area for m in pack.movements} <= {c.label for c in (*tp.AREA_COLUMNS, tp.SEND_COLUMN)}
    # Safeguarding: counts only, and no safeguarding action among the overdue ones listed.
    guarded = {a.text for a in tp.trust_actions(demo, viewer) if a.safeguarding}
    assert guarded
    assert not guarded & {a.text for a in pack.overdue_actions}
    assert pack.safeguarding.open_actions >= pack.safeguarding.overdue_actions
    assert all(a.due < pack.as_of for a in pack.overdue_actions)
    assert pack.cadence
    assert all(line.due >= 0 for line in pack.cadence)
    with pytest.raises(ValidationError, match="has not started yet"):
        build_board_pack(demo, trust.id, parse_term("2027-summer"), DEMO_TODAY)


@pytest.mark.slow
def test_the_board_pack_command_writes_the_pdf(demo_database_url: str, tmp_path: Path) -> None:
    base = [SERVER, "--data-dir", str(tmp_path / "server"), "--database-url", demo_database_url]
    out = tmp_path / "packs" / "summer.pdf"
    done = subprocess.run(
        [*base, "admin", "board-pack", "--term", "2026-summer", "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Board pack for the Summer term 2026 written to" in done.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    for heading in (
        "Board pack · Summer term 2026",
        "Categories",
        "Areas moving up or down",
        "Safeguarding exceptions",
        "Overdue actions",
        "Visits and meetings against the support cadence",
    ):
        assert heading in text
    assert "Northfield Learning Trust" in text
    assert "filtering and monitoring" not in text  # a safeguarding audit's action
    # A term that is not one is refused with a sentence naming it; nothing is written.
    bad = subprocess.run(
        [*base, "admin", "board-pack", "--term", "2026-winter", "--out", str(tmp_path / "x.pdf")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode != 0
    assert "'2026-winter' is not a term" in bad.stderr
    assert not (tmp_path / "x.pdf").exists()
