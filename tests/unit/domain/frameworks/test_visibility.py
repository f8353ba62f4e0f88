"""Visibility conditions on answers, school facts, roles and report audiences."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer_app.domain.frameworks import (
    Framework,
    FrameworkLibrary,
    load_library,
    missing_required,
    visibility,
    visible_criteria,
)
from reviewer_app.domain.frameworks.visibility import find_cycles
from reviewer_app.domain.organisation import Phase, Role, School

Write = Callable[[str, str], Path]

CONDITIONAL = """\
kind: framework
id: cond
version: "1"
title: Conditional
owner: Test trust
default_scale: s
scales:
  - id: s
    version: "1"
    title: S
    levels:
      - {key: good, label: Good, rank: 1, colour: "#00AA00"}
      - {key: poor, label: Poor, rank: 0, colour: "#AA0000"}
fields:
  - id: focus
    label: Focus
    kind: multi_choice
    options: [{key: reading, label: Reading}, {key: maths, label: Maths}]
criterion_fields:
  - {id: evidence, label: Evidence}
  - {id: action, label: Action, visible_when: {answer: "@criterion", equals: poor}}
sections:
  - id: main
    title: Main
    criteria:
      - {id: overall, title: Overall}
      - id: follow-up
        title: Follow-up when overall is poor
        visible_when: {answer: overall, equals: poor}
      - id: deeper
        title: Deeper, after the follow-up is answered
        visible_when: {answer: follow-up, answered: true}
      - id: reading
        title: Reading
        visible_when: {answer: focus, one_of: [reading]}
      - id: secondary-only
        title: Secondary or all-through only
        visible_when: {fact: phase, one_of: [secondary, all_through]}
      - id: not-primary
        title: Anything but primary
        visible_when: {not: {fact: phase, equals: primary}}
  - id: early-years
    title: Early years
    visible_when: {fact: has_early_years, equals: true}
    criteria:
      - {id: eyfs, title: EYFS}
  - id: sixth-form
    title: Sixth form
    visible_when: {all: [{fact: has_sixth_form, equals: true}, {answer: overall, answered: true}]}
    criteria:
      - {id: post-16, title: Post-16}
  - id: restricted
    title: Safeguarding detail
    visible_to: [safeguarding_lead]
    audiences: [full_internal]
    criteria:
      - {id: scr, title: SCR}
      - id: board-bit
        title: Shown to the board too
        audiences: [board_summary]
