"""Signed sample reports for the report preview and Verify report dialog tests."""

from __future__ import annotations

import pytest

from reviewer_app.reports.document import SCHOOL_FACING
from reviewer_app.reports.sample_reports import (
    SampleTrust,
    peer_review_draft,
    sample_photos,
    sample_trust,
)
from reviewer_app.reports.signing import prepare_and_render, sign_report


@pytest.fixture(scope="session")
def gui_trust() -> SampleTrust:
    return sample_trust()


@pytest.fixture(scope="session")
def signed_versions(gui_trust: SampleTrust) -> list[bytes]:
    """The school-facing peer review: prepared, then after each of its three signatures."""
    document = peer_review_draft(sample_photos(2, width=320, height=240)).for_audience(
        SCHOOL_FACING
    )
    versions = [prepare_and_render(document)]
    for name in ("Amira Hussain", "Tom Fletcher", "Dr Sarah Whitfield"):
        versions.append(
            sign_report(
                versions[-1],
                gui_trust.signers[name],
                trust_roots=[gui_trust.root],
                crls=[gui_trust.crl],
            )
        )
    return versions
