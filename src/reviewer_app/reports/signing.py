"""Sign a rendered report with pyHanko (PAdES baseline), one reviewer after another.

:func:`prepare_for_signing` adds, in one incremental update before anyone signs, every signature
field (one per sign-off slot, in the boxes the layout reserved) and a small ``/ReviewerReport``
dictionary in the catalog naming the report id, the data hash and the sign-off plan. The first
signature covers all of that, so a verifier knows which signatures to expect from signed bytes,
not from anything appended later.

:func:`sign_report` then signs the next empty field in order, with a visible appearance (name,
role, date on the signer's clock).

DocMDP choice: the **first signature certifies** the document with DocMDP level 2 (form filling
and signing only). Every later signer then signs into a field that already exists, which level 2
allows, while any other change (a rewritten page, an added annotation, new pages) is a DocMDP
violation in pyHanko, Acrobat and any PAdES validator, not only in our own policy. Approval-only
signatures would also pass our verifier, but would leave Acrobat to judge later updates by its
own looser rules. The cost of certification is that fields can never be added later, which is why
all of them are created up front. Later signatures are approval signatures.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.wording import mid_sentence
from reviewer_app.reports.ca import certificate_roles, common_name, is_self_issued
from reviewer_app.reports.document import (
    ReportDocument,
    SignOffSlot,
    names_phrase,
    next_to_sign,
)
from reviewer_app.reports.keys import SigningCredentials
from reviewer_app.reports.pyhanko_logging import demote_pyhanko_warnings
from reviewer_app.reports.render import RenderedReport

#: The catalog key holding Reviewer's description of a report.
CATALOG_KEY = "/ReviewerReport"


class SigningError(ReviewerError):
    """The report cannot be signed now (wrong order, wrong person, not prepared)."""


@dataclass(frozen=True, slots=True)
class PlannedSignature:
    """One expected signature as the report itself records it."""

    field_name: str
    order: int
    role_label: str
    person_name: str
    #: Signatures sharing a step may be given in any order among themselves; 0: its own step.
    step: int = 0

    @property
    def turn(self) -> int:
        return self.step or self.order


@dataclass(frozen=True, slots=True)
class ReportPlan:
    """What a prepared report says about itself: id, data hash, framework and sign-off plan."""

    report_id: str
    data_hash: str
    framework_id: str
    framework_version: str
    signatures: tuple[PlannedSignature, ...]


def prepare_for_signing(rendered: RenderedReport, document: ReportDocument) -> bytes:
    """Add all signature fields and the report description before the first signature."""
    from pyhanko.pdf_utils import generic as pdf_generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    generic: Any = pdf_generic  # pyHanko's object constructors are untyped

    if rendered.data_hash != document.data_hash():
        raise SigningError(
            f"Report {document.report_id} was rendered from different data than it is being "
            "prepared with.",
            hint="Render the report again before signing.",
        )
    writer: Any = IncrementalPdfFileWriter(io.BytesIO(rendered.pdf), strict=True)
    slots = {slot.field_name: slot for slot in document.sign_off}
    for box in rendered.signature_boxes:
        append_signature_field(
            writer,
            SigFieldSpec(
                sig_field_name=box.field_name,
                on_page=box.page_index,
                box=(
                    round(box.rect[0]),
                    round(box.rect[1]),
                    round(box.rect[2]),
                    round(box.rect[3]),
                ),
            ),
        )

    def entry(slot: SignOffSlot) -> Any:
        items = {
            generic.NameObject("/Field"): generic.TextStringObject(slot.field_name),
            generic.NameObject("/Order"): generic.NumberObject(slot.order),
            generic.NameObject("/Role"): generic.TextStringObject(slot.role_label),
            generic.NameObject("/Name"): generic.TextStringObject(slot.person_name),
        }
        if slot.step:
            # Signers sharing a step sign in any order among themselves.
            items[generic.NameObject("/Step")] = generic.NumberObject(slot.step)
        return generic.DictionaryObject(items)

    plan = generic.ArrayObject(
        entry(slot) for slot in sorted(slots.values(), key=lambda s: s.order)
    )
    writer.root[generic.NameObject(CATALOG_KEY)] = generic.DictionaryObject(
        {
            generic.NameObject("/ReportId"): generic.TextStringObject(document.report_id),
            generic.NameObject("/DataHash"): generic.TextStringObject(rendered.data_hash),
            generic.NameObject("/FrameworkId"): generic.TextStringObject(document.framework_id),
            generic.NameObject("/FrameworkVersion"): generic.TextStringObject(
                document.framework_version
            ),
            generic.NameObject("/SignOff"): plan,
        }
    )
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def read_plan(root: Any) -> ReportPlan | None:
    """The report description in a catalog (a pyHanko dictionary), or ``None`` when absent."""
    if CATALOG_KEY not in root:
        return None
    info = root[CATALOG_KEY]
    signatures = tuple(
        PlannedSignature(
            field_name=str(entry["/Field"]),
            order=int(entry["/Order"]),
            role_label=str(entry["/Role"]),
            person_name=str(entry["/Name"]),
            step=int(entry.get("/Step", 0)),
        )
        for entry in info.get("/SignOff", [])
    )
    return ReportPlan(
        report_id=str(info["/ReportId"]),
        data_hash=str(info["/DataHash"]),
        framework_id=str(info.get("/FrameworkId", "")),
        framework_version=str(info.get("/FrameworkVersion", "")),
        signatures=tuple(sorted(signatures, key=lambda s: s.order)),
    )


def _who(slots: Sequence[PlannedSignature], *, plain: bool = False) -> str:
    """ "Ann Lee (peer reviewer)", or "Ann Lee and Bo Chan (peer reviewers)" for a shared turn."""
    names = names_phrase([s.person_name for s in slots])
    if plain:
        return names
    return f"{names} ({mid_sentence(slots[0].role_label)}{'s' if len(slots) > 1 else ''})"


def _whose(slots: Sequence[PlannedSignature]) -> str:
    return names_phrase([f"{s.person_name}'s" for s in slots], "or")


_HONORIFICS = re.compile(r"^(dr|mr|mrs|ms|miss|mx|prof|professor|sir|dame|rev)\.?\s+", re.I)


def same_person(a: str, b: str) -> bool:
    """Whether two spellings of a name are the same person's (titles and case ignored)."""

    def norm(name: str) -> str:
        return " ".join(_HONORIFICS.sub("", name.strip()).casefold().split())

    return norm(a) == norm(b)


