"""Suggestion rules per scheme, checked against the seed documents' descriptors.

Every suggestion must name the outcomes that led to it; a person decides.
"""

from __future__ import annotations

import pytest

from reviewer_app.domain.frameworks import (
    CategorisationScheme,
    FrameworkLibrary,
    Outcome,
    outcomes_for,
    suggest_category,
)

AREAS = (
    "inclusion",
    "curriculum-and-teaching",
    "achievement",
    "attendance-and-behaviour",
    "personal-development-and-wellbeing",
    "leadership-and-governance",
)


def areas(level: str, **overrides: str) -> list[Outcome]:
    """Six area outcomes at ``level`` plus safeguarding; overrides by id with underscores."""
    found = {area: overrides.get(area.replace("-", "_"), level) for area in AREAS}
    found["safeguarding"] = overrides.get("safeguarding", "met")
    return [
        Outcome(criterion_id=k, level_key=v, framework_id="health-check") for k, v in found.items()
    ]


# ------------------------------------------------------------------ tiers (seed 001)
@pytest.fixture
def tiers(installed: FrameworkLibrary) -> CategorisationScheme:
    return installed.scheme("school-improvement-tiers")


def test_tiers_levels_and_cadence_match_the_seed(tiers: CategorisationScheme) -> None:
    assert [lvl.key for lvl in tiers.levels] == ["lead", "grow", "reinvent", "stabilise"]
    cadences = [lvl.visit_cadence for lvl in tiers.levels]
    for cadence, weeks in zip(
        cadences, ("every 4 weeks", "every 4 weeks", "every 2 weeks", "every week"), strict=True
    ):
        assert f"CEO 1:1 {weeks}" in cadence
    assert "annual external health check" in cadences[0]
    assert "twice a year" in cadences[2]
    assert "every term" in cadences[3]
    assert "Safeguarding arrangements are ineffective" in tiers.level("stabilise").descriptors


def test_tier_4_when_safeguarding_is_not_met(tiers: CategorisationScheme) -> None:
    suggestion = suggest_category(tiers, areas("strong_standard", safeguarding="not_met"))
    assert suggestion.level is not None
    assert suggestion.level.key == "stabilise"
    assert [o.criterion_id for o in suggestion.outcomes] == ["safeguarding"]
    assert "Safeguarding arrangements are ineffective" in suggestion.because
    assert "safeguarding" in suggestion.explain()


def test_tier_4_when_leadership_needs_urgent_improvement(tiers: CategorisationScheme) -> None:
    suggestion = suggest_category(
        tiers, areas("expected_standard", leadership_and_governance="urgent_improvement")
    )
    assert suggestion.level is not None
    assert suggestion.level.key == "stabilise"
    assert [o.criterion_id for o in suggestion.outcomes] == ["leadership-and-governance"]


def test_tier_3_when_one_area_needs_urgent_improvement(tiers: CategorisationScheme) -> None:
    suggestion = suggest_category(
        tiers, areas("expected_standard", achievement="urgent_improvement")
    )
    assert suggestion.level is not None
    assert suggestion.level.key == "reinvent"
    assert [o.criterion_id for o in suggestion.outcomes] == ["achievement"]


def test_tier_2_when_small_pockets_need_attention(tiers: CategorisationScheme) -> None:
    suggestion = suggest_category(tiers, areas("expected_standard", inclusion="needs_attention"))
    assert suggestion.level is not None
    assert suggestion.level.key == "grow"
    assert [o.criterion_id for o in suggestion.outcomes] == ["inclusion"]


def test_tier_1_only_when_every_area_is_strong_and_safeguarding_met(
    tiers: CategorisationScheme,
) -> None:
    lead = suggest_category(tiers, areas("strong_standard", achievement="exceptional"))
    assert lead.level is not None
    assert lead.level.key == "lead"
    assert len(lead.outcomes) == 7  # the six areas and safeguarding led to it
    not_quite = suggest_category(tiers, areas("strong_standard", inclusion="expected_standard"))
    assert not_quite.level is not None
    assert not_quite.level.key == "grow"
    assert not_quite.rule_number is None  # the default, and it says why
    assert "Tier 2 Grow" in not_quite.because


