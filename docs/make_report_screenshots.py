"""Make docs/screenshots/report-*.png from a real signed report (the sample peer review).

    uv run python docs/make_report_screenshots.py

Renders the sample two-day peer review for the full internal audience, signs it as its three
reviewers with a fresh sample trust CA, checks it verifies, and turns pages into PNG images with
poppler's ``pdftoppm -png -r 80``: the first page (summary of every section), a page of findings,
the actions and appendix, and the last page (signatures, how to check, about this document).
Also writes the school-facing first page, and a safeguarding audit's first and last pages, its
second signature made with a self-issued certificate (marked as such on the page). Keeps the
signed PDF beside the images.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

# The sample drafts and CA are test support, not product code.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from reviewer_app.reports.ca import issue_tsa_certificate, self_issued_certificate
from reviewer_app.reports.document import FULL_INTERNAL, SCHOOL_FACING
from reviewer_app.reports.keys import certificate_pem, credentials, generate_signing_key
from reviewer_app.reports.render import render_report
from reviewer_app.reports.signing import add_document_timestamp, prepare_and_render, sign_report
from reviewer_app.reports.timestamping import TimeStampAuthority, server_timestamper
from reviewer_app.reports.verification import verify_report
from support.sample_reports import (
    peer_review_draft,
    safeguarding_audit_draft,
    sample_photos,
    sample_trust,
)

OUT = Path(__file__).resolve().parent / "screenshots"


def page_png(pdf: Path, page: int, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
             str(pdf), str(prefix)],
            check=True,
        )  # fmt: skip
        (OUT / name).write_bytes(prefix.with_suffix(".png").read_bytes())


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    trust = sample_trust()
    draft = peer_review_draft(sample_photos(4))
    document = draft.for_audience(FULL_INTERNAL)
    pdf = prepare_and_render(document)
    # The peer reviewers sign offline (signer's clock); the lead signs online, with the trust's
    # timestamp; then the trust's document timestamp and validation data make it long-term.
    tsa_key = generate_signing_key()
    tsa = TimeStampAuthority(
        issue_tsa_certificate(trust.ca, tsa_key.public_key()), tsa_key, (trust.root,)
    )
    timestamper = server_timestamper(tsa.respond)
    for name in ("Amira Hussain", "Tom Fletcher", "Dr Sarah Whitfield"):
        pdf = sign_report(
            pdf,
            trust.signers[name],
            trust_roots=[trust.root],
            crls=[trust.crl],
            timestamper=timestamper if name == "Dr Sarah Whitfield" else None,
        )
    pdf = add_document_timestamp(pdf, timestamper, trust_roots=[trust.root], crls=[trust.crl])
    verdict = verify_report(pdf, trust_roots=[trust.root])
    assert verdict.passed, verdict.sentences()
    signed = OUT / "sample-peer-review-signed.pdf"
    signed.write_bytes(pdf)
    # Beside it, the sample trust's root, so anyone can try:
    #   reviewer-app verify docs/screenshots/sample-peer-review-signed.pdf \
    #       --trust-root docs/screenshots/sample-trust-root.pem
    (OUT / "sample-trust-root.pem").write_bytes(certificate_pem(trust.root))
    pages = page_count(signed)
    page_png(signed, 1, "report-page-1.png")
    page_png(signed, 3, "report-findings.png")
    page_png(signed, pages - 1, "report-actions-appendix.png")
    page_png(signed, pages, "report-signatures.png")

    school = OUT / "sample-school-facing.pdf"
    school.write_bytes(render_report(draft.for_audience(SCHOOL_FACING)).pdf)
    page_png(school, 1, "report-school-facing-summary.png")
    school.unlink()
    audit = OUT / "sample-safeguarding-audit.pdf"
    audit_pdf = prepare_and_render(safeguarding_audit_draft().for_audience(SCHOOL_FACING))
    audit_pdf = sign_report(
        audit_pdf, trust.signers["Helen Marsh"], trust_roots=[trust.root], crls=[trust.crl]
    )
    # The school's DSL signs with a certificate of their own: the page says so.
    own_key = generate_signing_key()
    own = self_issued_certificate(
        own_key,
        name="Jamal Okafor",
        email="dsl@riverside.example",
        roles=["Designated safeguarding lead"],
    )
    audit_pdf = sign_report(audit_pdf, credentials(own_key, own), trust_roots=[trust.root])
    audit.write_bytes(audit_pdf)
    page_png(audit, 1, "report-safeguarding-audit.png")
    page_png(audit, page_count(audit), "report-safeguarding-audit-last-page.png")
    audit.unlink()
    gui_screenshots(pdf, trust.root)
    print("\n".join(verdict.sentences()))
    print(f"wrote {sorted(p.name for p in OUT.glob('report-*.png'))}")


def gui_screenshots(pdf: bytes, root: object) -> None:
    """The in-app preview and the Verify report dialog, rendered offscreen."""
    import os
    import time

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from reviewer_app.gui.report_preview import ReportPreview
    from reviewer_app.gui.verify_dialog import VerifyReportDialog

    app = QApplication.instance() or QApplication([])

    def settle(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    preview = ReportPreview()
    preview.resize(1000, 760)
    preview.show_pdf(pdf, title="Hollins Park Primary School: two-day peer review")
    preview.show()
    settle(1.5)
    preview.grab().save(str(OUT / "report-preview-sample.png"))

    dialog = VerifyReportDialog([root])  # type: ignore[list-item]
    dialog.resize(760, 380)
    dialog.show()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Hollins Park peer review.pdf"
        path.write_bytes(pdf)
        dialog.verify_file(path)
        settle(2.0)
        dialog.file_label.setText(path.name)
        settle(0.1)
        dialog.grab().save(str(OUT / "verify-dialog.png"))


if __name__ == "__main__":
    main()
