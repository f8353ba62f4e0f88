"""A report its readers can take in: the first page, the last page, signature blocks, photos.

Checked on the rendered PDF with poppler (``pdftotext``, ``pdfimages``), not on the layout code.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import pytest

from reviewer_app.reports.ca import issue_certificate, self_issued_certificate
from reviewer_app.reports.document import FULL_INTERNAL, SCHOOL_FACING, ReportDraft, SignOffSlot
from reviewer_app.reports.keys import credentials, generate_signing_key
from reviewer_app.reports.render import render_report
from reviewer_app.reports.signing import prepare_and_render, sign_report
from support.sample_reports import (
    MET,
    NOT_MET,
    PARTLY_MET,
    SampleTrust,
    sample_photos,
)


def _pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")[:-1]]


def _words(pdf: bytes, tmp_path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """Every word on ``page`` (1-based) with its box (x0, y0 from the top, x1, y1)."""
    path = tmp_path / "words.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    root = ElementTree.fromstring(html.replace("<!DOCTYPE", "<!-- ").replace('dtd">', "-->"))
    return [
        (
            word.text or "",
            float(word.get("xMin", 0)),
            float(word.get("yMin", 0)),
            float(word.get("xMax", 0)),
            float(word.get("yMax", 0)),
        )
        for word in root.iter("{http://www.w3.org/1999/xhtml}word")
    ]


def _overlaps(words: list[tuple[str, float, float, float, float]]) -> list[tuple[str, str]]:
    """Pairs of words whose boxes overlap by more than half a point each way."""
    found = []
    for i, (a, ax0, ay0, ax1, ay1) in enumerate(words):
        for b, bx0, by0, bx1, by1 in words[i + 1 :]:
            if min(ax1, bx1) - max(ax0, bx0) > 0.5 and min(ay1, by1) - max(ay0, by0) > 0.5:
                found.append((a, b))
    return found


def audit_with_criteria(audit_draft: ReportDraft) -> ReportDraft:
    """The audit as a real framework makes it: sections of several criteria, no overall rating."""
    site = audit_draft.sections[0]
    findings = (
        replace(site.findings[0], criterion_id="site.1", rating=MET),
        replace(site.findings[0], criterion_id="site.2", rating=PARTLY_MET),
        replace(site.findings[0], criterion_id="site.3", rating=PARTLY_MET),
        replace(site.findings[0], criterion_id="site.4", rating=None),
        replace(site.findings[0], criterion_id="site.4.detail", rating=None),
    )
    online = audit_draft.sections[3]
    sections = (
        replace(site, title="H. Site", summary_rating=None, findings=findings),
        audit_draft.sections[1],
        replace(
            online,
            summary_rating=None,
            findings=(replace(online.findings[0], rating=NOT_MET),),
        ),
        replace(online, section_id="notes", title="J. Notes", summary_rating=None, findings=()),
    )
    return replace(audit_draft, sections=sections)


def test_the_first_page_summarises_every_section_with_judgement_or_counts(
    audit_draft: ReportDraft, tmp_path: Path
) -> None:
    document = audit_with_criteria(audit_draft).for_audience(SCHOOL_FACING)
    first = _pages(render_report(document).pdf, tmp_path)[0]
    assert "Summary of judgements" in first
    # A section rated as a whole shows its judgement; the others count criteria per level.
    assert "Staff training and awareness Partially met" in first
    site_row = first[first.index("Agreed judgement") : first.index("Staff training")]
    assert "H. Site" in site_row
    for count in ("1 met", "2 partially met", "1 not rated"):  # the detail finding not counted
        assert count in site_row
    assert "Online safety and filtering 1 not met" in first
    assert "J. Notes No criteria judged" in first
    # Who, when, where and the status; no hashes or identifiers.
    for fact in ("Riverside Academy, URN 141907", "4 February 2026", "Helen Marsh", "Status"):
        assert fact in first
    assert document.data_hash() not in first
    assert document.framework_hash not in first
    assert "Report SGA" not in first


def test_the_last_page_has_sign_off_how_to_check_and_about_this_document(
    peer_draft: ReportDraft, tmp_path: Path
) -> None:
    document = peer_draft.for_audience(FULL_INTERNAL)
    rendered = render_report(document)
    pages = _pages(rendered.pdf, tmp_path)
    last = pages[-1]
    assert {box.page_index for box in rendered.signature_boxes} == {len(pages) - 1}
    for text in (
        "Sign-off",
        "How to check this report",
        "File › Verify a report",
        "reviewer-app verify",
        "trusts Oakwood Learning Trust's root certificate",
        "About this document",
        document.report_id,
        document.data_hash(),
        document.framework_hash,
    ):
        assert text in last, text
    assert all(document.data_hash() not in page for page in pages[:-1])


@pytest.fixture(scope="module")
def long_role_report(trust: SampleTrust, peer_draft: ReportDraft) -> bytes:
    """A signed report whose signers have long role titles and names, one self-issued."""
    long_role = "Designated safeguarding lead and deputy headteacher (pastoral care, attendance)"
    long_name = "Professor Dame Philippa Montgomery-Ashworth-Kensington"
    draft = replace(
        peer_draft,
        sign_off=(
            SignOffSlot(1, long_role, long_name),
            SignOffSlot(2, "Lead reviewer", "Dr Sarah Whitfield"),
        ),
    )
    pdf = prepare_and_render(draft.for_audience(SCHOOL_FACING))
    key = generate_signing_key()
    email = "pma@oakwood.example"
    cert = issue_certificate(trust.ca, key.public_key(), name=long_name, email=email, roles=[])
    pdf = sign_report(pdf, credentials(key, cert, [trust.root]), trust_roots=[trust.root])
    own_key = generate_signing_key()
    own = self_issued_certificate(
        own_key, name="Dr Sarah Whitfield", email="sw@oakwood.example", roles=["Lead reviewer"]
    )
    return sign_report(pdf, credentials(own_key, own), trust_roots=[trust.root])


def test_signature_blocks_have_no_overlapping_text_and_stay_inside_their_blocks(
    long_role_report: bytes, tmp_path: Path
) -> None:
    pages = _pages(long_role_report, tmp_path)
    words = _words(long_role_report, tmp_path, len(pages))
    signed_words = [w for w in words if w[0] in ("Digitally", "Self-issued")]
    assert len(signed_words) == 3, signed_words  # both appearances are on the page
    assert _overlaps(words) == []
    page_width = 595.28
    assert all(x0 >= 0 and x1 <= page_width - 40 for _t, x0, _y0, x1, _y1 in words)
    # The long role title was fitted into its half of the page, not run into the other block.
    role_words = [w for w in words if w[0] in ("1.", "2.")]
    assert len(role_words) == 2
    left_block_right_edge = page_width / 2
    first_caption = [w for w in words if abs(w[2] - role_words[0][2]) < 1 and w[1] < 297]
    assert max(w[3] for w in first_caption) < left_block_right_edge


def test_a_self_issued_signature_is_marked_on_the_page_and_a_trust_one_is_not(
    long_role_report: bytes, tmp_path: Path
) -> None:
    last = _pages(long_role_report, tmp_path)[-1]
    assert last.count("Self-issued certificate: not certified by the trust") == 1
    assert "Digitally signed by Dr Sarah Whitfield" in last
    marker = last.index("Self-issued certificate")
    assert last.rindex("Digitally signed by", 0, marker) == last.index(
        "Digitally signed by Dr Sarah Whitfield"
    )


def _camera_photos(count: int, size: tuple[int, int]) -> tuple[bytes, ...]:
    """``count`` distinct JPEGs full of camera-like grain (the worst case to squeeze)."""
    from PIL import Image

    small = (size[0] // 8, size[1] // 8)
    grain = Image.merge("RGB", [Image.effect_noise(small, sigma) for sigma in (40, 55, 70)])
    base = grain.resize(size, Image.Resampling.BILINEAR)
    photos = []
    for i in range(count):
        image = base.copy()
        image.paste((40 * i % 255, 90, 160), (60 * i, 50, 60 * i + 300, 400))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=92)
        photos.append(buffer.getvalue())
    return tuple(photos)


@pytest.mark.slow
def test_thirty_pages_with_twenty_photos_stay_under_five_megabytes(
    peer_draft: ReportDraft, tmp_path: Path
) -> None:
    """Twenty 3-megapixel photos (a 12-megapixel phone's print needs are the same: each is
    embedded at its printed size, so only the cost of making the test grows with the camera;
    ``bench/reports.py`` measures with 12-megapixel ones)."""
    from reviewer_app.reports.document import Photo

    originals = _camera_photos(20, (2016, 1512))
    assert sum(len(p) for p in originals) > 15_000_000  # what used to be embedded as is
    photos = tuple(Photo(f"Photo {i + 1}", data) for i, data in enumerate(originals))
    sections = tuple(
        replace(section, section_id=f"{section.section_id}-{n}")
        for n in range(7)
        for section in peer_draft.sections
    )
    notes = peer_draft.evidence_notes * 30
    draft = replace(peer_draft, sections=sections, photos=photos, evidence_notes=notes)
    document = draft.for_audience(FULL_INTERNAL)
    rendered = render_report(document)
    assert rendered.page_count >= 30
    assert len(rendered.pdf) < 5_000_000, len(rendered.pdf)
    # The hash still names the originals, which the store keeps.
    assert document.photos[0].data == originals[0]
    path = tmp_path / "big.pdf"
    path.write_bytes(rendered.pdf)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    jpegs = [row.split() for row in listing if " jpeg " in row]
    assert len(jpegs) == 20
    for row in jpegs:
        x_ppi, y_ppi = int(row[12]), int(row[13])
        assert 180 <= x_ppi <= 220, row
        assert 180 <= y_ppi <= 220, row


def test_a_sideways_phone_photo_is_embedded_upright(
    peer_draft: ReportDraft, tmp_path: Path
) -> None:
    from PIL import Image

    from reviewer_app.reports.document import Photo

    image = Image.new("RGB", (4000, 3000), "#3F73AD")
    exif = image.getexif()
    exif[0x0112] = 6  # the camera was held upright: rotate 90° clockwise to view
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, exif=exif)
    draft = replace(peer_draft, photos=(Photo("Portrait", buffer.getvalue()),))
    path = tmp_path / "portrait.pdf"
    path.write_bytes(render_report(draft.for_audience(FULL_INTERNAL)).pdf)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    rows = [row.split() for row in listing if " jpeg " in row]
    assert len(rows) == 1
    width, height = int(rows[0][3]), int(rows[0][4])
    assert height > width


def test_sample_photos_still_render(tmp_path: Path, peer_draft: ReportDraft) -> None:
    draft = replace(peer_draft, photos=sample_photos(2, width=320, height=240))
    assert "Appendix B: photos" in " ".join(
        _pages(render_report(draft.for_audience(FULL_INTERNAL)).pdf, tmp_path)
    )
