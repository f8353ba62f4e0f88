"""Checking a signed report (services.report_checking): the road the Verify report dialog and
``reviewer-app verify`` share, with a real report signed by the sample trust and pyHanko."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.reports.document import SCHOOL_FACING
from reviewer_app.reports.signing import prepare_and_render, sign_report
from reviewer_app.services.report_checking import CheckedReport, check_report, check_report_file
from support.sample_reports import SampleTrust, peer_review_draft, sample_trust


@pytest.fixture(scope="module")
def trust() -> SampleTrust:
    return sample_trust()


@pytest.fixture(scope="module")
def signed(trust: SampleTrust) -> bytes:
    document = peer_review_draft([]).for_audience(SCHOOL_FACING)
    return sign_report(
        prepare_and_render(document),
        trust.signers["Amira Hussain"],
        trust_roots=[trust.root],
        crls=[trust.crl],
    )


def test_a_report_not_in_the_local_store_is_checked_on_its_signatures(
    trust: SampleTrust, signed: bytes
) -> None:
    asked: list[str] = []

    def not_there(report_id: str) -> str | None:
        asked.append(report_id)
        return None

    checked = check_report(signed, [trust.root], [trust.crl], source="r.pdf", stored_hash=not_there)
    assert asked == [checked.verification.report_id]
    assert not checked.checked_against_store
    assert checked.verification.data_hash


def test_a_review_changed_since_signing_makes_the_report_fail(
    trust: SampleTrust, signed: bytes
) -> None:
    checked = check_report(
        signed, [trust.root], [trust.crl], source="r.pdf", stored_hash=lambda _id: "0" * 64
    )
    assert checked.checked_against_store
    assert not checked.verification.passed
    assert any("in the review" in p for p in checked.verification.problems)


def test_a_store_that_cannot_answer_skips_that_check_only(
    trust: SampleTrust, signed: bytes
) -> None:
    def locked(_report_id: str) -> str | None:
        raise ReviewerError("The store needs its passphrase.")

    same = check_report(signed, [trust.root], [trust.crl], source="r.pdf")
    checked = check_report(signed, [trust.root], [trust.crl], source="r.pdf", stored_hash=locked)
    assert not checked.checked_against_store
    assert checked.verification.passed == same.verification.passed


def test_a_file_that_is_not_a_report_gets_a_sentence_naming_it(
    trust: SampleTrust, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.pdf"
    notes.write_text("just notes")
    assert "notes.pdf is not a PDF file" in str(check_report_file(notes, [trust.root], []))
    missing = check_report_file(tmp_path / "gone.pdf", [trust.root], [])
    assert not isinstance(missing, CheckedReport)
    assert "gone.pdf cannot be read" in missing
