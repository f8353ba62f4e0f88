"""Every tampered and mis-signed report the test suite builds, as one corpus.

Each :class:`Case` is a file, the trust material to check it against, and whether it is judged
as a finished report (every planned signature present) or as a report part-way through its
sign-off (what the trust server accepts on arrival). The strict-verification tests check our
verdict on each; the cross-check runs poppler's ``pdfsig`` and pyHanko's own validator on the
same files.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509

from reviewer_app.reports import ca
from reviewer_app.reports.document import ReportDocument
from reviewer_app.reports.keys import SigningCredentials, credentials, generate_signing_key
from reviewer_app.reports.signing import prepare_and_render, sign_report
from support import tampered_reports as tampered
from support.sample_reports import SampleTrust, sample_trust


@dataclass(frozen=True, slots=True)
class Case:
    """One file of the corpus and how to judge it."""

    case_id: str
    #: What was done to the file, as the table in docs/verification.md says it.
    title: str
    pdf: bytes
    roots: tuple[x509.Certificate, ...]
    crls: tuple[x509.CertificateRevocationList, ...]
    #: Judged as a finished report (``True``) or as a report part-way through its sign-off.
    complete: bool
    #: The rule of docs/verification.md that refuses it ("" for a file that must pass).
    rule: str
    #: Words our verdict must contain (empty for a file that must pass).
    words: str = ""


# ---------------------------------------------------------------- builders shared with the tests


def signed_with_certificate_dated(
    document: ReportDocument, trust: SampleTrust, *, now: datetime, valid_days: int
) -> bytes:
    """Amira's signature with a certificate valid ``valid_days`` from ``now``."""
    key = generate_signing_key()
    cert = ca.issue_certificate(
        trust.ca,
        key.public_key(),
        name="Amira Hussain",
        email="amira@oakwood.example",
        roles=["Peer reviewer"],
        valid_days=valid_days,
        now=now,
    )
    # Signed without the trust's material, as a laptop that does not check itself would.
    return sign_report(prepare_and_render(document), credentials(key, cert, [trust.root]))


class _ThreeDaysBehind(datetime):
    """A signer's clock set three days back (pyHanko reads it for the signing time)."""

    @classmethod
    def now(cls, tz: Any = None) -> Any:
        return datetime.now(tz) - timedelta(days=3)


@dataclass(frozen=True, slots=True)
class BackdatedSignature:
    """A signature whose signer's clock says the certificate was valid, and whose trust
    timestamp token says it had expired."""

    pdf: bytes
    trust: SampleTrust
    certificate: x509.Certificate


def expired_by_its_timestamp(document: ReportDocument) -> BackdatedSignature:
    """Amira's certificate expired a day or two ago; her clock is set back three days."""
    import pytest
    from pyhanko.sign.signers import pdf_signer

    from reviewer_app.reports.timestamping import TimeStampAuthority, server_timestamper

    now = datetime.now(UTC)
    # A trust two months old, its list issued before the signer's (set back) clock.
    root = ca.create_root("Oakwood Learning Trust", now=now - timedelta(days=60))
    crl = ca.build_crl(root, [], now=now - timedelta(days=4), valid_for=timedelta(days=30))
    trust = SampleTrust(ca=root, signers={}, crl=crl)
    key = generate_signing_key()
    cert = ca.issue_certificate(
        root, key.public_key(), name="Amira Hussain", email="amira@oakwood.example",
        roles=["Peer reviewer"], valid_days=38, now=now - timedelta(days=40),
    )  # fmt: skip
    assert now - timedelta(days=3) < cert.not_valid_after_utc < now
    tsa_key = generate_signing_key()
    tsa = TimeStampAuthority(
        ca.issue_tsa_certificate(root, tsa_key.public_key(), now=now - timedelta(days=5)),
        tsa_key,
        (trust.root,),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_signer, "datetime", _ThreeDaysBehind)
        # Signed without the trust's material, as a laptop that does not check itself would.
        pdf = sign_report(
            prepare_and_render(document),
            credentials(key, cert, [trust.root]),
            timestamper=server_timestamper(tsa.respond),
        )
    return BackdatedSignature(pdf, trust, cert)


