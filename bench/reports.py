"""Benchmark: render, sign and verify a 30-page report with 20 photos.

Targets (issue 5): render under 1 s; each signature and each verification under 100 ms. Issue
19: a signature with the trust's timestamp token under 150 ms with the time-stamping service on
loopback HTTP, and verifying three signatures with long-term data (B-LTA: validation data and a
document timestamp after the last signature). Printed against the reportlab floor, a trivial
reportlab document with the same page count and the same photos, and against signing without a
timestamp, measured in the same run so the ratios mean something on any machine.

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
from typing import Any

# The sample drafts and CA are test support, not product code.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from reviewer_app.reports.document import FULL_INTERNAL, ReportDocument, Section
from reviewer_app.reports.render import render_report
from reviewer_app.reports.signing import add_document_timestamp, prepare_for_signing, sign_report
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


def loopback_time_stamping(trust: object) -> tuple[str, object]:
    """The trust's time-stamping handler served over HTTP on 127.0.0.1 (uvicorn, as the server
    runs it; the server's route adds only the device-token check). Returns (URL, server)."""
    import threading

    import uvicorn
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response
    from starlette.routing import Route

    from reviewer_app.reports.ca import issue_tsa_certificate
    from reviewer_app.reports.keys import generate_signing_key
    from reviewer_app.reports.timestamping import REPLY_TYPE, TimeStampAuthority

    key = generate_signing_key()
    cert = issue_tsa_certificate(trust.ca, key.public_key())  # type: ignore[attr-defined]
    authority = TimeStampAuthority(cert, key, (trust.root,))  # type: ignore[attr-defined]

    async def timestamp(request: Any) -> Response:
        answer = await run_in_threadpool(authority.respond, await request.body())
        return Response(answer, media_type=REPLY_TYPE)

    app = Starlette(routes=[Route("/timestamp", timestamp, methods=["POST"])])

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return f"http://127.0.0.1:{port}/timestamp", server


def pyhanko_checks(pdf: bytes, root: Any, *, diff: bool) -> None:
    """pyHanko's own validation of each signature, as the verifier calls it, with or without
    its difference analysis (what the strict rule 6 costs; the rest is CMS and certificates)."""
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    anchor = asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    for sig in reader.embedded_regular_signatures:
        context = ValidationContext(
            trust_roots=[anchor], allow_fetching=False, moment=sig.self_reported_timestamp
        )
        validate_pdf_signature(sig, signer_validation_context=context, skip_diff=not diff)


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
    pyhanko_s, _ = _timed(lambda: pyhanko_checks(pdf, trust.root, diff=True), args.repeat, "ph")
    no_diff_s, _ = _timed(lambda: pyhanko_checks(pdf, trust.root, diff=False), args.repeat, "nd")

    import httpx

    from reviewer_app.reports.timestamping import QUERY_TYPE, server_timestamper

    url, tsa_server = loopback_time_stamping(trust)

    def timestamped_signing(service: str | None) -> bytes:
        # As the laptop signs: a client and a timestamper for this one signature.
        with httpx.Client() as http:

            def post(request_der: bytes) -> bytes:
                headers = {"Content-Type": QUERY_TYPE}
                return http.post(url, content=request_der, headers=headers).content

            return sign_report(
                prepared,
                trust.signers[signers[0]],
                trust_roots=[trust.root],
                crls=[trust.crl],
                timestamper=server_timestamper(post, service=service),
            )

    timestamped_signing(url)  # warm the imports, and the service's size sample, outside the timing
    ts_sign_s, _ = _timed(lambda: timestamped_signing(url), args.repeat, "ts-sign")
    ts_sign_cold_s, _ = _timed(lambda: timestamped_signing(None), args.repeat, "ts-sign-cold")
    http = httpx.Client()

    def post(request_der: bytes) -> bytes:
        return http.post(url, content=request_der, headers={"Content-Type": QUERY_TYPE}).content

    timestamper = server_timestamper(post, service=url)
    plain_sign_s = sign_times[0]
    lta_s, lta_pdf = _timed(
        lambda: add_document_timestamp(
            pdf, timestamper, trust_roots=[trust.root], crls=[trust.crl]
        ),
        args.repeat,
        "lta",
    )
    verify_lta_s, lta_verdict = _timed(
        lambda: verify_report(lta_pdf, trust_roots=[trust.root]),  # type: ignore[arg-type]
        args.repeat,
        "verify-lta",
    )
    assert lta_verdict.passed, lta_verdict.sentences()  # type: ignore[attr-defined]

    # The first signer signed offline: the trust's document timestamp at their next sync,
    # then two signatures with their own tokens, then the long-term data.
    offline = sign_as(prepared, signers[0])
    offline = add_document_timestamp(
        offline, timestamper, trust_roots=[trust.root], crls=[trust.crl]
    )
    for name in signers[1:]:
        offline = sign_report(
            offline,
            trust.signers[name],
            trust_roots=[trust.root],
            crls=[trust.crl],
            timestamper=timestamper,
        )
    offline = add_document_timestamp(
        offline, timestamper, trust_roots=[trust.root], crls=[trust.crl]
    )
    verify_offline_s, offline_verdict = _timed(
        lambda: verify_report(offline, trust_roots=[trust.root]), args.repeat, "verify-offline"
    )
    assert offline_verdict.passed, offline_verdict.sentences()  # type: ignore[attr-defined]
    http.close()
    tsa_server.should_exit = True  # type: ignore[attr-defined]

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
    line("  of which pyHanko's validation", "ph", pyhanko_s, "")
    line("  of which without difference analysis", "nd", no_diff_s, "")
    line("sign with the trust's timestamp (loopback)", "ts-sign", ts_sign_s, "< 150 ms")
    line("  the same, no size sample (two round trips)", "ts-sign-cold", ts_sign_cold_s, "")
    print(f"{'  timestamped vs plain signature':<44}{ts_sign_s / plain_sign_s:16.2f}x")
    line("add validation data + document timestamp", "lta", lta_s, "")
    line("verify 3 signatures with long-term data", "verify-lta", verify_lta_s, "< 300 ms")
    line("  the same, first signed offline", "verify-offline", verify_offline_s, "")
    ok = (
        render_s < 1.0
        and max(sign_times) < 0.1
        and verify_s < 0.3
        and ts_sign_s < 0.15
        and verify_lta_s < 0.3
    )
    print("targets met (medians)" if ok else "targets missed by some median (see fastest runs)")


if __name__ == "__main__":
    main()
