"""The summary for the trust board never carries a safeguarding judgement: one neutral line
stands in its place, and every other report keeps the data (and data hash) it had."""

from __future__ import annotations

from dataclasses import replace

from reviewer_app.domain.safeguarding_reports import BOARD_SAFEGUARDING_LINE, HELD_BACK_SUFFIX
from reviewer_app.reports.document import (
    BOARD_SUMMARY,
    FULL_INTERNAL,
    SCHOOL_FACING,
    Finding,
    ReportDraft,
)


def _judging(draft: ReportDraft) -> ReportDraft:
    """The sample peer review as a framework that judges safeguarding builds it: its
    safeguarding criterion held back from the board, with the action agreed on it (the first)
    and the follow-up of an earlier one (the second)."""
    return replace(
        draft,
        safeguarding_criteria=frozenset({"safeguarding.culture"}),
        safeguarding_actions=frozenset({0}),
        safeguarding_follow_ups=frozenset({1}),
    )


def test_the_board_summary_says_one_neutral_line_instead_of_the_safeguarding_judgement(
    peer_draft: ReportDraft,
) -> None:
    before = peer_draft.for_audience(BOARD_SUMMARY)
    after = _judging(peer_draft).for_audience(BOARD_SUMMARY)
    assert "safeguarding" in {s.section_id for s in before.sections}
    assert "safeguarding" not in {s.section_id for s in after.sections}
    assert after.safeguarding_line == BOARD_SAFEGUARDING_LINE
    assert after.report_id == f"RPT-2026-0142{HELD_BACK_SUFFIX}"
    assert after.actions == before.actions[1:]
    assert after.follow_ups == (before.follow_ups[0], *before.follow_ups[2:])
    assert "met-not-met" not in {legend.scale_id for legend in after.scales}


def test_a_section_keeps_its_other_findings_when_one_of_them_judges_safeguarding(
    peer_draft: ReportDraft,
) -> None:
    """As in the health check, where safeguarding is one of the priority areas."""
    area = next(s for s in peer_draft.sections if s.section_id == "safeguarding")
    finding = Finding("safeguarding.culture.detail", "Detail", None, ("Rows 4 and 9",))
    mixed = replace(
        area,
        section_id="priority-areas",
        findings=(*area.findings, finding, Finding("inclusion", "Inclusion")),
    )
    draft = _judging(replace(peer_draft, sections=(mixed,)))
    board = draft.for_audience(BOARD_SUMMARY)
    assert [[f.criterion_id for f in s.findings] for s in board.sections] == [["inclusion"]]


def test_every_other_report_keeps_its_data_hash(peer_draft: ReportDraft) -> None:
    judging = _judging(peer_draft)
    for audience in (FULL_INTERNAL, SCHOOL_FACING):
        assert (
            judging.for_audience(audience).data_hash()
            == peer_draft.for_audience(audience).data_hash()
        )
        assert "safeguarding_line" not in judging.for_audience(audience).canonical_json()
    plain = peer_draft.for_audience(BOARD_SUMMARY)
    assert plain.report_id == "RPT-2026-0142-board-summary"
    assert "safeguarding_line" not in plain.canonical_json()
