"""Which signed reports a reader without a safeguarding role may have, and why not."""

from __future__ import annotations

import pytest

from reviewer_app.domain.frameworks import load_library
from reviewer_app.domain.safeguarding_reports import (
    HELD_BACK_SUFFIX,
    ReportFramework,
    why_withheld,
)
from reviewer_app.paths import frameworks_dir, resources_dir

AUDIT = ReportFramework("Safeguarding audit", safeguarding=True, judges_safeguarding=False)
PEER = ReportFramework("Two-day peer review", safeguarding=False, judges_safeguarding=True)
WALK = ReportFramework("Learning walk", safeguarding=False, judges_safeguarding=False)
CORE = ReportFramework(
    "Half-termly core visit", safeguarding=False, judges_safeguarding=False, restricted_parts=True
)
NEW_BOARD = f"100001-20260302-ab12cd34{HELD_BACK_SUFFIX}"
OLD_BOARD = "100001-20260302-ab12cd34-board-summary"


@pytest.mark.parametrize(
    ("audience", "report_id", "framework", "allowed"),
    [
        ("board_summary", NEW_BOARD, PEER, True),
        ("board_summary", OLD_BOARD, PEER, False),  # signed while it still held the judgement
        ("school_facing", "x-school-facing", PEER, False),
        ("full_internal", "x-full-internal", PEER, False),
        ("board_summary", NEW_BOARD, AUDIT, False),
        ("school_facing", "x-school-facing", AUDIT, False),
        ("board_summary", OLD_BOARD, WALK, True),
        ("school_facing", "x-school-facing", WALK, True),
        ("full_internal", "x-full-internal", WALK, True),
        ("school_facing", "x-school-facing", CORE, True),
        ("full_internal", "x-full-internal", CORE, False),
    ],
)
def test_a_reader_without_a_safeguarding_role(
    audience: str, report_id: str, framework: ReportFramework, allowed: bool
) -> None:
    why = why_withheld(audience, report_id, framework, safeguarding_reader=False)
    assert (why == "") is allowed
    assert why_withheld(audience, report_id, framework, safeguarding_reader=True) == ""


def test_the_reason_names_the_version_held_back_and_who_can_download_it() -> None:
    assert why_withheld("school_facing", "x", PEER, safeguarding_reader=False) == (
        "The school's report carries the safeguarding judgement: a safeguarding lead can "
        "download it."
    )
    assert "safeguarding lead" in why_withheld("board_summary", OLD_BOARD, PEER,
                                               safeguarding_reader=False)  # fmt: skip


def test_every_shipped_framework_with_a_safeguarding_judgement_is_known_to_judge_it() -> None:
    # The phase benchmark review judges safeguarding as a best-fit phase: its reports for the
    # school carry it, and its board summary holds it back, as a peer review's does.
    library = load_library(frameworks_dir(), resources_dir=resources_dir())
    judging = {
        framework.id
        for framework in (library.latest(i) for i in library.framework_ids)
        if ReportFramework.of(framework).judges_safeguarding
    }
    assert {"two-day-peer-review", "health-check", "phase-benchmark-review"} <= judging
    for framework_id in judging:
        framework = ReportFramework.of(library.latest(framework_id))
        if not framework.safeguarding:
            assert why_withheld("school_facing", "x", framework, safeguarding_reader=False)
            assert not why_withheld("board_summary", f"x{HELD_BACK_SUFFIX}", framework,
                                    safeguarding_reader=False)  # fmt: skip
