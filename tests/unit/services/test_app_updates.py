"""Which published app version counts as an update (PEP 440 order, not string order)."""

from __future__ import annotations

import pytest

from reviewer_app.services.app_updates import AppUpdate, newer
from reviewer_app.sync.protocol import AppRelease


@pytest.mark.parametrize(
    ("published", "current", "update"),
    [
        ("0.10.0", "0.9.0", True),  # string order would say no
        ("1.0.0", "1.0.0rc2", True),
        ("1.0.0rc2", "1.0.0", False),
        ("0.9.0", "0.10.0", False),
        ("1.0", "1.0.0", False),
        ("not a version", "1.0.0", False),
    ],
)
def test_newer_follows_version_order(published: str, current: str, update: bool) -> None:
    found = newer(AppRelease(version=published), current)
    assert (found is not None) is update


def test_the_sentence_says_where_or_whom_to_ask() -> None:
    assert AppUpdate("2.0", "https://x.example/r", "1.0").sentence() == (
        "Reviewer 2.0 is available (you have 1.0): https://x.example/r."
    )
    assert AppUpdate("2.0", None, "1.0").sentence() == (
        "Reviewer 2.0 is available (you have 1.0) from your trust's IT."
    )
