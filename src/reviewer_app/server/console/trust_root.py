"""The trust's root certificate for schools and governors who check reports in a PDF reader.

Acrobat Reader shows Reviewer's signatures as valid once it trusts the trust's root certificate
(docs/acrobat.md). This page gives the file to download (DER ``.cer``, the form Acrobat
imports), its SHA-256 fingerprint to read out by another route, and the steps in plain words to
send to a headteacher. The certificate is public; everyone signed in may take it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from starlette.responses import Response

from reviewer_app.server.console.auth import PageNotFound, console_page
from reviewer_app.server.console.web import render, secure_headers
from reviewer_app.server.request_context import context_of

router = APIRouter()

PAGE = "/console/reports/trust-root"
FILE = "/console/reports/trust-root.cer"


@dataclass(frozen=True, slots=True)
class RootCertificate:
    name: str
    fingerprint: str
    valid_until: datetime
    der: bytes

    @property
    def file_name(self) -> str:
        safe = "".join(c if c.isalnum() or c in " -" else "-" for c in self.name).strip()
        return f"{safe or 'Trust root'}.cer"


def root_certificate(request: Request) -> RootCertificate | None:
    """The trust's root certificate as this server publishes it (``None``: no trust CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    from reviewer_app.reports.ca import common_name

    published = context_of(request).trust_published
    if published is None:
        return None
    root = x509.load_pem_x509_certificate(published()[0].encode("ascii"))
    return RootCertificate(
        name=common_name(root),
        fingerprint=root.fingerprint(hashes.SHA256()).hex(":").upper(),
        valid_until=root.not_valid_after_utc,
        der=root.public_bytes(serialization.Encoding.DER),
    )


@router.get(PAGE)
def page(request: Request) -> Response:
    with console_page(request, allow=None) as (_session, user):
        return render(
            request,
            "oversight/trust_root.html",
            {"root": root_certificate(request), "file": FILE},
            user=user,
        )


@router.get(FILE)
def download(request: Request) -> Response:
    with console_page(request, allow=None) as (_session, _user):
        root = root_certificate(request)
        if root is None:
            raise PageNotFound("This trust server has no certificate authority set up.")
        return secure_headers(
            Response(
                root.der,
                media_type="application/pkix-cert",
                headers={"Content-Disposition": f'attachment; filename="{root.file_name}"'},
            )
        )
