"""Hostile bundles are refused in one sentence naming the part at fault, before any write."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from reviewer_app.domain.errors import ValidationError
from reviewer_app.services.bundle_schema import (
    MAX_DEPTH,
    MAX_TEXT,
    checked_bundle,
    parse_bundle_text,
)
from reviewer_app.services.framework_catalogue import installed_library


def _bundle() -> dict[str, Any]:
    framework = installed_library().latest("learning-walk")
    return {
        "format": "reviewer-bundle", "version": 1, "exported_at": "2026-12-07T10:00:00+00:00",
        "exported_by": "p1", "trust": {"id": "t1", "name": "Oak"}, "trusts": [],
        "schools": [{"id": "s1", "trust_id": "t1", "urn": "100001", "name": "Ash Primary",
                     "phase": "primary"}],
        "people": [{"id": "p1", "trust_id": "t1", "name": "Pat", "email": "pat@oak.example",
                    "roles": ["peer_reviewer"]}],
        "reviews": [{
            "review": {"id": "r1", "visit_id": "v1", "framework_id": framework.id,
                       "framework_version": framework.version,
                       "framework_hash": framework.content_hash, "state": "draft"},
            "framework_snapshot": json.dumps(framework.to_snapshot()),
            "visit": {"id": "v1", "school_id": "s1", "framework_id": framework.id,
                      "planned_start": "2026-03-02", "planned_end": "2026-03-02",
                      "reviewers": [{"person_id": "p1", "role": "peer_reviewer"}],
                      "status": "in_progress"},
            "records": {"evidence_note": [{"id": "n1", "text": "Calm corridors"}]},
            "fields": [{"field_id": "focus", "value": "Reading", "version": 2,
                        "server_version": 1, "author_id": "p1",
                        "updated_at": "2026-03-02T10:00:00+00:00"}],
            "operations": [],
        }],
        "blobs": {},
        "signed_reports": [],
    }  # fmt: skip


def test_a_well_formed_bundle_passes() -> None:
    assert checked_bundle(_bundle(), "b.reviewer").reviews[0].review.id == "r1"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda b: b["reviews"][0]["fields"][0].update(version="2"),
         "review r1 (fields.0.version)"),
        (lambda b: b["reviews"][0]["review"].update(amendment_reason="x" * (MAX_TEXT + 1)),
         "review r1 (review.amendment_reason)"),
        (lambda b: b.update(people="everyone"), "people"),
        (lambda b: b["reviews"][0].update(framework_snapshot="garbage"), "copy of the framework"),
        (lambda b: b["reviews"][0].update(framework_snapshot=json.dumps(
            installed_library().latest("book-look").to_snapshot())),
         "not the framework the review"),
        (lambda b: b["blobs"].update({"0" * 64: 12}), "blobs"),
    ],
    ids=["version-as-text", "long-string", "wrong-type", "garbage-framework",
         "other-framework", "blob-type"],
)  # fmt: skip
def test_hostile_parts_are_named(change: Any, named: str | None) -> None:
    bundle = copy.deepcopy(_bundle())
    change(bundle)
    with pytest.raises(ValidationError) as refused:
        checked_bundle(bundle, "b.reviewer")
    assert named in str(refused.value)
    assert str(refused.value).startswith("b.reviewer")


def test_deep_nesting_is_refused_without_recursion() -> None:
    deep = '{"format": "reviewer-bundle", "version": 1, "x": ' + "[" * 5000 + "]" * 5000 + "}"
    with pytest.raises(ValidationError, match="nested more deeply than any bundle"):
        parse_bundle_text(deep, "deep.reviewer")
    very_deep = "[" * 200_000 + "]" * 200_000
    with pytest.raises(ValidationError, match="nested"):
        parse_bundle_text(very_deep, "deeper.reviewer")
    assert MAX_DEPTH < 100


def test_a_huge_string_anywhere_is_refused_before_the_schema() -> None:
    bundle = _bundle()
    bundle["reviews"][0]["records"]["evidence_note"][0]["text"] = "x" * (MAX_TEXT + 1)
    with pytest.raises(ValidationError, match="its text holds a text of 200,001 characters"):
        parse_bundle_text(json.dumps(bundle), "big.reviewer")
    # Files and the framework copy are long by nature, and limited by the schema instead.
    bundle = _bundle()
    bundle["blobs"] = {"0" * 64: "QUFB" * (MAX_TEXT // 2)}
    assert parse_bundle_text(json.dumps(bundle), "photos.reviewer")["blobs"]
