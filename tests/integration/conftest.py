"""Signed sample reports, made once per session with a real CA and real pyHanko signatures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reviewer_app.reports.document import FULL_INTERNAL, ReportDocument
from reviewer_app.reports.signing import prepare_and_render, sign_report
from support.sample_reports import SampleTrust, peer_review_draft, sample_photos, sample_trust

PEER_SIGNERS = ("Amira Hussain", "Tom Fletcher", "Dr Sarah Whitfield")


@pytest.fixture(scope="session")
def oakwood() -> SampleTrust:
    return sample_trust("Oakwood Learning Trust")


@pytest.fixture(scope="session")
def peer_document() -> ReportDocument:
    return peer_review_draft(sample_photos(2, width=320, height=240)).for_audience(FULL_INTERNAL)


#: When the session's peer review signatures were made: (before the first, after the last).
SIGNING_WINDOW: list[datetime] = []


@pytest.fixture(scope="session")
def peer_versions(oakwood: SampleTrust, peer_document: ReportDocument) -> list[bytes]:
    """The peer review report prepared, then after each of the three signatures, in order."""
    SIGNING_WINDOW[:] = [datetime.now(UTC).replace(microsecond=0)]
    versions = [prepare_and_render(peer_document)]
    for name in PEER_SIGNERS:
        versions.append(
            sign_report(
                versions[-1],
                oakwood.signers[name],
                trust_roots=[oakwood.root],
                crls=[oakwood.crl],
            )
        )
    SIGNING_WINDOW.append(datetime.now(UTC))
    return versions


@pytest.fixture(scope="session")
def peer_signed_between(peer_versions: list[bytes]) -> tuple[datetime, datetime]:
    """The times the session's peer review signatures were made between (the test session may
    reach a test that checks them many minutes later)."""
    first, last = SIGNING_WINDOW
    return first, last


@pytest.fixture(scope="session")
def fully_signed(peer_versions: list[bytes]) -> bytes:
    return peer_versions[-1]