def change_title(pdf: bytes) -> bytes:
    """An incremental update touching only the document information (its title)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"].get_object()
    info[generic.NameObject("/Title")] = generic.TextStringObject("Outstanding in every way")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def rewrite_first_body_page(pdf: bytes) -> bytes:
    """A well-formed incremental update replacing page 2's content with a new verdict."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][1].get_object()
    font = next(iter(page["/Resources"]["/Font"]))
    content = generic.StreamObject(
        stream_data=f"BT {font} 28 Tf 72 700 Td (Urgent improvement) Tj ET".encode("ascii")
    )
    page["/Contents"] = writer.add_object(content)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_annotation(pdf: bytes) -> bytes:
    """A free-text note ("Inadequate") over page 2, appended as an incremental update."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][1].get_object()
    note = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject(
                [generic.FloatObject(v) for v in (400, 600, 560, 640)]
            ),
            generic.NameObject("/Contents"): generic.TextStringObject("Inadequate"),
            generic.NameObject("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
        }
    )
    annots = page.get("/Annots", generic.ArrayObject())
    annots.append(writer.add_object(note))
    page["/Annots"] = annots
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_signed_byte(pdf: bytes) -> bytes:
    """One bit changed in page content of the first revision."""
    data = bytearray(pdf)
    data[data.index(b"stream", 2000) + 40] ^= 0x01
    return bytes(data)


def cut_back_one_revision(pdf: bytes) -> bytes:
    """The file as it was before its last signature."""
    end = pdf.rstrip().rfind(b"%%EOF", 0, len(pdf.rstrip()) - 1)
    return pdf[: end + len(b"%%EOF\n")]


def sign_outside_the_plan(
    pdf: bytes, creds: SigningCredentials, field_name: str, *, certify: bool
) -> bytes:
    """A signature made with pyHanko directly, past the checks :func:`sign_report` makes
    (who signs which field, in what order), as another program could."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from reviewer_app.reports.signing import _signer

    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
    )
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=_signer(creds)).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out
    )
    return out.getvalue()


def subject_key_identifier(cert: x509.Certificate) -> bytes:
    return bytes(cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest)


# ---------------------------------------------------------------- the signature container cases


@dataclass(frozen=True, slots=True)
class ContainerCase:
    """A change to the first signature's container and the words our verdict gives."""

    case_id: str
    title: str
    change: tampered.ContainerChange
    words: str


def container_cases(trust: SampleTrust) -> list[ContainerCase]:
    """Every rewrite of Amira's container (the first signature) the suite builds."""
    amira = trust.signers["Amira Hussain"]
    tom = trust.signers["Tom Fletcher"]
    key = amira.private_key
    other_root = ca.create_root("Some Other Trust").certificate
    return [
        ContainerCase(
            "unsigned-attribute",
            "Unsigned attribute (a false signing time) added to the container",
            tampered.add_unsigned_attribute,
            "unsigned attribute (signing_time)",
        ),
        ContainerCase(
            "foreign-certificate",
            "Foreign certificate added to the container",
            tampered.add_foreign_certificate,
            "not part of the signer's chain",
        ),
        ContainerCase(
            "junk-after-container",
            "Data after the container in `/Contents`",
            tampered.junk_in_padding,
            "data after its end",
        ),
        ContainerCase(
            "digest-list",
            "Digest-algorithm list altered",
            tampered.wrong_digest_list,
            "signs with sha256",
        ),
        ContainerCase(
            "revocation-list-inside",
            "Revocation list inside the container",
            tampered.revocation_list_inside,
            "revocation lists outside the signature",
        ),
        ContainerCase(
            "ber-not-der",
            "Container with a BER (not DER) length",
            tampered.ber_not_der,
            "not a well-formed DER structure",
        ),
        ContainerCase(
            "encapsulated-content",
            "Content encapsulated in the container (not detached)",
            tampered.encapsulated_content,
            "does not sign the PDF's bytes as detached data",
        ),
        ContainerCase(
            "no-content-type",
            "Signed content-type attribute removed (re-signed)",
            tampered.resigned(key, tampered.without("content_type")),
            "exactly one signed content-type attribute; it carries 0",
        ),
        ContainerCase(
            "no-message-digest",
            "Signed message-digest attribute removed (re-signed)",
            tampered.resigned(key, tampered.without("message_digest")),
            "exactly one signed message-digest attribute; it carries 0",
        ),
        ContainerCase(
            "two-content-types",
            "Signed content-type attribute repeated (re-signed)",
            tampered.resigned(key, tampered.doubled("content_type")),
            "exactly one signed content-type attribute; it carries 2",
        ),
        ContainerCase(
            "two-message-digests",
            "Signed message-digest attribute repeated (re-signed)",
            tampered.resigned(key, tampered.doubled("message_digest")),
            "exactly one signed message-digest attribute; it carries 2",
        ),
        ContainerCase(
            "content-type-two-values",
            "Signed content-type attribute with two values (re-signed)",
            tampered.resigned(key, tampered.two_values("content_type")),
            "content-type attribute has 2 values",
        ),
        ContainerCase(
            "message-digest-two-values",
            "Signed message-digest attribute with two values (re-signed)",
            tampered.resigned(key, tampered.two_values("message_digest")),
            "message-digest attribute has 2 values",
        ),
        ContainerCase(
            "unknown-signed-attribute",
            "Unknown signed attribute added (re-signed)",
            tampered.resigned(key, tampered.with_unknown_attribute),
            f"signed attribute Reviewer does not use ({tampered.UNKNOWN_ATTRIBUTE_OID})",
        ),
        ContainerCase(
            "no-signing-certificate",
            "Signed signing-certificate attribute removed (re-signed)",
            tampered.resigned(key, tampered.without("signing_certificate_v2")),
            "exactly one signed signing-certificate attribute",
        ),
        ContainerCase(
            "signer-id-other-certificate",
            "Signer identifier names another signer's certificate (added to the container)",
            tampered.signer_identifier(
                tom.certificate.issuer, tom.certificate.serial_number, carry=tom.certificate
            ),
            "signer identifier names another certificate",
        ),
        ContainerCase(
            "signer-id-other-issuer",
            "Signer identifier names the signer's serial number under another issuer",
            tampered.signer_identifier(other_root.subject, amira.certificate.serial_number),
            "signer identifier names another certificate",
        ),
        ContainerCase(
            "signer-key-id-other",
            "Signer identified by another signer's key identifier",
            tampered.signer_key_identifier(subject_key_identifier(tom.certificate)),
            "by a key identifier",
        ),
        ContainerCase(
            "signer-key-id-own",
            "Signer identified by its own key identifier instead of issuer and serial",
            tampered.signer_key_identifier(subject_key_identifier(amira.certificate)),
            "by a key identifier",
        ),
        ContainerCase(
            "signature-algorithm-rsa",
            "Signature algorithm changed to RSA (the key is ECDSA)",
            tampered.signature_algorithm("sha256_rsa"),
            "is not one the signer's key can make",
        ),
        ContainerCase(
            "signature-hash-sha512",
            "Re-signed with ECDSA over SHA-512 while the digest algorithm says SHA-256",
            tampered.resigned(key, lambda attrs: attrs, hash_algorithm="sha512"),
            "does not use the digest algorithm the signature names (sha256)",
        ),
    ]


