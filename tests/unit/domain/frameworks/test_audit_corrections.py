"""What the product audit found wrong in the shipped content (product-audit.md section 5), put
right in new versions, with the versions reviews already use left exactly as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer_app.domain.frameworks import (
    Framework,
    FrameworkLibrary,
    Outcome,
    suggest_category,
)

#: Content hashes of every framework version shipped before now. A version reviews may have been
#: started on must never change; change a framework by adding a version (frameworks/README.md).
SHIPPED_VERSIONS = Path(__file__).with_name("shipped_versions.txt")


def _shipped() -> dict[str, str]:
    lines = SHIPPED_VERSIONS.read_text(encoding="utf-8").splitlines()
    return dict(line.split() for line in lines if line and not line.startswith("#"))


def test_no_shipped_version_has_changed(installed: FrameworkLibrary) -> None:
    now = {f.reference: f.content_hash for f in installed.frameworks}
    changed = [ref for ref, digest in _shipped().items() if now.get(ref) != digest]
    assert changed == [], f"these versions changed or vanished: {changed}; add a version instead"
    unlisted = sorted(set(now) - set(_shipped()))
    assert unlisted == [], f"list the new versions in {SHIPPED_VERSIONS.name}: {unlisted}"


PERFORMANCE_MANAGEMENT = (
    "ht-performance-management-final",
    "ht-performance-management-interim",
    "staff-performance-management",
    "staff-interim-reviews",
)


def test_performance_management_is_only_in_the_full_internal_report(
    installed: FrameworkLibrary,
) -> None:
    visit = installed.get("half-termly-core-visit")
    assert visit.version == "2"
    for criterion_id in PERFORMANCE_MANAGEMENT:
        criterion = visit.criterion(criterion_id)
        assert Framework.shown_in(criterion, "full_internal")
        assert not Framework.shown_in(criterion, "school_facing")
        assert not Framework.shown_in(criterion, "board_summary")
    # Version 1, which earlier reviews keep, is as it was.
    first = installed.get("half-termly-core-visit", "1")
    assert Framework.shown_in(first.criterion(PERFORMANCE_MANAGEMENT[0]), "school_facing")


def test_the_interim_category_is_in_the_schools_own_report(installed: FrameworkLibrary) -> None:
    visit = installed.get("half-termly-core-visit")
    section = visit.section_of("direction")
    assert Framework.shown_in(section, "school_facing")
    assert not Framework.shown_in(
        installed.get("half-termly-core-visit", "1").section_of("direction"), "school_facing"
    )


def _outcome(criterion: str, level: str, framework: str = "improvement-partner-visit") -> Outcome:
    return Outcome(criterion, level, framework)


@pytest.mark.parametrize(
    ("level", "expected"), [("needs_attention", "amber"), ("urgent_improvement", "red")]
)
def test_oldham_leadership_needing_attention_suggests_amber_not_red(
    installed: FrameworkLibrary, level: str, expected: str
) -> None:
    scheme = installed.scheme("oldham-support-levels")
    suggestion = suggest_category(scheme, [_outcome("leadership-and-governance", level)])
    assert suggestion.level is not None
    assert suggestion.level.key == expected


def test_the_regional_director_replaces_the_regional_schools_commissioner(
    installed: FrameworkLibrary,
) -> None:
    texts = [s.model_dump_json() for s in installed.schemes]
    texts += [f.model_dump_json() for f in installed.frameworks]
    assert not any("Regional Schools Commissioner" in text for text in texts)
    assert "DfE Regional Director" in installed.scheme("oldham-support-levels").description


def test_no_overall_grade_sits_beside_the_old_ofsted_categories(
    installed: FrameworkLibrary,
) -> None:
    visit = installed.get("half-termly-core-visit")
    last = visit.scale_for(visit.criterion("last-ofsted-category"))
    assert last is not None
    assert [lvl.key for lvl in last.levels][-1] == "no_overall_grade"
    assert last.level("no_overall_grade").label == (
        "No overall grade (inspected from September 2024)"
    )
    agreed = visit.criterion("agreed-equivalent-category")
    equivalent = visit.scale_for(agreed)
    assert equivalent is not None
    assert equivalent.not_an_ofsted_grade
    assert "not an Ofsted grade" in equivalent.note
    assert agreed.visible_when is not None
    assert (agreed.visible_when.answer, agreed.visible_when.equals) == (
        "last-ofsted-category",
        "no_overall_grade",
    )
    # The equivalent category leads OWLS's suggestion as the last category would.
    scheme = installed.scheme("owls-categories")
    suggestion = suggest_category(
        scheme,
        [
            _outcome("last-ofsted-category", "no_overall_grade", visit.id),
            _outcome("agreed-equivalent-category", "category_2", visit.id),
            _outcome("direction", "in_line", visit.id),
        ],
    )
    assert suggestion.level is not None
    assert suggestion.level.key == "2b"


def test_an_ungraded_collaborative_enquiry_stands_beside_the_graded_peer_review(
    installed: FrameworkLibrary,
) -> None:
    enquiry = installed.get("collaborative-enquiry")
    assert enquiry.scales == ()
    assert not any(c.is_rated for c in enquiry.criteria())
    assert any(f.id == "enquiry-question" and f.required for f in enquiry.fields)
    assert installed.get("two-day-peer-review").default_scale == "ofsted-2025-five-point@1"
    assert "collaborative-enquiry" in installed.profile("oak-learning-partnership").frameworks
    assert "two-day-peer-review" in installed.profile("owls").frameworks


def test_caveats_kept_in_comments_are_now_part_of_the_framework(
    installed: FrameworkLibrary,
) -> None:
    walk = installed.get("learning-walk")
    caveats = walk.caveats()
    assert len(caveats) == 4
    assert all("To be confirmed by the trust" in c for c in caveats)
    assert caveats[0].startswith("L: Learning intentions: ")
    # Only the parts shown: a walk focused on climate has no caveat to show.
    assert walk.caveats({"climate", "climate-routines"}) == ()
    book = installed.get("book-look")
    assert [c.split(":")[0] for c in book.caveats()] == [
        "Pupils' progress",
        "Practice and consolidation",
    ]
    peer = installed.get("two-day-peer-review")
    assert peer.caveat
    assert peer.caveats()[0] == peer.caveat
    assert len(peer.caveats()) == 3
