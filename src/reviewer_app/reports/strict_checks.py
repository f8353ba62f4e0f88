"""Checks pyHanko's validator leaves to the caller, made strict for Reviewer's reports.

* :func:`cms_problems`: the signature container (CMS ``SignedData`` in ``/Contents``) parsed
  strictly. The bytes of ``/Contents`` are the one part of the file no signature digest covers,
  so anything in the container outside the signed attributes could be altered without breaking
  the signature: extra bytes after the container, a second signer, certificates that are not the
  signer's chain, unsigned attributes other than a time-stamp token, digest algorithms that do
  not agree. Every such thing is an error, never ignored.
* :func:`changes_after`: what an update appended after the last signature changed, in words a
  reader can act on (document information, page content, annotations, validation data...).

Both read pyHanko's parsed objects; neither trusts anything the container says about itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

#: Signed attributes a Reviewer signature (pyHanko, PAdES) may carry.
_KNOWN_SIGNED_ATTRS = frozenset(
    {
        "content_type",
        "message_digest",
        "signing_time",
        "signing_certificate",
        "signing_certificate_v2",
        "cms_algorithm_protection",
        "adobe_revocation_info_archival",
    }
)
#: The only unsigned attribute allowed: an RFC 3161 signature time-stamp token.
_TIMESTAMP_TOKEN = "signature_time_stamp_token"  # noqa: S105 (an attribute name)


def _der_length(data: bytes) -> int | None:
    """Length of the DER value at the start of ``data`` (header included), or ``None``."""
    if len(data) < 2 or data[0] != 0x30:
        return None
    first = data[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(data) < 2 + count:
        return None  # indefinite length (BER) or absurd
    return 2 + count + int.from_bytes(data[2 : 2 + count], "big")


def cms_problems(
    contents: bytes, signer: x509.Certificate | None, trust_roots: Sequence[x509.Certificate]
) -> list[str]:
    """Everything wrong with a signature's container; empty when it is strictly well formed."""
    from asn1crypto import cms  # type: ignore[import-untyped]

    length = _der_length(contents)
    if length is None or length > len(contents):
        return ["The signature container is not a well-formed DER structure."]
    der, padding = contents[:length], contents[length:]
    if padding.strip(b"\x00"):
        return [
            "The signature container has data after its end, where only zero padding belongs "
            "(the space no signature covers was written to)."
        ]
    try:
        info = cms.ContentInfo.load(der, strict=True)
        content_type = info["content_type"].native
        signed_data = info["content"]
        if content_type != "signed_data":
            return [f"The signature container holds {content_type}, not signed data."]
        return _signed_data_problems(signed_data, signer, trust_roots)
    except (ValueError, TypeError, KeyError) as exc:
        return [f"The signature container cannot be parsed strictly ({type(exc).__name__})."]


def _signed_data_problems(
    signed_data: Any, signer: x509.Certificate | None, trust_roots: Sequence[x509.Certificate]
) -> list[str]:
    problems: list[str] = []
    signer_infos = list(signed_data["signer_infos"])
    if len(signer_infos) != 1:
        return [f"The signature container has {len(signer_infos)} signers instead of one."]
    signer_info = signer_infos[0]
    encap = signed_data["encap_content_info"]
    if encap["content_type"].native != "data" or encap["content"].native is not None:
        problems.append("The signature container does not sign the PDF's bytes as detached data.")
    digest = signer_info["digest_algorithm"]["algorithm"].native
    listed = {a["algorithm"].native for a in signed_data["digest_algorithms"]}
    if digest not in listed:
        problems.append(
            f"The signature container lists digest algorithms {sorted(listed)} but signs with "
            f"{digest}."
        )
    signed_attrs = signer_info["signed_attrs"]
    if not signed_attrs:
        return [*problems, "The signature carries no signed attributes."]
    counts: dict[str, int] = {}
    for attr in signed_attrs:
        name = attr["type"].native
        counts[name] = counts.get(name, 0) + 1
        if name not in _KNOWN_SIGNED_ATTRS:
            problems.append(f"The signature carries an unexpected signed attribute ({name}).")
        if len(attr["values"]) != 1:
            problems.append(f"The signed attribute {name} has {len(attr['values'])} values.")
    for required in ("content_type", "message_digest"):
        if counts.get(required) != 1:
            problems.append(f"The signature must carry exactly one {required} attribute.")
    for attr in signed_attrs:
        if attr["type"].native == "content_type" and attr["values"][0].native != "data":
            problems.append("The signed content type is not the PDF's data.")
    for attr in signer_info["unsigned_attrs"] or ():
        name = attr["type"].native
        if name != _TIMESTAMP_TOKEN:
            problems.append(
                f"The signature container carries an unsigned attribute ({name}) outside "
                "what the signature covers."
            )
    certificates = [c.chosen for c in signed_data["certificates"] or () if c.name == "certificate"]
    if len(certificates) != len(list(signed_data["certificates"] or ())):
        problems.append("The signature container holds certificates of an unknown kind.")
    if signed_data["crls"]:
        problems.append("The signature container carries revocation lists outside the signature.")
    if signer is not None:
        problems.extend(_certificate_set_problems(signer_info, certificates, signer, trust_roots))
    return problems