# ---------------------------------------------------------------- the whole corpus


def build_corpus(
    oakwood: SampleTrust,
    document: ReportDocument,
    first_signed: bytes,
    fully_signed: bytes,
) -> Iterator[Case]:
    """Every case, built from the session's signed peer review (``first_signed``: Amira's
    signature only; ``fully_signed``: all three)."""
    roots, crls = (oakwood.root,), (oakwood.crl,)

    def partial(case_id: str, title: str, pdf: bytes, rule: str, words: str) -> Case:
        return Case(case_id, title, pdf, roots, crls, False, rule, words)

    def complete(case_id: str, title: str, pdf: bytes, rule: str, words: str) -> Case:
        return Case(case_id, title, pdf, roots, crls, True, rule, words)

    yield partial("untouched-first", "Untouched, first signature of three", first_signed, "", "")
    yield complete("untouched-complete", "Untouched, all three signatures", fully_signed, "", "")
    for change in container_cases(oakwood):
        pdf = tampered.rewrite_container(first_signed, change.change)
        yield partial(change.case_id, change.title, pdf, "2", change.words)
    yield partial(
        "second-signer",
        "Container with a second signer",
        tampered.rewrite_container(first_signed, tampered.second_signer),
        "2",
        "damaged",
    )
    now = datetime.now(UTC)
    yield partial(
        "expired-at-signing",
        "Certificate expired at signing time",
        signed_with_certificate_dated(
            document, oakwood, now=now - timedelta(days=60), valid_days=30
        ),
        "3",
        "had expired when the signature says it was made",
    )
    yield partial(
        "not-yet-valid-at-signing",
        "Certificate not yet valid at signing time",
        signed_with_certificate_dated(
            document, oakwood, now=now + timedelta(days=3), valid_days=30
        ),
        "3",
        "was not yet valid when the signature says it was made",
    )
    backdated = expired_by_its_timestamp(document)
    yield Case(
        "expired-by-timestamp",
        "Certificate expired by the time its timestamp token attests (signer's clock set back)",
        backdated.pdf,
        (backdated.trust.root,),
        (backdated.trust.crl,),
        False,
        "3",
        "had expired when the signature says it was made",
    )
    tom = oakwood.signers["Tom Fletcher"].certificate
    revoking_tom = ca.build_crl(
        oakwood.ca,
        [ca.Revocation(tom.serial_number, datetime.now(UTC).replace(microsecond=0))],
        number=2,
        now=max(datetime.now(UTC), oakwood.crl.last_update_utc + timedelta(seconds=1)),
    )
    yield Case(
        "revoked",
        "Second signer's certificate revoked after signing (newer list given)",
        fully_signed,
        roots,
        (oakwood.crl, revoking_tom),
        True,
        "4",
        "Tom Fletcher's certificate was revoked",
    )
    other = sample_trust("Oakwood Learning Trust")  # same trust name, another CA
    yield partial(
        "foreign-ca",
        "Signed with a certificate from another CA of the same name",
        sign_report(prepare_and_render(document), other.signers["Amira Hussain"],
                    trust_roots=[other.root], crls=[other.crl]),
        "4",
        "not issued by the trust you checked against",
    )  # fmt: skip
    key = generate_signing_key()
    self_issued = ca.self_issued_certificate(
        key, name="Amira Hussain", email="amira@oakwood.example", roles=["Peer reviewer"]
    )
    yield partial(
        "self-issued",
        "Signed with a self-issued certificate",
        sign_report(prepare_and_render(document), credentials(key, self_issued)),
        "4",
        "not certified by the trust",
    )
    yield partial(
        "title-changed",
        "Title changed by an incremental update",
        change_title(first_signed),
        "5",
        "document information (title, author, dates)",
    )
    yield partial(
        "bytes-appended",
        "Bytes appended after the last signature",
        first_signed + b"\n% appended\n",
        "5",
        "bytes that are not a PDF update were added",
    )
    yield complete(
        "annotation-added",
        "Annotation (a note over the text) added after the last signature",
        add_annotation(fully_signed),
        "5",
        "changed after the last signature",
    )
    yield complete(
        "page-rewritten",
        "Page rewritten by an appended update",
        rewrite_first_body_page(fully_signed),
        "5",
        "changed after the last signature",
    )
    yield complete(
        "byte-flipped",
        "Byte flipped in a signed range",
        flip_signed_byte(fully_signed),
        "1",
        "signed content has been changed",
    )
    prepared = prepare_and_render(document)
    yield partial(
        "wrong-person",
        "Signed in the first signer's field by another member of the trust",
        sign_outside_the_plan(prepared, oakwood.signers["Tom Fletcher"], "SignOff01", certify=True),
        "7",
        "meant for Amira Hussain, but Tom Fletcher signed it",
    )
    yield partial(
        "out-of-order",
        "The second signer signed first",
        sign_outside_the_plan(prepared, oakwood.signers["Tom Fletcher"], "SignOff02", certify=True),
        "7",
        "signed out of order: Amira Hussain (peer reviewer) has not signed",
    )
    yield partial(
        "unplanned-field",
        "A signature in a field the plan does not name, after the first signature",
        sign_outside_the_plan(
            first_signed, oakwood.signers["Tom Fletcher"], "Unplanned", certify=False
        ),
        "7",
        "in a field (Unplanned) the report did not plan for",
    )
    yield complete(
        "cut-back",
        "File cut back to before its last signature",
        cut_back_one_revision(fully_signed),
        "7",
        "has not signed",
    )


