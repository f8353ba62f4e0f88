"""Who signed a signed report and when, read from the PDF's signatures (for the console's list of
signed reports). The server verified each report on arrival (``trust_authority``); this only
reads the names and the times the signers' software stated. A report never changes, so the
answer is kept by the file's SHA-256."""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger(__name__)

_cache: dict[str, tuple[Signer, ...]] = {}
_lock = threading.Lock()
_LIMIT = 2048


@dataclass(frozen=True, slots=True)
class Signer:
    name: str
    signed_at: datetime | None
    #: A document timestamp of the trust (after an offline signature, or the long-term
    #: version's), not a person's signature; ``signed_at`` is then the trust's time.
    timestamp: bool = False


def signers_of(sha256: str, pdf: bytes | None) -> tuple[Signer, ...]:
    """The signatures and the trust's document timestamps of the report, in signing order
    (empty when the file cannot be read)."""
    with _lock:
        if sha256 in _cache:
            return _cache[sha256]
    found = _read(pdf) if pdf else ()
    with _lock:
        if len(_cache) >= _LIMIT:
            _cache.clear()
        _cache[sha256] = found
    return found


def _read(pdf: bytes) -> tuple[Signer, ...]:
    from cryptography import x509
    from pyhanko.pdf_utils.reader import PdfFileReader

    from reviewer_app.reports.ca import common_name

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signers = []
        for signature in reader.embedded_signatures:
            cert = x509.load_der_x509_certificate(signature.signer_cert.dump())
            if signature.sig_object_type == "/DocTimeStamp":
                info = signature.signed_data["encap_content_info"]["content"].parsed
                signers.append(Signer(common_name(cert), info["gen_time"].native, timestamp=True))
            else:
                signers.append(Signer(common_name(cert), signature.self_reported_timestamp))
        return tuple(signers)
    except Exception as exc:  # a damaged file lists no signers; it was checked on arrival
        log.info("could not read the signatures of a report: %s", type(exc).__name__)
        return ()
