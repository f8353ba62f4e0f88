"""Fixtures for the reports layer: the sample drafts and a sample trust CA (made once)."""

from __future__ import annotations

import pytest

from reviewer_app.reports.document import ReportDraft
from support.sample_reports import (
    SampleTrust,
    peer_review_draft,
    safeguarding_audit_draft,
    sample_photos,
    sample_trust,
)


@pytest.fixture(scope="session")
def trust() -> SampleTrust:
    return sample_trust()


@pytest.fixture(scope="session")
def peer_draft() -> ReportDraft:
    return peer_review_draft(sample_photos(3, width=320, height=240))


@pytest.fixture(scope="session")
def audit_draft() -> ReportDraft:
    return safeguarding_audit_draft()