def _signed_fields(reader: Any) -> set[str]:
    from pyhanko.sign.fields import enumerate_sig_fields

    return {name for name, value, _ref in enumerate_sig_fields(reader) if value is not None}


def _field_size(reader: Any, field_name: str) -> tuple[float, float]:
    """Width and height of a signature field's widget, in points."""
    from pyhanko.sign.fields import enumerate_sig_fields

    for name, _value, ref in enumerate_sig_fields(reader):
        if name == field_name:
            x1, y1, x2, y2 = (float(v) for v in ref.get_object()["/Rect"])
            return abs(x2 - x1), abs(y2 - y1)
    return 226.0, 54.0


#: Colours of the signature's stripe and tick: trust-certified, and self-issued (amber).
CERTIFIED_COLOUR = "#2E7D4F"
SELF_ISSUED_COLOUR = "#B26A00"


def _appearance_pdf(
    width: float,
    height: float,
    signer: str,
    role: str,
    when: datetime,
    *,
    self_issued: bool,
    timestamped: bool = False,
) -> bytes:
    """The visible signature, drawn with reportlab in the report's own (embedded) font.

    Every line is fitted to the field's width. A self-issued certificate (not certified by the
    trust) is said so on the page, in amber, so a printed or glanced-at report cannot pass it
    off as the trust's.
    """
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    from reviewer_app.reports.report_style import FONT, FONT_BOLD, fitted, register_fonts

    register_fonts()
    colour = SELF_ISSUED_COLOUR if self_issued else CERTIFIED_COLOUR
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), initialFontName=FONT)
    canvas.setFillColor(colors.HexColor("#FFF6E5" if self_issued else "#EEF6F1"))
    canvas.rect(0, 0, width, height, stroke=0, fill=1)
    canvas.setFillColor(colors.HexColor(colour))
    canvas.rect(0, 0, 3, height, stroke=0, fill=1)
    tick_x = 11
    canvas.setStrokeColor(colors.HexColor(colour))
    canvas.setLineWidth(1.6)
    path = canvas.beginPath()
    path.moveTo(tick_x, height / 2)
    path.lineTo(tick_x + 4, height / 2 - 5)
    path.lineTo(tick_x + 12, height / 2 + 7)
    canvas.drawPath(path, stroke=1, fill=0)
    x = tick_x + 20
    room = width - x - 4
    stamp = when.strftime("%-d %B %Y, %H:%M %Z").strip()
    clock = "time-stamped by the trust" if timestamped else "signer's clock"
    lines: list[tuple[str, str, float, str]] = [
        (f"Digitally signed by {signer}", FONT_BOLD, 8.5, "#1C2430"),
        (role, FONT, 8, "#1C2430"),
        (f"{stamp} ({clock})", FONT, 7, "#5B6573"),
    ]
    if self_issued:
        lines.append(("Self-issued certificate: not certified by the trust", FONT_BOLD, 7, colour))
    step = min(12.0, (height - 6) / len(lines))
    y = height - 4 - step + 2
    for text, font, size, ink in lines:
        shown, fitted_size = fitted(text, font, min(size, step - 1.5), room)
        canvas.setFillColor(colors.HexColor(ink))
        canvas.setFont(font, fitted_size)
        canvas.drawString(x, y, shown)
        y -= step
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _stamp_style(appearance_pdf: bytes) -> Any:
    """A pyHanko stamp style showing ``appearance_pdf``'s single page, scaled to the field."""
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.layout import (
        AxisAlignment,
        BoxConstraints,
        InnerScaling,
        Margins,
        SimpleBoxLayoutRule,
    )
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.stamp import StaticStampStyle

    class ImportedAppearance(PdfContent):
        def render(self) -> bytes:
            writer = self._ensure_writer
            reader = PdfFileReader(io.BytesIO(appearance_pdf))
            xobject = writer.import_page_as_xobject(reader, page_ix=0)
            name = "/ReviewerSignature"
            self.resources.xobject[name] = xobject
            x1, y1, x2, y2 = xobject.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return f"{name} Do".encode("ascii")

    return StaticStampStyle(
        background=ImportedAppearance(),
        border_width=0,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(0, 0, 0, 0),
            inner_content_scaling=InnerScaling.STRETCH_FILL,
        ),
    )


