"""Signature containers rewritten in the one gap of a signed PDF no digest covers.

A PDF signature's ``/Contents`` holds its CMS ``SignedData``; the signed byte ranges skip it.
These helpers rewrite the first signature's container in place (same length, zero padded), as
someone with a hex editor could, and, for the cases that touch the *signed* attributes, sign
them again with the signer's own key, so the signature value still verifies and only the
structure is wrong. Used by the strict-verification tests and the cross-check corpus.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

#: Rewrites a parsed container (``ContentInfo``) and its DER into new DER.
ContainerChange = Callable[[Any, bytes], bytes]

#: An object identifier no signed attribute of any standard uses (a private arc).
UNKNOWN_ATTRIBUTE_OID = "1.3.6.1.4.1.55555.19.1"


def rewrite_container(pdf: bytes, change: ContainerChange) -> bytes:
    """The same file with the first signature's CMS changed by ``change(content_info, der)``,
    written back into the unsigned ``/Contents`` gap (same length, zero padded)."""
    from asn1crypto import cms  # type: ignore[import-untyped]

    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    end = pdf.index(b">", start)
    raw = bytes.fromhex(pdf[start:end].decode("ascii"))
    length = 4 + int.from_bytes(raw[2:4], "big")  # a 30 82 xx xx header
    info = cms.ContentInfo.load(raw[:length])
    new = change(info, raw[:length])
    assert len(new) <= len(raw), "the rewritten container does not fit the signature's gap"
    hex_new = new.hex().encode("ascii").ljust(end - start, b"0")
    return pdf[:start] + hex_new + pdf[end:]


def _dump(info: Any) -> bytes:
    return bytes(info.dump(force=True))


# ---------------------------------------------------------------- outside the signed attributes


def add_unsigned_attribute(info: Any, _der: bytes) -> bytes:
    """A false signing time as an unsigned attribute."""
    from asn1crypto import cms

    signer = info["content"]["signer_infos"][0]
    signer["unsigned_attrs"] = cms.CMSAttributes(
        [
            cms.CMSAttribute(
                {
                    "type": "signing_time",
                    "values": [cms.Time({"utc_time": datetime(2020, 1, 1, tzinfo=UTC)})],
                }
            )
        ]
    )
    return _dump(info)


def add_foreign_certificate(info: Any, _der: bytes) -> bytes:
    """Another trust's root among the container's certificates."""
    from asn1crypto import cms
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    from reviewer_app.reports import ca

    other = ca.create_root("Some Other Trust")
    certs = list(info["content"]["certificates"])
    certs.append(
        cms.CertificateChoices(
            name="certificate",
            value=asn1_x509.Certificate.load(other.certificate.public_bytes(Encoding.DER)),
        )
    )
    info["content"]["certificates"] = cms.CertificateSet(certs)
    return _dump(info)


def junk_in_padding(_info: Any, der: bytes) -> bytes:
    """Bytes after the container, where only zero padding belongs."""
    return der + b"\x01hidden"


def wrong_digest_list(info: Any, _der: bytes) -> bytes:
    """A digest-algorithm list that no longer names the algorithm used."""
    from asn1crypto import algos, cms

    info["content"]["digest_algorithms"] = cms.DigestAlgorithms(
        [algos.DigestAlgorithm({"algorithm": "sha1"})]
    )
    return _dump(info)


def revocation_list_inside(info: Any, _der: bytes) -> bytes:
    """Another trust's revocation list inside the container."""
    from asn1crypto import cms
    from asn1crypto import crl as asn1_crl
    from cryptography.hazmat.primitives.serialization import Encoding

    from reviewer_app.reports import ca

    other = ca.create_root("Some Other Trust")
    listed = asn1_crl.CertificateList.load(ca.build_crl(other, []).public_bytes(Encoding.DER))
    info["content"]["crls"] = cms.RevocationInfoChoices(
        [cms.RevocationInfoChoice(name="crl", value=listed)]
    )
    return _dump(info)


def second_signer(info: Any, _der: bytes) -> bytes:
    """The same signer info twice."""
    from asn1crypto import cms

    signer = info["content"]["signer_infos"][0]
    copy = cms.SignerInfo.load(signer.dump())
    info["content"]["signer_infos"] = cms.SignerInfos([signer, copy])
    return _dump(info)


def ber_not_der(_info: Any, der: bytes) -> bytes:
    """The same container with an indefinite (BER) outer length: 30 80 ... 00 00."""
    assert der[:2] == b"\x30\x82"
    return b"\x30\x80" + der[4:] + b"\x00\x00"


def encapsulated_content(info: Any, _der: bytes) -> bytes:
    """Content carried inside the container (not detached): words nobody's digest covers."""
    from asn1crypto import cms

    info["content"]["encap_content_info"] = cms.ContentInfo(
        {"content_type": "data", "content": b"Overall effectiveness: Outstanding"}
    )
    return _dump(info)


