"""Checks pyHanko's validator leaves to the caller, made strict for Reviewer's reports.

* :func:`cms_problems`: the signature container (CMS ``SignedData`` in ``/Contents``) parsed
  strictly. The bytes of ``/Contents`` are the one part of the file no signature digest covers,
  so anything in the container outside the signed attributes could be altered without breaking
  the signature: extra bytes after the container, a second signer, certificates that are not the
  signer's chain, unsigned attributes other than a time-stamp token, digest algorithms that do
  not agree, a signer identifier or signature algorithm that does not fit the signer's
  certificate. The signed attributes are checked too: exactly one content-type and one
  message-digest, one signing-certificate attribute naming the signer's certificate, nothing
  unknown. Every such thing is an error, never ignored.
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


def signed_signer(contents: bytes) -> x509.Certificate | None:
    """The certificate in the container that the *signed* signing-certificate attribute names.

    For a container whose (unsigned) signer identifier was changed, so the signer cannot be
    found by it: the signed attribute still says whose certificate signed.
    """
    from asn1crypto import cms

    try:
        length = _der_length(contents) or len(contents)
        signed_data = cms.ContentInfo.load(contents[:length])["content"]
        signer_info = signed_data["signer_infos"][0]
        wanted = [
            attr["values"][0]["certs"][0]
            for attr in signer_info["signed_attrs"]
            if attr["type"].native == "signing_certificate_v2"
        ]
        for choice in signed_data["certificates"] or ():
            der = choice.chosen.dump()
            for named in wanted:
                algorithm = named["hash_algorithm"]["algorithm"].native
                if hashlib.new(algorithm, der).digest() == named["cert_hash"].native:
                    return x509.load_der_x509_certificate(der)
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    return None


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
            problems.append(
                f"The signature carries a signed attribute Reviewer does not use ({name}): a "
                "reader that understands it may conclude something the report does not say."
            )
        if len(attr["values"]) != 1:
            problems.append(
                f"The signed {_readable(name)} attribute has {len(attr['values'])} values "
                "instead of one."
            )
    for required in ("content_type", "message_digest"):
        if counts.get(required, 0) != 1:
            problems.append(
                f"The signature must carry exactly one signed {_readable(required)} "
                f"attribute; it carries {counts.get(required, 0)}."
            )
    signing_certificates = counts.get("signing_certificate_v2", 0)
    signing_certificates += counts.get("signing_certificate", 0)
    if signing_certificates != 1:
        problems.append(
            "The signature must carry exactly one signed signing-certificate attribute (without "
            "it, which certificate signed is not itself signed); it carries "
            f"{signing_certificates}."
        )
    problems.extend(_algorithm_problems(signer_info, signed_attrs, digest))
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
    problems.extend(_signer_identifier_problems(signer_info["sid"], signer_der))
    problems.extend(_key_problems(signer_info, signer))
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
        name = attr["type"].native
        if name not in ("signing_certificate_v2", "signing_certificate"):
            continue
        certs = attr["values"][0]["certs"]
        if not certs:
            problems.append("The signed signing-certificate attribute is empty.")
            continue
        first = certs[0]
        algorithm = (
            first["hash_algorithm"]["algorithm"].native
            if name == "signing_certificate_v2"
            else "sha1"  # the first version names the certificate by its SHA-1 only
        )
        expected = hashlib.new(algorithm, signer_der).digest()
        if first["cert_hash"].native != expected:
            problems.append(
                "The signed signing-certificate attribute names another certificate than the "
                "one the signature is checked with (the container was changed to claim another "
                "signer's certificate)."
            )
    return problems


def _readable(attribute: str) -> str:
    """``content_type`` as the standards write it, ``content-type``."""
    return attribute.replace("_", "-")


def _signer_identifier_problems(sid: Any, signer_der: bytes) -> list[str]:
    """The signer identifier must name the signer's certificate by issuer and serial number."""
    from asn1crypto import x509 as asn1_x509

    if sid.name != "issuer_and_serial_number":
        # Legal CMS, but Reviewer never writes it and many PDF readers (poppler's pdfsig among
        # them) cannot find the signer by it: a container that has one was rewritten.
        return [
            "The signature names its signer by a key identifier instead of the certificate's "
            "issuer and serial number, which Reviewer never writes and many PDF readers cannot "
            "follow."
        ]
    signer = asn1_x509.Certificate.load(signer_der)
    named = sid.chosen
    if named["serial_number"].native != signer.serial_number or named["issuer"] != signer.issuer:
        return ["The signer identifier names another certificate than the signer's."]
    return []


def _algorithm_problems(signer_info: Any, signed_attrs: Any, digest: str) -> list[str]:
    """The signature algorithm must use the digest algorithm the signer info names, and agree
    with the signed algorithm-protection attribute (RFC 6211) when there is one."""
    algorithm = signer_info["signature_algorithm"]
    try:
        hash_algorithm = algorithm.hash_algo
    except ValueError:
        hash_algorithm = None  # an algorithm that names no hash of its own (plain ECDSA, RSA)
    problems = []
    if hash_algorithm is not None and hash_algorithm != digest:
        problems.append(
            f"The signature algorithm ({algorithm['algorithm'].native}) does not use the digest "
            f"algorithm the signature names ({digest})."
        )
    for attr in signed_attrs:
        if attr["type"].native != "cms_algorithm_protection":
            continue
        protected = attr["values"][0]
        if protected["digest_algorithm"]["algorithm"].native != digest or (
            protected["signature_algorithm"].native is not None
            and protected["signature_algorithm"]["algorithm"].native
            != algorithm["algorithm"].native
        ):
            problems.append(
                "The signed algorithm-protection attribute names other algorithms than the "
                "signature uses."
            )
    return problems


#: What each kind of public key signs with (the asn1crypto names of the algorithms).
_KEY_ALGORITHMS = {"ec": ("ecdsa",), "rsa": ("rsassa_pkcs1v15", "rsassa_pss")}


def _key_problems(signer_info: Any, signer: x509.Certificate) -> list[str]:
    """The signature algorithm must be one the signer's key can make."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    key = signer.public_key()
    kind = "ec" if isinstance(key, ec.EllipticCurvePublicKey) else None
    kind = "rsa" if isinstance(key, rsa.RSAPublicKey) else kind
    algorithm = signer_info["signature_algorithm"]
    try:
        used = algorithm.signature_algo
    except ValueError:
        used = str(algorithm["algorithm"].native)
    if kind is None or used not in _KEY_ALGORITHMS[kind]:
        return [
            f"The signature algorithm ({algorithm['algorithm'].native}) is not one the signer's "
            "key can make."
        ]
    return []


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
