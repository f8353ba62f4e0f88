"""Trusted time: an RFC 3161 time-stamping authority for the trust, and the laptop's client.

The trust server runs :class:`TimeStampAuthority` with a time-stamping certificate its own CA
issues (extended key usage ``timeStamping`` only, so the key can vouch for times and nothing
else). Each answer is a CMS ``SignedData`` over a ``TSTInfo`` (the hashed message, the server's
UTC time, a random serial, the request's nonce), signed with pyHanko's general CMS signer, so the
token carries the ESS signing-certificate attribute RFC 3161 requires. pyHanko's own
``DummyTimeStamper`` is for tests and RSA-only; this one signs with the trust's EC P-256 key.

:class:`ServerTimeStamper` is the laptop's side: a pyHanko ``TimeStamper`` whose requests go
to the trust server through a callable (the sync client's authenticated POST), so signing
online adds a timestamp token to the signature, and a document timestamp can be added later.
"""

from __future__ import annotations

import asyncio
import io
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from reviewer_app.domain.errors import ReviewerError

#: Reviewer's time-stamping policy (a UUID-based OID, RFC 4122 / ITU-T X.667; no registry).
POLICY_OID = "2.25.203655420593474718238710125917414958431"
#: Digest algorithms the authority accepts in a request, with their digest lengths.
_DIGESTS = {"sha256": 32, "sha384": 48, "sha512": 64}
#: Media types of RFC 3161 over HTTP.
QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"


class TimeStampRequestError(ReviewerError):
    """A time-stamp request the authority cannot answer (not DER, unknown digest, wrong size)."""


class TimeStampAuthority:
    """Answers RFC 3161 requests with tokens signed by the trust's time-stamping key."""

    def __init__(
        self,
        certificate: x509.Certificate,
        private_key: ec.EllipticCurvePrivateKey,
        chain: tuple[x509.Certificate, ...] = (),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign.signers import SimpleSigner
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        def asn1(cert: x509.Certificate) -> Any:
            return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

        self.certificate = certificate
        self._cert = asn1(certificate)
        self._clock = clock or (lambda: datetime.now(UTC))
        key_info = asn1_keys.PrivateKeyInfo.load(
            private_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self._signer = SimpleSigner(
            signing_cert=self._cert,
            signing_key=key_info,
            cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                [asn1(c) for c in chain]
            ),
        )

    def respond(self, request_der: bytes) -> bytes:
        """The DER ``TimeStampResp`` for a DER ``TimeStampReq``.

        Raises :class:`TimeStampRequestError` for a request that cannot be answered.
        """
        from asn1crypto import cms, tsp

        try:
            request = tsp.TimeStampReq.load(request_der, strict=True)
            imprint = request["message_imprint"]
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            digest = imprint["hashed_message"].native
            wants_certificate = bool(request["cert_req"].native)
            nonce = request["nonce"].native
        except (ValueError, TypeError, KeyError) as exc:
            raise TimeStampRequestError(
                "The time-stamp request is not a DER TimeStampReq."
            ) from exc
        if algorithm not in _DIGESTS:
            raise TimeStampRequestError(
                f"The time-stamp request uses {algorithm}; the trust accepts {', '.join(_DIGESTS)}."
            )
        if len(digest) != _DIGESTS[algorithm]:
            raise TimeStampRequestError(
                f"The time-stamp request's {algorithm} digest has the wrong length."
            )
        if request["req_policy"].native not in (None, POLICY_OID):
            raise TimeStampRequestError("The time-stamp request asks for an unknown policy.")
        info: dict[str, Any] = {
            "version": "v1",
            "policy": POLICY_OID,
            "message_imprint": imprint,
            "serial_number": secrets.randbits(127),
            "gen_time": self._clock().astimezone(UTC),
            "accuracy": {"seconds": 1},
            "tsa": {"directory_name": self._cert.subject},
        }
        if nonce is not None:
            info["nonce"] = nonce
        tst_info = tsp.TSTInfo(info)
        content = cms.EncapsulatedContentInfo(
            {"content_type": "tst_info", "content": cms.ParsableOctetString(tst_info.dump())}
        )
        token = _run(
            self._signer.async_sign_general_data(content, "sha256", detached=False, use_cades=True)
        )
        if not wants_certificate:
            token["content"]["certificates"] = None
        response = tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})
        return bytes(response.dump())


