"""The report view model: audience filtering and the data hash."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer_app.domain.errors import ValidationError
from reviewer_app.reports.document import (
    BOARD_SUMMARY,
    FULL_INTERNAL,
    SCHOOL_FACING,
    ReportDraft,
    SignOffSlot,
    audience_named,
)


def _titles(draft: ReportDraft, audience: str) -> list[str]:
    return [s.section_id for s in draft.for_audience(audience).sections]


def test_full_internal_report_shows_every_section_including_restricted(
    peer_draft: ReportDraft,
) -> None:
    document = peer_draft.for_audience(FULL_INTERNAL)
    assert [s.section_id for s in document.sections] == [s.section_id for s in peer_draft.sections]
    assert "safeguarding_detail" in {a.section_id for a in document.actions}
    assert any(n.section_id == "safeguarding_detail" for n in document.evidence_notes)
    assert document.photos
    assert document.follow_ups
    assert document.report_id == "RPT-2026-0142-full-internal"


def test_school_facing_report_leaves_out_restricted_detail_and_what_hangs_off_it(
    peer_draft: ReportDraft,
) -> None:
    document = peer_draft.for_audience(SCHOOL_FACING)
    shown = {s.section_id for s in document.sections}
    assert "safeguarding_detail" not in shown
    assert "safeguarding" in shown  # the met / not met judgement itself is for the school
    assert all(a.section_id != "safeguarding_detail" for a in document.actions)
    assert all(n.section_id != "safeguarding_detail" for n in document.evidence_notes)
    assert "P-0522" not in document.canonical_json()
    assert document.photos  # the appendix is for the school


def test_board_summary_has_judgements_and_actions_but_no_evidence_or_appendix(
    peer_draft: ReportDraft,
) -> None:
    document = peer_draft.for_audience(BOARD_SUMMARY)
    assert "safeguarding_detail" not in {s.section_id for s in document.sections}
    assert all(not f.evidence for s in document.sections for f in s.findings)
    assert not document.evidence_notes
    assert not document.photos
    assert document.follow_ups
    assert len(document.summary) == len(document.sections)


def test_restricted_section_stays_out_even_when_its_audiences_name_the_school(
    audit_draft: ReportDraft,
) -> None:
    scr = next(s for s in audit_draft.sections if s.section_id == "scr")
    assert SCHOOL_FACING in scr.audiences
    assert scr.restricted
    assert "scr" not in _titles(audit_draft, SCHOOL_FACING)
    assert "scr" in _titles(audit_draft, FULL_INTERNAL)
    assert _titles(audit_draft, BOARD_SUMMARY) == []  # the framework shows the board nothing


def test_only_scales_used_by_shown_sections_are_kept(audit_draft: ReportDraft) -> None:
    assert audit_draft.for_audience(FULL_INTERNAL).scales
    assert audit_draft.for_audience(BOARD_SUMMARY).scales == ()


def test_data_hash_is_stable_and_follows_every_change(peer_draft: ReportDraft) -> None:
    document = peer_draft.for_audience(FULL_INTERNAL)
    again = peer_draft.for_audience(FULL_INTERNAL)
    assert document.data_hash() == again.data_hash()
    assert len(document.data_hash()) == 64
    changed_text = replace(document, school_name="Hollins Park Primary")
    assert changed_text.data_hash() != document.data_hash()
    photo = document.photos[0]
    changed_photo = replace(document, photos=(replace(photo, data=photo.data + b"\0"),))
    assert changed_photo.data_hash() != document.data_hash()
    assert document.data_hash() != peer_draft.for_audience(SCHOOL_FACING).data_hash()


def test_canonical_json_holds_photo_hashes_not_bytes(peer_draft: ReportDraft) -> None:
    text = peer_draft.for_audience(FULL_INTERNAL).canonical_json()
    assert '"sha256"' in text
    assert "JFIF" not in text


def test_two_sign_off_slots_with_one_order_are_refused(peer_draft: ReportDraft) -> None:
    slots = (SignOffSlot(1, "Peer reviewer", "A"), SignOffSlot(1, "Lead reviewer", "B"))
    with pytest.raises(ValidationError, match="same order"):
        replace(peer_draft, sign_off=slots).for_audience(FULL_INTERNAL)


def test_a_report_needs_a_visit_date(peer_draft: ReportDraft) -> None:
    with pytest.raises(ValidationError, match="no visit date"):
        replace(peer_draft, visit_dates=()).for_audience(FULL_INTERNAL)
    assert peer_draft.visit_dates[0] == date(2026, 3, 10)


def test_unknown_audience_names_the_known_ones() -> None:
    with pytest.raises(ValidationError) as caught:
        audience_named("governors")
    assert "governors" in caught.value.message
    assert FULL_INTERNAL in caught.value.hint


_AUDIENCE_KEYS = (FULL_INTERNAL, SCHOOL_FACING, BOARD_SUMMARY)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.frozensets(st.sampled_from(_AUDIENCE_KEYS)),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(_AUDIENCE_KEYS),
)
def test_no_audience_ever_sees_a_section_it_may_not(
    shapes: list[tuple[frozenset[str], bool]], audience_key: str
) -> None:
    from support.sample_reports import peer_review_draft

    base = peer_review_draft()
    sections = tuple(
        replace(base.sections[0], section_id=f"s{i}", audiences=audiences, restricted=restricted)
        for i, (audiences, restricted) in enumerate(shapes)
    )
    actions = tuple(replace(base.actions[0], section_id=section.section_id) for section in sections)
    document = replace(base, sections=sections, actions=actions).for_audience(audience_key)
    audience = audience_named(audience_key)
    for i, (audiences, restricted) in enumerate(shapes):
        shown = f"s{i}" in {s.section_id for s in document.sections}
        assert shown == (
            audience_key in audiences and (audience.allows_restricted or not restricted)
        )
        assert shown == (f"s{i}" in {a.section_id for a in document.actions})