"""


@pytest.fixture
def framework(tmp_path: Path, write_yaml: Write) -> Framework:
    write_yaml("cond.yaml", CONDITIONAL)
    return load_library(tmp_path).get("cond")


PRIMARY = School(
    id="s1", trust_id="t", urn="123456", name="Primary", phase=Phase.PRIMARY, has_early_years=True
).facts()
SECONDARY = School(
    id="s2",
    trust_id="t",
    urn="654321",
    name="Secondary",
    phase=Phase.SECONDARY,
    has_sixth_form=True,
).facts()


def shown(
    framework: Framework, answers: dict[str, object], facts: dict[str, object], roles: list[Role]
) -> list[str]:
    return [c.id for c in visible_criteria(framework, answers, facts, roles)]


def test_answers_reveal_criteria_and_hiding_cascades(framework: Framework) -> None:
    assert shown(framework, {}, PRIMARY, []) == ["overall", "eyfs"]
    poor = shown(framework, {"overall": "poor"}, PRIMARY, [])
    assert poor == ["overall", "follow-up", "eyfs"]
    both = {"overall": "poor", "follow-up": "good"}
    assert "deeper" in shown(framework, both, PRIMARY, [])
    # once overall is good the follow-up hides, and its answer no longer reveals 'deeper'
    assert "deeper" not in shown(framework, {**both, "overall": "good"}, PRIMARY, [])


def test_multiple_choice_answers_match_any_choice(framework: Framework) -> None:
    assert "reading" in shown(framework, {"focus": ["maths", "reading"]}, PRIMARY, [])
    assert "reading" not in shown(framework, {"focus": ["maths"]}, PRIMARY, [])


def test_school_facts(framework: Framework) -> None:
    primary = shown(framework, {"overall": "good"}, PRIMARY, [])
    secondary = shown(framework, {"overall": "good"}, SECONDARY, [])
    assert "eyfs" in primary
    assert "eyfs" not in secondary
    assert "post-16" in secondary
    assert "post-16" not in primary
    assert "secondary-only" in secondary
    assert "not-primary" in secondary
    assert "not-primary" not in primary
    # sixth form also waits for the overall answer (all: fact and answer)
    assert "post-16" not in shown(framework, {}, SECONDARY, [])


def test_roles_restrict_sections_and_whole_frameworks(
    framework: Framework, installed: FrameworkLibrary
) -> None:
    assert "scr" not in shown(framework, {}, PRIMARY, [Role.PEER_REVIEWER])
    assert "scr" in shown(framework, {}, PRIMARY, [Role.SAFEGUARDING_LEAD])
    assert "scr" in shown(framework, {}, PRIMARY, ["safeguarding_lead"])  # plain strings too
    audit = installed.get("safeguarding-audit")
    assert visible_criteria(audit, {}, PRIMARY, [Role.LEAD_REVIEWER, Role.TRUST_ADMIN]) == ()
    everything = tuple(audit.criteria())
    assert visible_criteria(audit, {}, PRIMARY, [Role.SAFEGUARDING_LEAD]) == everything


def test_report_audiences(framework: Framework) -> None:
    roles = [Role.SAFEGUARDING_LEAD]
    internal = visible_criteria(framework, {}, PRIMARY, roles, audience="full_internal")
    board = visible_criteria(framework, {}, PRIMARY, roles, audience="board_summary")
    assert {c.id for c in internal} >= {"scr", "overall"}
    assert "board-bit" not in {c.id for c in internal}
    # the restricted section is internal only, so even the board item inside it is hidden
    assert {c.id for c in board} == {"overall", "eyfs"}


def test_criterion_fields_follow_their_own_criterion(framework: Framework) -> None:
    seen = visibility(framework, {"overall": "poor"}, PRIMARY, [])
    assert "overall.evidence" in seen.fields
    assert "overall.action" in seen.fields
    assert "follow-up.action" not in seen.fields  # follow-up is unanswered
    assert "eyfs.action" not in seen.fields
    assert seen.shows("main")
    assert not seen.shows("sixth-form")


def test_find_cycles_reports_each_cycle_once() -> None:
    graph = {"a": ("b",), "b": ("c",), "c": ("a",), "d": ("d",), "e": ("a",)}
    cycles = find_cycles(graph)
    assert sorted(cycles) == [("a", "b", "c", "a"), ("d", "d")]


def test_visibility_survives_a_cycle_without_recursing_for_ever(framework: Framework) -> None:
    # The checker refuses cycles; if one reached visibility anyway it must not hang.
    section = framework.sections[0]
    looped = section.criteria[0].model_copy(
        update={"visible_when": section.criteria[1].visible_when}
    )
    broken = framework.model_copy(
        update={
            "sections": (section.model_copy(update={"criteria": (looped, *section.criteria[1:])}),)
        }
    )
    assert shown(broken, {"overall": "poor"}, PRIMARY, []) == []


def test_missing_required_counts_only_what_is_visible(installed: FrameworkLibrary) -> None:
    review = installed.get("two-day-peer-review")
    roles = [Role.LEAD_REVIEWER]
    primary = {"phase": "primary", "has_early_years": True, "has_sixth_form": False}
    missing = {m.item_id for m in missing_required(review, {}, primary, roles)}
    assert {"inclusion", "early-years", "enquiry-question", "day-plan"} <= missing
    assert "sixth-form" not in missing  # the school has no sixth form
    assert "scr-sample" not in missing  # optional, and for safeguarding roles only

    areas = [c.id for c in review.criteria() if c.is_rated and c.required]
    answers: dict[str, object] = dict.fromkeys(areas, "expected_standard")
    answers["safeguarding"] = "met"
    answers["self-evaluation-validated"] = "confirmed"
    for stored_id, spec in review.all_fields():
        if spec.required:
            answers[stored_id] = (
                True
                if spec.kind == "yes_no"
                else "school"
                if spec.kind == "choice"
                else "Some words."
            )
    answers["day-plan"] = [
        {"day": "day-1", "time": "09:00", "activity": "Opening meeting"},
        {"day": "day-2", "time": "  ", "activity": "Feedback"},
    ]
    left = missing_required(review, answers, primary, roles)
    assert [(m.item_id, m.detail) for m in left] == [("day-plan", "Activity 2: Time")]
    assert left[0].section_id is None
    assert left[0].describe() == "Fill in 'Day plan' (Activity 2: Time)."


def test_missing_required_in_criterion_fields_points_at_the_section(framework: Framework) -> None:
    missing = missing_required(framework, {"overall": "poor"}, PRIMARY, [])
    assert [(m.item_id, m.kind, m.section_id) for m in missing] == [
        ("follow-up", "criterion", "main"),
        ("eyfs", "criterion", "early-years"),
    ]
