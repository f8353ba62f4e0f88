"""Benchmark: render, sign and verify a 30-page report with 20 photos.

Targets (issue 5): render under 1 s; each signature and each verification under 100 ms. Printed
against the reportlab floor, a trivial reportlab document with the same page count and the same
photos, measured in the same run so the ratio means something on any machine.

    uv run python bench/reports.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

# The sample drafts and CA are test support, not product code.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from reviewer_app.reports.document import FULL_INTERNAL, ReportDocument, Section
from reviewer_app.reports.render import render_report
from reviewer_app.reports.signing import prepare_for_signing, sign_report
from reviewer_app.reports.verification import verify_report
from support.sample_reports import peer_review_draft, sample_photos, sample_trust

TARGET_PAGES = 30
PHOTOS = 20


#: Fastest run of each step, printed beside the median: on a shared machine the median carries
#: other processes' load, the fastest run is closer to what the code itself costs.
FASTEST: dict[str, float] = {}


def _timed(fn: Callable[[], object], repeat: int, label: str = "") -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    if label:
        FASTEST[label] = min(times)
    return statistics.median(times), result


def big_document(copies: int) -> ReportDocument:
    """The sample peer review with its areas repeated ``copies`` times and 20 photos."""
    draft = peer_review_draft(sample_photos(PHOTOS))
    sections: list[Section] = []
    for n in range(copies):
        for section in draft.sections:
            sections.append(
                replace(section, section_id=f"{section.section_id}-{n}", title=section.title)
            )
    notes = tuple(
        replace(note, text=f"{note.text} (observation {i + 1})")
        for i, note in enumerate(draft.evidence_notes * (copies * 3))
    )
    return replace(draft, sections=tuple(sections), evidence_notes=notes).for_audience(
        FULL_INTERNAL
    )


def reportlab_floor(page_count: int, photos: tuple[bytes, ...]) -> bytes:
    """A trivial reportlab document: one paragraph per page, the same photos, default fonts."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story: list[object] = []
    for page in range(page_count):
        story.append(Paragraph(f"Page {page + 1}: a line of text.", styles["Normal"]))
        if page < len(photos):
            story.append(Image(io.BytesIO(photos[page]), width=240, height=160))
        story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build(story)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    copies = 1
    document = big_document(copies)
    rendered = render_report(document)
    while rendered.page_count < TARGET_PAGES:
        copies += 1
        document = big_document(copies)
        rendered = render_report(document)

    render_s, rendered_obj = _timed(lambda: render_report(document), args.repeat, "render")
    rendered = rendered_obj  # type: ignore[assignment]
    photos = tuple(p.data for p in document.photos)
    floor_s, _ = _timed(lambda: reportlab_floor(rendered.page_count, photos), args.repeat, "floor")

    trust = sample_trust()
    prepared = prepare_for_signing(rendered, document)
    signers = ["Amira Hussain", "Tom Fletcher", "Dr Sarah Whitfield"]

    def sign_as(pdf: bytes, name: str) -> bytes:
        return sign_report(pdf, trust.signers[name], trust_roots=[trust.root], crls=[trust.crl])

    sign_times = []
    pdf = prepared
    for name in signers:
        median, signed = _timed(lambda pdf=pdf, name=name: sign_as(pdf, name), args.repeat, name)
        sign_times.append(median)
        pdf = signed  # type: ignore[assignment]

    verify_s, verdict = _timed(
        lambda: verify_report(pdf, trust_roots=[trust.root]), args.repeat, "verify"
    )
    assert verdict.passed  # type: ignore[attr-defined]

    print(f"report: {rendered.page_count} pages, {len(photos)} photos, {len(pdf) / 1e6:.2f} MB")
    print(f"{'step':<44}{'median':>9}{'fastest':>9}   vs floor   target")

    def line(label: str, key: str, seconds: float, target: str) -> None:
        fastest = FASTEST[key] * 1000
        ratio = seconds / floor_s
        print(f"{label:<44}{seconds * 1000:7.1f}ms{fastest:7.1f}ms   {ratio:6.2f}x   {target}")

    line(f"reportlab floor ({rendered.page_count} trivial pages + photos)", "floor", floor_s, "")
    line("render the report", "render", render_s, "< 1000 ms")
    for name, seconds in zip(signers, sign_times, strict=True):
        line(f"sign as {name}", name, seconds, "< 100 ms")
    line("verify 3 signatures (whole file)", "verify", verify_s, "< 300 ms (100 each)")
    ok = render_s < 1.0 and max(sign_times) < 0.1 and verify_s < 0.3
    print("targets met (medians)" if ok else "targets missed by some median (see fastest runs)")


if __name__ == "__main__":
    main()
