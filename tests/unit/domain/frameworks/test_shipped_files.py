"""Every file shipped in frameworks/ passes the checker, so does the template in docs/, and the
packs say what the seeds ask."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import yaml

from reviewer_app.domain.frameworks import FrameworkLibrary, check_files, visible_criteria
from reviewer_app.domain.frameworks.schema_export import stale_schema_files
from reviewer_app.domain.organisation import Role
from reviewer_app.paths import frameworks_dir, resources_dir

REQUIRED_FRAMEWORKS = {
    "learning-walk",
    "lesson-enquiry",
    "book-look",
    "learning-environment-check",
    "curriculum-review",
    "safeguarding-audit",
    "send-review",
    "stakeholder-survey-review",
    "improvement-partner-visit",
    "health-check",
    "half-termly-core-visit",
    "two-day-peer-review",
    "collaborative-enquiry",
    "phase-benchmark-review",
}


def test_every_shipped_file_passes_the_checker() -> None:
    problems = check_files([frameworks_dir()], resources_dir=resources_dir())
    assert problems == [], "\n".join(map(str, problems))


def test_the_docs_template_passes_the_checker_and_its_json_schema(tmp_path: Path) -> None:
    # As a trust would check its copy (named after its id, as the checker asks), and as an
    # editor checks it against the schema its first line names.
    template = Path(__file__).parents[4] / "docs" / "framework-template.yaml"
    shutil.copy(template, tmp_path / "our-learning-walk.yaml")
    problems = check_files([tmp_path], resources_dir=resources_dir())
    assert problems == [], "\n".join(map(str, problems))
    text = template.read_text(encoding="utf-8")
    schema_line = text.splitlines()[0]
    assert schema_line.startswith("# yaml-language-server: $schema=")
    schema_path = (template.parent / schema_line.split("$schema=")[1]).resolve()
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(yaml.safe_load(text))]
    assert errors == []


def test_json_schema_files_are_in_step_with_the_models() -> None:
    stale = stale_schema_files(frameworks_dir() / "schema")
    assert stale == [], f"run 'uv run reviewer-app frameworks schema' to rewrite {stale}"


def test_all_required_frameworks_are_installed(installed: FrameworkLibrary) -> None:
    assert set(installed.framework_ids) == REQUIRED_FRAMEWORKS


def test_one_profile_per_seed_model_plus_generic(installed: FrameworkLibrary) -> None:
    profiles = {p.id: p for p in installed.profiles}
    assert set(profiles) == {
        "oak-learning-partnership",
        "four-tier-trust",
        "oldham",
        "flourishing-futures",
        "owls",
        "generic",
    }
    assert set(profiles["generic"].frameworks) == REQUIRED_FRAMEWORKS
    assert {p.scheme for p in profiles.values()} == {
        None,
        "school-improvement-tiers",
        "oldham-support-levels",
        "flourishing-phases",
        "owls-categories",
    }
    for profile in profiles.values():
        assert (resources_dir() / profile.branding.logo).is_file()
        assert set(profile.frameworks) <= set(installed.framework_ids), profile.id


def test_learning_walk_rates_clear_look_fors_without_grading_teachers(
    installed: FrameworkLibrary,
) -> None:
    walk = installed.get("learning-walk")
    titles = [s.title for s in walk.sections]
    for strand in ("C: Climate", "L: Learning", "E: Explicit", "A: Adaptive", "R: Review"):
        assert any(t.startswith(strand) for t in titles)
    scales = {walk.scale_for(c).id for c in walk.criteria()}  # type: ignore[union-attr]
    assert scales == {"observation-lookfor"}
    labels = [lvl.label for lvl in installed.scale("observation-lookfor").levels]
    assert labels[:3] == ["Seen", "Partly seen", "Not seen"]
    assert not any("teacher" in tag.key for tag in walk.evidence.tags)
    assert any("individual teachers" in notice for notice in walk.notices)


def test_safeguarding_audit_is_for_safeguarding_roles_with_eight_sections(
    installed: FrameworkLibrary,
) -> None:
    audit = installed.get("safeguarding-audit")
    assert audit.visible_to == (Role.SAFEGUARDING_LEAD,)
    assert not audit.may_be_seen_by(frozenset({Role.PEER_REVIEWER}))
    assert audit.may_be_seen_by(["safeguarding_lead", "peer_reviewer"])
    lettered = [s.title[:2] for s in audit.sections if s.title[1:2] == "."]
    assert lettered == ["A.", "B.", "C.", "D.", "E.", "F.", "G.", "H."]
    assert [lvl.label for lvl in audit.scale("compliance-check").levels] == [
        "Met",
        "Partially met",
        "Not met",
        "N/A",
    ]
    # Version 2: a criterion's actions are Action records (the plan), not fields of it.
    assert [f.id for f in audit.criterion_fields] == ["evidence"]
    assert (audit.actions.label, audit.actions.require_owner, audit.actions.require_due_date) == (
        "Safeguarding action plan",
        True,
        True,
    )
    first = installed.get("safeguarding-audit", "1")
    assert [f.id for f in first.criterion_fields] == ["evidence", "action", "owner", "due"]
    scr = audit.criterion("scr-complete")
    scr_fields = {f.id: f for f in scr.fields}
    for field_id in ("records-sampled", "records-with-gaps", "date-checked", "sample"):
        assert scr_fields[field_id].minimised
        assert scr_fields[field_id].audiences == ("full_internal",)
    kinds = {c.kind for c in scr_fields["sample"].columns}
    assert "text" not in kinds
    assert "long_text" not in kinds


def test_two_day_peer_review_areas_scale_and_sign_off(installed: FrameworkLibrary) -> None:
    review = installed.get("two-day-peer-review")
    areas = [
        "inclusion",
        "curriculum-and-teaching",
        "achievement",
        "attendance-and-behaviour",
        "personal-development-and-wellbeing",
        "leadership-and-governance",
    ]
    for area in areas:
        scale = review.scale_for(review.criterion(area))
        assert scale is not None
        assert scale.id == "ofsted-2025-five-point"
        assert scale.not_an_ofsted_grade
        assert "not an Ofsted grade" in scale.note
        assert {f.id for f in review.section_of(area).fields} == {
            f"{area}-strengths",
            f"{area}-even-better-if",
        }
    assert [lvl.label for lvl in review.scale("ofsted-2025-five-point").levels] == [
        "Urgent improvement",
        "Needs attention",
        "Expected standard",
        "Strong standard",
        "Exceptional",
    ]
    safeguarding = review.scale_for(review.criterion("safeguarding"))
    assert safeguarding is not None
    assert [lvl.label for lvl in safeguarding.levels] == ["Met", "Not met"]
    assert [(s.role, s.who, s.order) for s in review.sign_off] == [
        (Role.PEER_REVIEWER, "each", "any_order"),
        (Role.LEAD_REVIEWER, "one", "in_order"),
    ]
    # Version 2, which earlier reviews keep, still has the peers sign in the team's order.
    earlier = installed.get("two-day-peer-review", "2")
    assert [s.order for s in earlier.sign_off] == ["in_order", "in_order"]
    fields = dict(review.all_fields())
    assert fields["enquiry-question"].required
    assert fields["day-plan"].kind == "table"
    primary = {"phase": "primary", "has_early_years": True, "has_sixth_form": False}
    shown = {c.id for c in visible_criteria(review, {}, primary, [Role.LEAD_REVIEWER])}
    assert "early-years" in shown
    assert "sixth-form" not in shown
    assert "scr-sample" not in shown  # safeguarding roles only


def test_core_visit_focus_depends_on_the_half_term(installed: FrameworkLibrary) -> None:
    visit = installed.get("half-termly-core-visit")
    roles = [Role.LEAD_REVIEWER, Role.SAFEGUARDING_LEAD]

    def focus(half_term: str) -> set[str]:
        shown = visible_criteria(visit, {"half-term": half_term}, {}, roles)
        return {c.id for c in shown if visit.section_of(c.id).id == "half-term-focus"}

    autumn_1 = focus("autumn-1")
    assert {"scr-check", "joint-learning-walk", "ht-performance-management-final"} <= autumn_1
    assert "soap-review" not in autumn_1
    assert "website-compliance" in focus("autumn-2")
    assert "sef-review" in focus("spring-2")
    assert "improvement-plan-final" in focus("summer-2")
    every = [
        focus(h) for h in ("autumn-1", "autumn-2", "spring-1", "spring-2", "summer-1", "summer-2")
    ]
    assert len({frozenset(f) for f in every}) == 6
    assert focus("") == set()


def test_phase_benchmark_review_groups_benchmarks_by_phase(installed: FrameworkLibrary) -> None:
    review = installed.get("phase-benchmark-review")
    assert [s.title for s in review.sections[:3]] == [
        "Leadership and governance",
        "Quality of education",
        "Inclusion",
    ]
    for criterion in review.criteria():
        assert {lf.group for lf in criterion.look_fors} == {
            "Stabilise",
            "Repair",
            "Improve",
            "Sustain",
        }


def test_stored_fields_are_named_as_reviewers_know_them(installed: FrameworkLibrary) -> None:
    peer = installed.latest("two-day-peer-review")
    audit = installed.latest("safeguarding-audit")
    assert peer.field_title("enquiry-question") == "The school's enquiry question"
    assert peer.field_title("leadership-and-governance-strengths").startswith(
        "Leadership and governance: "
    )
    # A criterion's own field: the criterion's title, then the field's label.
    stored, spec = next((i, s) for i, s in audit.all_fields() if "." in i)
    criterion = audit.criterion(stored.split(".", 1)[0])
    assert audit.field_title(stored) == f"{criterion.title}: {spec.label}"
    assert peer.field_title("no-such-field") == "no-such-field"