def _asn1_certificate(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_crl(crl: x509.CertificateRevocationList) -> Any:
    from asn1crypto import crl as asn1_crl

    return asn1_crl.CertificateList.load(crl.public_bytes(serialization.Encoding.DER))


def _signer(creds: SigningCredentials) -> Any:
    from asn1crypto import keys as asn1_keys
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_info = asn1_keys.PrivateKeyInfo.load(
        creds.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return SimpleSigner(
        signing_cert=_asn1_certificate(creds.certificate),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [_asn1_certificate(c) for c in creds.chain]
        ),
    )


def _issued_within(creds: SigningCredentials, trust_roots: Sequence[x509.Certificate]) -> bool:
    """Whether the signer's certificate comes from one of the trust roots (or their chain).

    Only then can validation data be embedded: a self-issued or foreign certificate does not
    chain to the trust, and the report's verifier says so instead.
    """
    issuers = {c.subject for c in (*trust_roots, *creds.chain)}
    return creds.certificate.issuer in issuers and creds.certificate.issuer != (
        creds.certificate.subject
    )


def sign_report(
    pdf: bytes,
    creds: SigningCredentials,
    *,
    field_name: str | None = None,
    trust_roots: Sequence[x509.Certificate] = (),
    crls: Iterable[x509.CertificateRevocationList] = (),
    timestamper: Any = None,
) -> bytes:
    """Sign the next empty sign-off field of a prepared report and return the new PDF.

    ``timestamper`` (a pyHanko ``TimeStamper``, the trust server's when online) adds an RFC 3161
    timestamp token to the signature, so its time is attested by the trust, not only the
    signer's clock. A time-stamping failure is a :class:`SigningError` (sign offline instead).

    Signers go in the report's order: naming a later ``field_name`` while an earlier field is
    empty raises :class:`SigningError`, as does a certificate whose name or roles do not match
    the slot. With ``trust_roots`` and the trust's ``crls``, the certificate chain and CRL are
    embedded (document security store) so verification works offline.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import pdf_signer as pdf_signer_module
    from pyhanko_certvalidator import ValidationContext

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=True)
        reader = writer.prev  # parse once: the writer's own reader of the file as it stands
        plan = read_plan(reader.root)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise SigningError(
            "This file is not a readable PDF report.", hint="Export the report again."
        ) from exc
    if plan is None or not plan.signatures:
        raise SigningError(
            "This PDF was not prepared for signing by Reviewer (it has no sign-off plan).",
            hint="Export the report from Reviewer and sign that file.",
        )
    signed = _signed_fields(reader)
    available = next_to_sign(plan.signatures, signed)
    if not available:
        raise SigningError(f"Report {plan.report_id} already carries every signature it needs.")
    signer_name = common_name(creds.certificate)
    # Among signers who may sign in any order, the certificate's holder takes their own field.
    slot = next((s for s in available if same_person(signer_name, s.person_name)), available[0])
    if field_name is not None and field_name not in {s.field_name for s in available}:
        wanted = next((s for s in plan.signatures if s.field_name == field_name), None)
        if wanted is None:
            raise SigningError(f"Report {plan.report_id} has no sign-off called {field_name}.")
        if wanted.field_name in signed:
            raise SigningError(
                f"{wanted.person_name} has already signed report {plan.report_id} as "
                f"{wanted.role_label.lower()}."
            )
        raise SigningError(
            f"{_who(available)} must sign report {plan.report_id} before {wanted.person_name}.",
            hint="Signatures go in the order shown on the sign-off page.",
        )
    if field_name is not None:
        slot = next(s for s in available if s.field_name == field_name)
    if not same_person(signer_name, slot.person_name):
        raise SigningError(
            f"The next signature on report {plan.report_id} is {_whose(available)}, but this "
            f"certificate belongs to {signer_name}.",
            hint=f"{_who(available, plain=True)} signs next, on their own laptop."
            if len(available) == 1
            else f"{_who(available, plain=True)} sign next, in any order, each on their own "
            "laptop.",
        )
    roles = certificate_roles(creds.certificate)
    if roles and all(r.casefold() != slot.role_label.casefold() for r in roles):
        raise SigningError(
            f"{signer_name}'s certificate is for {', '.join(roles)}, not "
            f"{slot.role_label.lower()} as report {plan.report_id} needs.",
            hint="Ask the trust admin for a certificate that names this role.",
        )

    certify = not signed
    crl_list = list(crls)
    validation_context = None
    if trust_roots and crl_list and _issued_within(creds, trust_roots):
        validation_context = ValidationContext(
            trust_roots=[_asn1_certificate(r) for r in trust_roots],
            crls=[_asn1_crl(c) for c in crl_list],
            allow_fetching=False,
        )
    meta = signers.PdfSignatureMetadata(
        field_name=slot.field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        reason=f"Sign-off as {slot.role_label}",
        name=signer_name,
        embed_validation_info=validation_context is not None,
        validation_context=validation_context,
        # The chain and CRL go into the signature's own revision, so the last signature still
        # covers the whole file (no unsigned DSS revision after it).
        dss_settings=pdf_signer_module.DSSContentSettings(
            include_vri=False,
            placement=pdf_signer_module.SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
        ),
    )
    demote_pyhanko_warnings()
    width, height = _field_size(reader, slot.field_name)
    appearance = _appearance_pdf(
        width,
        height,
        signer_name,
        slot.role_label,
        datetime.now(UTC),
        self_issued=is_self_issued(creds.certificate),
        timestamped=timestamper is not None,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=_signer(creds), stamp_style=_stamp_style(appearance), timestamper=timestamper
    )
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer,
            existing_fields_only=True,
            output=out,
        )
    except Exception as exc:
        raise SigningError(
            f"Report {plan.report_id} could not be signed by {signer_name}.",
            hint="Check that your certificate is current and not revoked, then try again.",
        ) from exc
    return out.getvalue()


def add_document_timestamp(
    pdf: bytes,
    timestamper: Any,
    *,
    trust_roots: Sequence[x509.Certificate] = (),
    crls: Iterable[x509.CertificateRevocationList] = (),
) -> bytes:
    """Append the trust's validation data and a document timestamp over the file as it stands.

    For a signature made offline this proves, with the trust's time, that the signature existed
    by then. After the last signature it makes the report long-term verifiable (PAdES B-LT:
    certificates and revocation lists in the document; B-LTA: a document timestamp over them).
    The validation data goes in before the timestamp, so the timestamp covers the whole file
    and nothing follows it.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.signers import pdf_signer as pdf_signer_module
    from pyhanko_certvalidator import ValidationContext

    demote_pyhanko_warnings()
    crl_list = list(crls)
    context = None
    if trust_roots:
        context = ValidationContext(
            trust_roots=[_asn1_certificate(r) for r in trust_roots],
            crls=[_asn1_crl(c) for c in crl_list],
            allow_fetching=False,
        )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=True)
    if context is not None and crl_list:
        # The freshest CRLs into the document security store, in the timestamp's revision.
        from pyhanko.sign.validation.dss import DocumentSecurityStore

        DocumentSecurityStore.supply_dss_in_writer(
            writer, None, certs=[], ocsps=[], crls=[_asn1_crl(c) for c in crl_list]
        )
    out = io.BytesIO()
    try:
        signers.PdfTimeStamper(timestamper).timestamp_pdf(
            writer,
            "sha256",
            validation_context=context,
            output=out,
            dss_settings=pdf_signer_module.TimestampDSSContentSettings(
                include_vri=False, update_before_ts=True
            ),
        )
    except Exception as exc:
        raise SigningError(
            "The trust's time-stamping service could not time-stamp this report.",
            hint="Try again at the next sync.",
        ) from exc
    return out.getvalue()


def prepare_and_render(document: ReportDocument) -> bytes:
    """Render ``document`` and prepare it for signing in one step."""
    from reviewer_app.reports.render import render_report

    return prepare_for_signing(render_report(document), document)