def signer_identifier(issuer: Any, serial: int, *, carry: Any = None) -> ContainerChange:
    """The signer identifier changed to name ``issuer`` (an ``x509.Name``) and ``serial``;
    ``carry``, an ``x509.Certificate``, is put in the container too."""

    def change(info: Any, _der: bytes) -> bytes:
        from asn1crypto import cms
        from asn1crypto import x509 as asn1_x509
        from cryptography.hazmat.primitives.serialization import Encoding

        signer = info["content"]["signer_infos"][0]
        signer["sid"] = cms.SignerIdentifier(
            name="issuer_and_serial_number",
            value=cms.IssuerAndSerialNumber(
                {"issuer": asn1_x509.Name.load(issuer.public_bytes()), "serial_number": serial}
            ),
        )
        if carry is not None:
            certs = list(info["content"]["certificates"])
            named = asn1_x509.Certificate.load(carry.public_bytes(Encoding.DER))
            certs.append(cms.CertificateChoices(name="certificate", value=named))
            info["content"]["certificates"] = cms.CertificateSet(certs)
        return _dump(info)

    return change


def signer_key_identifier(key_identifier: bytes) -> ContainerChange:
    """The signer identified by a subject key identifier instead of issuer and serial."""

    def change(info: Any, _der: bytes) -> bytes:
        from asn1crypto import cms

        signer = info["content"]["signer_infos"][0]
        signer["sid"] = cms.SignerIdentifier(
            name="subject_key_identifier", value=cms.OctetString(key_identifier)
        )
        return _dump(info)

    return change


def signature_algorithm(name: str) -> ContainerChange:
    """The signer info's (unsigned) signature algorithm changed to ``name``."""

    def change(info: Any, _der: bytes) -> bytes:
        from asn1crypto import algos

        signer = info["content"]["signer_infos"][0]
        signer["signature_algorithm"] = algos.SignedDigestAlgorithm({"algorithm": name})
        return _dump(info)

    return change


# ---------------------------------------------------------------- the signed attributes, re-signed

#: Rewrites the list of signed attributes (``CMSAttribute`` objects).
AttributesChange = Callable[[list[Any]], list[Any]]


def resigned(
    key: ec.EllipticCurvePrivateKey,
    change: AttributesChange,
    *,
    hash_algorithm: str = "sha256",
) -> ContainerChange:
    """The signed attributes changed by ``change``, then signed again with the signer's own
    ``key`` (ECDSA with ``hash_algorithm``), so the signature value verifies."""

    def rewrite(info: Any, _der: bytes) -> bytes:
        from asn1crypto import algos, cms

        signer = info["content"]["signer_infos"][0]
        attributes = change([cms.CMSAttribute.load(a.dump()) for a in signer["signed_attrs"]])
        as_set = cms.CMSAttributes(attributes)
        # The signature covers the attributes' DER as a SET OF (tag 0x31), RFC 5652 5.4.
        hasher = {"sha256": hashes.SHA256(), "sha512": hashes.SHA512()}[hash_algorithm]
        value = key.sign(as_set.dump(force=True), ec.ECDSA(hasher))
        signer["signed_attrs"] = as_set
        signer["signature_algorithm"] = algos.SignedDigestAlgorithm(
            {"algorithm": f"{hash_algorithm}_ecdsa"}
        )
        signer["signature"] = value
        return _dump(info)

    return rewrite


def without(name: str) -> AttributesChange:
    return lambda attrs: [a for a in attrs if a["type"].native != name]


def doubled(name: str) -> AttributesChange:
    """The attribute ``name`` twice (two attributes of one type, the same value)."""

    def change(attrs: list[Any]) -> list[Any]:
        from asn1crypto import cms

        (original,) = [a for a in attrs if a["type"].native == name]
        return [*attrs, cms.CMSAttribute.load(original.dump())]

    return change


def two_values(name: str) -> AttributesChange:
    """The attribute ``name`` with its value given twice inside one attribute."""

    def change(attrs: list[Any]) -> list[Any]:
        from asn1crypto import cms

        out = []
        for attr in attrs:
            if attr["type"].native == name:
                value = attr["values"][0]
                copy = attr.copy()
                copy["values"] = [value, value.copy()]
                attr = cms.CMSAttribute.load(copy.dump(force=True))
            out.append(attr)
        return out

    return change


def with_unknown_attribute(attrs: list[Any]) -> list[Any]:
    """A signed attribute of a type nobody defined for a PDF signature."""
    from asn1crypto import cms, core

    unknown = cms.CMSAttribute(
        {
            "type": cms.CMSAttributeType(UNKNOWN_ATTRIBUTE_OID),
            "values": [core.UTF8String("Overall effectiveness: Outstanding")],
        }
    )
    return [*attrs, unknown]
