"""Every case of the verification corpus judged three times: by Reviewer, by pyHanko's own
validator (``pyhanko.sign.validation``) and by poppler's ``pdfsig`` (issue 19 item 1).

Where either of the others accepts a file Reviewer refuses (or the other way round), the case
carries the reason ours is right in :data:`WHY_OURS_IS_RIGHT`; a disagreement without one fails,
and so does a reason left behind after the disagreement went away. The table of verdicts in
docs/verification.md is the one this module renders, so it cannot drift: run with
``REVIEWER_WRITE_DOCS=1`` to rewrite it after a deliberate change.

``pdfsig`` runs with ``-nocert``: poppler checks certificates only against an NSS database,
which the test does not build, so its verdict is the digest and the signature value alone.
pyHanko is given the same trust root and revocation lists as Reviewer and validates now.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from reviewer_app.reports.document import ReportDocument
from reviewer_app.reports.sign_off_check import ReportRefusedError, check_partial_report
from reviewer_app.reports.verification import UnusableReportError, verify_report
from support.sample_reports import SampleTrust
from support.verification_corpus import CASE_IDS, Case, build_corpus, corpus_by_id

DOCS = Path(__file__).resolve().parents[2] / "docs" / "verification.md"
TABLE_START = "<!-- cross-check table: made by test_verification_cross_check.py -->"
TABLE_END = "<!-- end of cross-check table -->"

VALID = "valid"

# Reasons shared by several cases, each a short sentence.
_NO_TRUST_STORE = (
    "pdfsig is given no trust store, so it checks the digest and signature value, never the "
    "certificate"
)
_UNSIGNED_GAP = (
    "the change is in the container's unsigned parts, which no digest covers and this "
    "validator does not check"
)
_AFTER_LAST = (
    "nobody signed the bytes after the last signature, yet a reader shows them as the report"
)
_SIGNED_BUT_MALFORMED = (
    "signed attributes a PDF signature must not have (or must have once); pdfsig checks only "
    "the signature value"
)
_NO_PLAN = "the sign-off plan names a signature the file no longer has; the others know no plan"
_NOT_PLANNED = (
    "the sign-off plan, signed with the report, says who signs which field in what order; "
    "the others know no plan"
)
_KEY_IDENTIFIER = (
    "Reviewer never names its signer by key identifier, so the container was rewritten"
)

#: The validators Reviewer is checked against.
VALIDATORS = ("pyhanko", "pdfsig")

#: (case, validator) -> why Reviewer is right where that validator disagrees.
WHY_OURS_IS_RIGHT: Mapping[tuple[str, str], str] = {
    ("unsigned-attribute", "pyhanko"): _UNSIGNED_GAP,
    ("unsigned-attribute", "pdfsig"): _UNSIGNED_GAP,
    ("foreign-certificate", "pyhanko"): _UNSIGNED_GAP,
    ("foreign-certificate", "pdfsig"): _UNSIGNED_GAP,
    ("junk-after-container", "pyhanko"): _UNSIGNED_GAP,
    ("junk-after-container", "pdfsig"): _UNSIGNED_GAP,
    ("digest-list", "pyhanko"): _UNSIGNED_GAP,
    ("revocation-list-inside", "pyhanko"): _UNSIGNED_GAP,
    ("revocation-list-inside", "pdfsig"): _UNSIGNED_GAP,
    ("ber-not-der", "pyhanko"): "a container that is not DER was rewritten; DER is what was signed",
    ("ber-not-der", "pdfsig"): "a container that is not DER was rewritten; DER is what was signed",
    ("no-content-type", "pdfsig"): _SIGNED_BUT_MALFORMED,
    ("two-content-types", "pdfsig"): _SIGNED_BUT_MALFORMED,
    ("content-type-two-values", "pdfsig"): _SIGNED_BUT_MALFORMED,
    ("unknown-signed-attribute", "pyhanko"): (
        "an attribute Reviewer never writes may mean something Reviewer does not check"
    ),
    ("unknown-signed-attribute", "pdfsig"): _SIGNED_BUT_MALFORMED,
    ("no-signing-certificate", "pyhanko"): (
        "without the signed signing-certificate attribute the certificate is tied to the "
        "signature only by the unsigned signer identifier"
    ),
    ("no-signing-certificate", "pdfsig"): _SIGNED_BUT_MALFORMED,
    ("signer-key-id-own", "pyhanko"): _KEY_IDENTIFIER,
    ("expired-at-signing", "pdfsig"): _NO_TRUST_STORE,
    ("not-yet-valid-at-signing", "pdfsig"): _NO_TRUST_STORE,
    ("expired-by-timestamp", "pdfsig"): _NO_TRUST_STORE,
    ("revoked", "pdfsig"): _NO_TRUST_STORE,
    ("foreign-ca", "pdfsig"): _NO_TRUST_STORE,
    ("self-issued", "pdfsig"): _NO_TRUST_STORE,
    ("title-changed", "pyhanko"): _AFTER_LAST,
    ("title-changed", "pdfsig"): _AFTER_LAST,
    ("bytes-appended", "pyhanko"): _AFTER_LAST,
    ("bytes-appended", "pdfsig"): _AFTER_LAST,
    ("annotation-added", "pdfsig"): _AFTER_LAST,
    ("page-rewritten", "pdfsig"): _AFTER_LAST,
    ("second-signer", "pdfsig"): (
        "pdfsig checks only the first signer; the second was written into the unsigned gap"
    ),
    ("wrong-person", "pyhanko"): _NOT_PLANNED,
    ("wrong-person", "pdfsig"): _NOT_PLANNED,
    ("out-of-order", "pyhanko"): _NOT_PLANNED,
    ("out-of-order", "pdfsig"): _NOT_PLANNED,
    ("unplanned-field", "pyhanko"): _NOT_PLANNED,
    ("unplanned-field", "pdfsig"): _NOT_PLANNED,
    ("cut-back", "pyhanko"): _NO_PLAN,
    ("cut-back", "pdfsig"): _NO_PLAN,
}


@dataclass(frozen=True, slots=True)
class Verdicts:
    """The three verdicts on one file, as the table in docs/verification.md words them."""

    ours: str
    pyhanko: str
    pdfsig: str
    #: Every sentence of our verdict (for the words the case expects).
    sentences: tuple[str, ...]

    def of(self, validator: str) -> str:
        return {"pyhanko": self.pyhanko, "pdfsig": self.pdfsig}[validator]


def _accepts(verdict: str) -> bool:
    return verdict == VALID or verdict.startswith(VALID + ",")


# ---------------------------------------------------------------- the three validators


def _ours(case: Case) -> tuple[str, tuple[str, ...]]:
    try:
        result = verify_report(case.pdf, trust_roots=case.roots, crls=case.crls)
    except UnusableReportError as exc:
        return "damaged (exit 2)", (exc.message,)
    if case.complete:
        return (VALID if result.passed else "not valid"), tuple(result.sentences())
    # Part-way through its sign-off: judged as the trust server judges a version on arrival.
    try:
        check_partial_report(case.pdf, trust_roots=case.roots, crls=case.crls)
    except ReportRefusedError as exc:
        return "not valid", (*result.sentences(), exc.message)
    return VALID, tuple(result.sentences())


def _pyhanko(case: Case) -> str:
    """pyHanko's bottom line over every signature, validated now against the case's trust."""
    from asn1crypto import crl as asn1_crl  # type: ignore[import-untyped]
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(case.pdf), strict=False)
        bottom_lines = []
        for sig in reader.embedded_regular_signatures:
            context = ValidationContext(
                trust_roots=[asn1_x509.Certificate.load(r.public_bytes(Encoding.DER))
                             for r in case.roots],
                crls=[asn1_crl.CertificateList.load(c.public_bytes(Encoding.DER))
                      for c in case.crls],
                allow_fetching=False,
            )  # fmt: skip
            status = validate_pdf_signature(sig, signer_validation_context=context)
            bottom_lines.append(bool(status.bottom_line))
    except Exception:
        return "cannot read it"
    return VALID if bottom_lines and all(bottom_lines) else "not valid"


def _pdfsig(case: Case, folder: Path) -> str:
    """poppler's verdict on each signature's digest and value (``-nocert``)."""
    path = folder / f"{case.case_id}.pdf"
    path.write_bytes(case.pdf)
    out = subprocess.run(
        ["pdfsig", "-nocert", str(path)], capture_output=True, text=True, check=False
    ).stdout
    said = re.findall(r"Signature Validation: (.*)", out)
    if not said:
        return "cannot read it"
    wrong = [s for s in said if s != "Signature is Valid."]
    if wrong:
        return wrong[0].rstrip(".").lower()
    signed = [block for block in out.split("Signature #") if "Signed Ranges" in block]
    if signed and "Not total document signed" in signed[-1]:
        return VALID + ", not total document signed"
    return VALID


# ---------------------------------------------------------------- the corpus, judged once


@pytest.fixture(scope="module")
def corpus(
    oakwood: SampleTrust, peer_document: ReportDocument, peer_versions: list[bytes]
) -> Mapping[str, Case]:
    return corpus_by_id(build_corpus(oakwood, peer_document, peer_versions[1], peer_versions[-1]))


@pytest.fixture(scope="module")
def judge(
    corpus: Mapping[str, Case], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Verdicts]:
    """The three verdicts on a case, each worked out once per module."""
    folder = tmp_path_factory.mktemp("cross-check")

    @cache
    def verdicts(case_id: str) -> Verdicts:
        case = corpus[case_id]
        ours, sentences = _ours(case)
        return Verdicts(ours, _pyhanko(case), _pdfsig(case, folder), sentences)

    return verdicts


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_each_case_against_pyhanko_and_pdfsig(
    case_id: str, corpus: Mapping[str, Case], judge: Callable[[str], Verdicts]
) -> None:
    case = corpus[case_id]
    verdicts = judge(case_id)
    if not case.rule:
        assert verdicts.ours == VALID, verdicts.sentences
    else:
        assert verdicts.ours != VALID, f"{case_id} passed our verification"
        assert any(case.words in sentence for sentence in verdicts.sentences), verdicts.sentences
    for validator in VALIDATORS:
        theirs = verdicts.of(validator)
        reason = WHY_OURS_IS_RIGHT.get((case_id, validator))
        if _accepts(theirs) != _accepts(verdicts.ours):
            assert reason, (
                f"new disagreement on {case_id}: {validator} says {theirs!r}, Reviewer says "
                f"{verdicts.ours!r}; say in WHY_OURS_IS_RIGHT why ours is right (or fix ours)"
            )
        else:
            assert reason is None, f"{case_id}: {validator} agrees now; drop the stale reason"


def _table(corpus: Mapping[str, Case], judge: Callable[[str], Verdicts]) -> str:
    lines = [
        "| Case | Reviewer | pyHanko's validator | `pdfsig -nocert` | Why Reviewer is right "
        "where they differ |",
        "|---|---|---|---|---|",
    ]
    for case_id in CASE_IDS:
        case = corpus[case_id]
        verdicts = judge(case_id)
        ours = f"**{verdicts.ours}**" if case.rule else verdicts.ours
        if case.rule and verdicts.ours != VALID:
            ours += f" (rule {case.rule})"
        reasons = []
        for validator in VALIDATORS:
            reason = WHY_OURS_IS_RIGHT.get((case_id, validator))
            if reason and reason not in reasons:
                reasons.append(reason)
        lines.append(
            f"| {case.title} | {ours} | {verdicts.pyhanko} | {verdicts.pdfsig} | "
            f"{'; '.join(reasons)} |"
        )
    return "\n".join(lines)


def test_the_table_in_the_docs_is_the_one_the_corpus_gives(
    corpus: Mapping[str, Case], judge: Callable[[str], Verdicts]
) -> None:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(TABLE_START) + len(TABLE_START)
    end = text.index(TABLE_END)
    table = "\n" + _table(corpus, judge) + "\n"
    if os.environ.get("REVIEWER_WRITE_DOCS") == "1":
        DOCS.write_text(text[:start] + table + text[end:], encoding="utf-8")
    assert text[start:end] == table, (
        "docs/verification.md's cross-check table differs from the verdicts; rerun this test "
        "with REVIEWER_WRITE_DOCS=1 and review the change"
    )