def test_no_outcomes_no_suggestion(tiers: CategorisationScheme) -> None:
    suggestion = suggest_category(tiers, [])
    assert suggestion.level is None
    assert "no outcomes" in suggestion.explain()
    assert tiers.note in suggestion.explain()


# ------------------------------------------------------------------ Oldham (seed 002)
@pytest.fixture
def oldham(installed: FrameworkLibrary) -> CategorisationScheme:
    return installed.scheme("oldham-support-levels")


def test_oldham_levels_are_green_amber_red(oldham: CategorisationScheme) -> None:
    assert [lvl.label for lvl in oldham.levels] == [
        "Green: universal support",
        "Amber: targeted support",
        "Red: intensive support",
    ]


@pytest.mark.parametrize(
    ("overrides", "expected", "led_by"),
    [
        ({}, "green", None),
        ({"inclusion": "needs_attention"}, "amber", ["inclusion"]),
        # "Needs attention" is not a fail (Ofsted): targeted support, not intervention.
        ({"leadership_and_governance": "needs_attention"}, "amber", ["leadership-and-governance"]),
        ({"leadership_and_governance": "urgent_improvement"}, "red", ["leadership-and-governance"]),
        ({"achievement": "urgent_improvement"}, "red", ["achievement"]),
        ({"safeguarding": "not_met"}, "red", ["safeguarding"]),
    ],
)
def test_oldham_suggestions_follow_the_intervention_triggers(
    oldham: CategorisationScheme, overrides: dict[str, str], expected: str, led_by: list[str] | None
) -> None:
    suggestion = suggest_category(oldham, areas("expected_standard", **overrides))
    assert suggestion.level is not None
    assert suggestion.level.key == expected
    if led_by is not None:
        assert [o.criterion_id for o in suggestion.outcomes] == led_by


def test_oldham_self_evaluation_not_confirmed_suggests_targeted_support(
    oldham: CategorisationScheme,
) -> None:
    suggestion = suggest_category(oldham, {"self-evaluation-accuracy": "not_confirmed"})
    assert suggestion.level is not None
    assert suggestion.level.key == "amber"
    assert "self-evaluation-accuracy: not confirmed" in suggestion.explain()


# ------------------------------------------------------------------ Flourishing (seed 003)
@pytest.fixture
def flourishing(installed: FrameworkLibrary) -> CategorisationScheme:
    return installed.scheme("flourishing-phases")


STRANDS = (
    "leadership-and-governance-phase",
    "quality-of-education-phase",
    "send-phase",
    "behaviour-and-attendance-phase",
    "safeguarding-phase",
)


def strands(level: str, **overrides: str) -> list[Outcome]:
    return [
        Outcome(s, overrides.get(s.replace("-", "_"), level), "phase-benchmark-review")
        for s in STRANDS
    ]


def test_flourishing_phases_and_durations(flourishing: CategorisationScheme) -> None:
    durations = {lvl.key: lvl.expected_duration for lvl in flourishing.levels}
    assert durations == {
        "stabilise": "6 to 12 weeks",
        "repair": "Up to 1 year",
        "improve": "1 to 2 years",
        "sustain": "3 to 5 years",
    }


@pytest.mark.parametrize(
    ("overrides", "expected", "led_by"),
    [
        ({}, "sustain", list(STRANDS)),
        ({"send_phase": "improve"}, "improve", ["send-phase"]),
        (
            {"quality_of_education_phase": "repair", "send_phase": "improve"},
            "repair",
            ["quality-of-education-phase"],
        ),
        (
            {"behaviour_and_attendance_phase": "stabilise"},
            "stabilise",
            ["behaviour-and-attendance-phase"],
        ),
        ({"safeguarding_phase": "stabilise"}, "stabilise", ["safeguarding-phase"]),
    ],
)
def test_the_weakest_strand_sets_the_phase(
    flourishing: CategorisationScheme, overrides: dict[str, str], expected: str, led_by: list[str]
) -> None:
    suggestion = suggest_category(flourishing, strands("sustain", **overrides))
    assert suggestion.level is not None
    assert suggestion.level.key == expected
    assert [o.criterion_id for o in suggestion.outcomes] == led_by