def _run(coroutine: Any) -> Any:
    """Run ``coroutine`` to its end, also from code an event loop is already running (the
    laptop's signing, when the authority answers in the same process: the demo and tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def rejection(reason: str) -> bytes:
    """A DER ``TimeStampResp`` refusing a request (RFC 3161 ``badDataFormat``, no token)."""
    from asn1crypto import tsp

    status: bytes = tsp.PKIStatusInfo(
        {
            "status": "rejection",
            "status_string": [reason],
            "fail_info": tsp.PKIFailureInfo({"bad_data_format"}),
        }
    ).dump()
    # asn1crypto's TimeStampResp insists on a token; a refusal is the status alone.
    return b"\x30" + _der_length_bytes(len(status)) + status


def _der_length_bytes(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


#: A token each time-stamping service gave, by service and digest algorithm. pyHanko sizes a
#: signature's container from a sample token before it signs, which would otherwise cost a
#: second round trip to the trust for every signature. A token of the same service is the same
#: size within a few bytes, and pyHanko reserves half as much again.
_SIZE_SAMPLES: dict[tuple[str, str], Any] = {}


def server_timestamper(post: Callable[[bytes], bytes], *, service: str | None = None) -> Any:
    """A pyHanko ``TimeStamper`` whose requests ``post`` sends to the trust server.

    ``post`` takes the DER request and returns the DER response; it raises ``OSError`` (or the
    sync client's errors) when the server cannot be reached. ``service`` names the
    time-stamping service (the server's address): with it, a token from an earlier request in
    this process sizes the signature, so signing asks the service once instead of twice.
    """
    from asn1crypto import tsp
    from pyhanko.sign.timestamps.api import TimeStamper

    class ServerTimeStamper(TimeStamper):
        async def async_request_tsa_response(self, req: Any) -> Any:
            return tsp.TimeStampResp.load(post(req.dump()))

        async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> Any:
            token = await super().async_timestamp(message_digest, md_algorithm)
            if service is not None:
                _SIZE_SAMPLES[(service, md_algorithm)] = token
            return token

        async def async_dummy_response(self, md_algorithm: str) -> Any:
            sample = _SIZE_SAMPLES.get((service, md_algorithm)) if service else None
            if sample is None or md_algorithm in self._dummy_response_cache:
                return await super().async_dummy_response(md_algorithm)
            # As pyHanko registers its own sample: the token and the service's certificates.
            self._register_dummy(md_algorithm, sample)  # type: ignore[no-untyped-call]
            return sample

    return ServerTimeStamper()  # type: ignore[no-untyped-call]


def awaits_trusted_time(pdf: bytes) -> bool:
    """Whether the newest signature of ``pdf`` has no time from the trust: no timestamp token
    of its own (it was made offline) and no document timestamp after it."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.general import NonexistentAttributeError, find_unique_cms_attribute

    signatures = list(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)
    if not signatures:
        return False
    newest = signatures[-1]
    if newest.sig_object_type == "/DocTimeStamp":
        return False
    try:
        find_unique_cms_attribute(
            newest.signer_info["unsigned_attrs"], "signature_time_stamp_token"
        )
    except (NonexistentAttributeError, TypeError, ValueError):
        return True
    return False


def carries_long_term_data(pdf: bytes) -> bool:
    """Whether ``pdf`` holds validation data (a DSS dictionary) and ends with a document
    timestamp: what the trust server adds to a fully signed report to make its long-term
    version (PAdES B-LT/B-LTA, ``server/signed_reports.py``). A laptop never time-stamps a
    fully signed version itself, so for one of those this tells the trust's copy apart."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    signatures = list(reader.embedded_signatures)
    return (
        bool(signatures)
        and signatures[-1].sig_object_type == "/DocTimeStamp"
        and "/DSS" in reader.root
    )