def _certificate_set_problems(
    signer_info: Any,
    certificates: Sequence[Any],
    signer: x509.Certificate,
    trust_roots: Sequence[x509.Certificate],
) -> list[str]:
    problems: list[str] = []
    signer_der = signer.public_bytes(serialization.Encoding.DER)
    ders = [c.dump() for c in certificates]
    if ders.count(signer_der) != 1:
        problems.append("The signer's certificate appears in the container other than once.")
    sid = signer_info["sid"]
    if sid.name == "issuer_and_serial_number":
        parsed = x509.load_der_x509_certificate(signer_der)
        if sid.chosen["serial_number"].native != parsed.serial_number:
            problems.append("The signer identifier does not name the signer's certificate.")
    chain_subjects = {signer.issuer} | {r.subject for r in trust_roots}
    for der in ders:
        if der == signer_der:
            continue
        other = x509.load_der_x509_certificate(der)
        if other.subject not in chain_subjects:
            problems.append(
                "The signature container carries a certificate that is not part of the "
                f"signer's chain ({other.subject.rfc4514_string()})."
            )
    for attr in signer_info["signed_attrs"]:
        if attr["type"].native != "signing_certificate_v2":
            continue
        certs = attr["values"][0]["certs"]
        if not certs:
            problems.append("The signing-certificate attribute is empty.")
            continue
        first = certs[0]
        algorithm = first["hash_algorithm"]["algorithm"].native
        expected = hashlib.new(algorithm, signer_der).digest()
        if first["cert_hash"].native != expected:
            problems.append("The signed signing-certificate attribute names another certificate.")
    return problems


def changes_after(reader: Any, signed_revision: int, appended: bytes) -> str:
    """What was changed after ``signed_revision``, as a phrase ("document information", ...)."""
    from pyhanko.pdf_utils import generic

    total = reader.xrefs.total_revisions
    if total <= signed_revision + 1:
        return f"{len(appended)} bytes that are not a PDF update were added"
    info_ref = reader.trailer.raw_get("/Info") if "/Info" in reader.trailer else None
    kinds: set[str] = set()
    for revision in range(signed_revision + 1, total):
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            try:
                obj = reader.get_object(ref, revision=revision)
            except Exception:
                kinds.add("objects that cannot be read")
                continue
            if info_ref is not None and ref == getattr(info_ref, "reference", None):
                kinds.add("the document information (title, author, dates)")
                continue
            if not isinstance(obj, generic.DictionaryObject):
                kinds.add("other objects")
                continue
            kinds.add(_kind(obj))
    kinds.discard("")
    if not kinds:
        return "an update that changes nothing visible was added"
    return "changed: " + ", ".join(sorted(kinds))


def _kind(obj: Any) -> str:
    type_ = str(obj.get("/Type", ""))
    subtype = str(obj.get("/Subtype", ""))
    if type_ == "/Metadata" or subtype == "/XML":
        return "the document's XMP metadata"
    if type_ in ("/Page", "/Pages"):
        return "pages"
    if type_ == "/Annot" or subtype in _ANNOTATION_SUBTYPES:
        if subtype == "/Widget" or obj.get("/FT") == "/Sig":
            return "form or signature fields"
        return "annotations (comments, stamps or drawings)"
    if type_ == "/Catalog":
        return "the document catalog"
    if type_ in ("/XRef", "/ObjStm"):
        return ""  # the update's own bookkeeping
    if type_ in ("/Sig", "/DocTimeStamp"):
        return "a signature outside any planned field"
    if "/Certs" in obj or "/CRLs" in obj or "/OCSPs" in obj or "/VRI" in obj:
        return "validation data (certificates and revocation lists)"
    if "/FT" in obj:
        return "form or signature fields"
    if "/Length" in obj:
        return "content streams (page text, drawings or images)"
    return "other objects"


_ANNOTATION_SUBTYPES = frozenset(
    {
        "/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine",
        "/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink",
        "/Popup", "/FileAttachment", "/Link", "/Widget", "/Redact",
    }
)  # fmt: skip