def test_safeguarding_not_met_elsewhere_means_stabilise(flourishing: CategorisationScheme) -> None:
    outcomes = [*strands("improve"), Outcome("safeguarding", "not_met", "two-day-peer-review")]
    suggestion = suggest_category(flourishing, outcomes)
    assert suggestion.level is not None
    assert suggestion.level.key == "stabilise"
    assert [o.framework_id for o in suggestion.outcomes] == ["two-day-peer-review"]


# ------------------------------------------------------------------ OWLS (seed 004)
@pytest.fixture
def owls(installed: FrameworkLibrary) -> CategorisationScheme:
    return installed.scheme("owls-categories")


def test_owls_has_1a_to_4b(owls: CategorisationScheme) -> None:
    assert [lvl.key for lvl in owls.levels] == [
        "1a", "1b", "1cc", "2a", "2b", "2cc", "3a", "3b", "3cc", "4a", "4b",
    ]  # fmt: skip
    assert "at risk of slipping a category" in owls.level("2cc").description
    assert "moving towards the next Ofsted category" in owls.level("3a").description
    assert "in line with the previous Ofsted" in owls.level("1b").description


@pytest.mark.parametrize(
    ("category", "direction", "expected"),
    [
        ("category_1", "in_line", "1b"),
        ("category_2", "moving_towards_next", "2a"),
        ("category_2", "at_risk", "2cc"),
        ("category_3", "in_line", "3b"),
        ("category_3", "at_risk", "3cc"),
        ("category_4", "moving_towards_next", "4a"),
        ("category_4", "at_risk", "4b"),  # there is no 4cc
    ],
)
def test_owls_number_and_letter(
    owls: CategorisationScheme, category: str, direction: str, expected: str
) -> None:
    outcomes = [
        Outcome("last-ofsted-category", category, "half-termly-core-visit", "Last Ofsted category"),
        Outcome("direction", direction, "half-termly-core-visit", "Direction"),
    ]
    suggestion = suggest_category(owls, outcomes)
    assert suggestion.level is not None
    assert suggestion.level.key == expected
    assert [o.criterion_id for o in suggestion.outcomes] == ["last-ofsted-category", "direction"]
    assert "Last Ofsted category (half-termly-core-visit)" in suggestion.explain()


def test_owls_needs_both_the_category_and_the_direction(owls: CategorisationScheme) -> None:
    suggestion = suggest_category(owls, {"direction": "at_risk"})
    assert suggestion.level is None
    assert "no rule matched" in suggestion.explain()


def test_every_scheme_level_is_reachable_or_is_the_default(installed: FrameworkLibrary) -> None:
    for scheme in installed.schemes:
        reachable = {rule.suggest for rule in scheme.rules} | {scheme.default}
        assert {lvl.key for lvl in scheme.levels} <= reachable, scheme.id


def test_outcomes_for_labels_from_the_framework(installed: FrameworkLibrary) -> None:
    review = installed.get("two-day-peer-review")
    outcomes = outcomes_for(
        review,
        {
            "safeguarding": "not_met",
            "inclusion": "needs_attention",
            "nowhere": "met",
            "achievement": None,
        },
    )
    assert [(o.criterion_id, o.level_label) for o in outcomes] == [
        ("inclusion", "Needs attention"),
        ("safeguarding", "Not met"),
    ]
    suggestion = suggest_category(installed.scheme("oldham-support-levels"), outcomes)
    assert suggestion.level is not None
    assert suggestion.level.key == "red"
    assert "Safeguarding: reviewers' view (two-day-peer-review): Not met" in suggestion.explain()
    titled = suggestion.explain({review.id: review.title})
    assert "Safeguarding: reviewers' view (Two-day peer review): Not met" in titled