def corpus_by_id(cases: Iterator[Case]) -> Mapping[str, Case]:
    """The corpus keyed by case id, checked against :data:`CASE_IDS` (tests are parametrized
    by those ids before anything is built)."""
    built = {case.case_id: case for case in cases}
    assert tuple(built) == CASE_IDS, "CASE_IDS no longer lists the corpus the builder makes"
    return built


#: The signature-container cases, in the corpus's order.
CONTAINER_CASE_IDS = (
    "unsigned-attribute", "foreign-certificate", "junk-after-container", "digest-list",
    "revocation-list-inside", "ber-not-der", "encapsulated-content", "no-content-type",
    "no-message-digest", "two-content-types", "two-message-digests", "content-type-two-values",
    "message-digest-two-values", "unknown-signed-attribute", "no-signing-certificate",
    "signer-id-other-certificate", "signer-id-other-issuer", "signer-key-id-other",
    "signer-key-id-own", "signature-algorithm-rsa", "signature-hash-sha512",
)  # fmt: skip

#: Every case of the corpus, in the order :func:`build_corpus` makes them.
CASE_IDS = (
    "untouched-first", "untouched-complete", *CONTAINER_CASE_IDS, "second-signer",
    "expired-at-signing", "not-yet-valid-at-signing", "expired-by-timestamp", "revoked",
    "foreign-ca", "self-issued", "title-changed", "bytes-appended", "annotation-added",
    "page-rewritten", "byte-flipped", "wrong-person", "out-of-order", "unplanned-field",
    "cut-back",
)  # fmt: skip
