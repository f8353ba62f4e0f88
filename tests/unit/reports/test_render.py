"""Rendering: page furniture on every page, embedded fonts, audiences, signature room."""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reviewer_app.reports.document import BOARD_SUMMARY, FULL_INTERNAL, SCHOOL_FACING, ReportDraft
from reviewer_app.reports.render import RenderedReport, render_report

if TYPE_CHECKING:
    from conftest import ExpectedLog


def _pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


@pytest.fixture(scope="module")
def full_report(peer_draft: ReportDraft) -> RenderedReport:
    return render_report(peer_draft.for_audience(FULL_INTERNAL))


def test_every_page_footer_names_school_audience_report_and_page(
    full_report: RenderedReport, peer_draft: ReportDraft, tmp_path: Path
) -> None:
    document = peer_draft.for_audience(FULL_INTERNAL)
    pages = _pages_text(full_report.pdf, tmp_path)
    assert len(pages) == full_report.page_count > 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert f"report {document.report_id}" in page
        assert "Hollins Park Primary School · Full internal report" in page
    assert full_report.data_hash == document.data_hash()


def test_cover_summary_and_parts_appear_in_order(
    full_report: RenderedReport, tmp_path: Path
) -> None:
    text = "\n".join(_pages_text(full_report.pdf, tmp_path))
    flat = re.sub(r"\s+", " ", text)
    order = [
        "Oakwood Learning Trust",
        "Two-day peer review",
        "Hollins Park Primary School",
        "10 to 11 March 2026",
        "Summary of judgements",
        "They are not Ofsted grades",
        "Curriculum and teaching",
        "Agreed actions",
        "Follow-up of earlier actions",
        "Appendix A: evidence notes",
        "Appendix B: photos",
        "Sign-off",
    ]
    position = 0
    for marker in order:
        found = flat.find(marker, position)
        assert found >= 0, f"{marker!r} missing or out of order"
        position = found + len(marker)


def test_fonts_are_all_embedded(full_report: RenderedReport, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(full_report.pdf)
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    rows = listing.splitlines()[2:]
    assert rows, listing
    for row in rows:
        assert "DejaVuSans" in row, listing
        assert " yes yes " in row, listing


def test_signature_boxes_sit_on_the_last_page_without_overlap(
    full_report: RenderedReport,
) -> None:
    boxes = full_report.signature_boxes
    assert [b.field_name for b in boxes] == ["SignOff01", "SignOff02", "SignOff03"]
    assert [b.person_name for b in boxes] == ["Amira Hussain", "Tom Fletcher", "Dr Sarah Whitfield"]
    for box in boxes:
        x1, y1, x2, y2 = box.rect
        assert box.page_index == full_report.page_count - 1
        assert 0 < x1 < x2 < 595.3
        assert 60 < y1 < y2 < 842
        assert x2 - x1 > 150
        assert y2 - y1 > 40
    for a in boxes:
        for b in boxes:
            if a is not b:
                ax1, ay1, ax2, ay2 = a.rect
                bx1, by1, bx2, by2 = b.rect
                assert ax2 <= bx1 or bx2 <= ax1 or ay2 <= by1 or by2 <= ay1


def test_restricted_detail_is_absent_from_the_school_and_board_pdfs(
    peer_draft: ReportDraft, tmp_path: Path
) -> None:
    for audience in (SCHOOL_FACING, BOARD_SUMMARY):
        text = "\n".join(
            _pages_text(render_report(peer_draft.for_audience(audience)).pdf, tmp_path)
        )
        assert "case file sample" not in text
        assert "P-0522" not in text
    board = "\n".join(
        _pages_text(render_report(peer_draft.for_audience(BOARD_SUMMARY)).pdf, tmp_path)
    )
    assert "Appendix" not in board
    assert "SUMMARY FOR THE TRUST BOARD" in board


def test_a_damaged_photo_is_named_and_the_report_goes_on(
    peer_draft: ReportDraft, tmp_path: Path, expected_log: ExpectedLog
) -> None:
    from dataclasses import replace

    from reviewer_app.reports.document import Photo

    expected_log(logging.WARNING, "a photo in the report's appendix cannot be read")
    good = peer_draft.photos[0]
    cut_short = good.data[: len(good.data) // 2]  # a JPEG whose header is fine, its end gone
    broken = replace(
        peer_draft,
        photos=(
            Photo("Display board.jpg", cut_short),
            Photo("Not a picture.jpg", b"not an image"),
            replace(good, caption="Library corner.jpg"),
        ),
    )
    rendered = render_report(broken.for_audience(FULL_INTERNAL))
    text = re.sub(r"\s+", " ", "\n".join(_pages_text(rendered.pdf, tmp_path)))
    assert "The photo 'Display board.jpg' could not be shown" in text
    assert "The photo 'Not a picture.jpg' could not be shown" in text
    assert "Library corner.jpg" in text
    assert "Sign-off" in text  # the rest of the report is there
