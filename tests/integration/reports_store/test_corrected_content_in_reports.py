"""The audit's content corrections as readers see them: in each audience's report, and on the
PDF page (performance management kept to the full internal report, the interim category in the
school's report, wording caveats printed with the parts they are about)."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from report_store_world import become

from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.organisation import Person, Role
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.paths import AppPaths
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.report_service import ReportService
from reviewer_app.services.workspace import Workspace


@pytest.fixture(scope="module")
def workspace(demo_base: Path) -> Workspace:
    with open_demo_workspace(AppPaths.from_base(demo_base)) as opened:
        yield opened  # type: ignore[misc]


@pytest.fixture(scope="module")
def people(workspace: Workspace) -> dict[str, Person]:
    return {p.name.split()[0]: p for p in workspace.list_people()}


def _started(
    workspace: Workspace, lead: Person, framework_id: str, visit_id: str, role: Role
) -> tuple[Visit, str]:
    school = next(iter(workspace.list_schools("Oakfield")))
    become(workspace, lead)
    visit = workspace.save_visit(
        Visit(
            id=visit_id,
            school_id=school.id,
            framework_id=framework_id,
            planned_start=date(2026, 9, 14),
            planned_end=date(2026, 9, 14),
            reviewers=(VisitReviewer(lead.id, role),),
            status=VisitStatus.IN_PROGRESS,
        )
    )
    framework = installed_library().latest(framework_id)
    review = workspace.reviews.start_review(
        visit.id,
        framework_id=framework.id,
        framework_version=framework.version,
        framework_hash=framework.content_hash,
        framework_snapshot=json.dumps(framework.to_snapshot()),
    )
    return visit, review.id


def test_performance_management_stays_internal_and_the_category_reaches_the_school(
    workspace: Workspace, people: dict[str, Person], tmp_path: Path
) -> None:
    visit, review_id = _started(
        workspace, people["James"], "half-termly-core-visit", "core-v2", Role.IMPROVEMENT_PARTNER
    )
    reviews = workspace.reviews
    reviews.set_field(review_id, "half-term", "autumn-1")
    reviews.agree_judgement(review_id, "ht-performance-management-final", "on_track")
    reviews.agree_judgement(review_id, "development-plan-agreed", "on_track")
    reviews.agree_judgement(review_id, "last-ofsted-category", "no_overall_grade")
    reviews.agree_judgement(review_id, "agreed-equivalent-category", "category_2")
    reviews.agree_judgement(review_id, "direction", "in_line")
    reviews.set_field(review_id, "categorisation-rationale", "Agreed with the head on 14 Sept.")
    service = ReportService(workspace, AppPaths.from_base(tmp_path))

    def criteria(audience: str) -> set[str]:
        document = service.document(visit.id, audience)[1]
        return {f.criterion_id for s in document.sections for f in s.findings}

    full, school, board = (criteria(a) for a in ("full_internal", "school_facing", "board_summary"))
    assert "ht-performance-management-final" in full
    assert "ht-performance-management-final" not in school | board
    assert {"direction", "agreed-equivalent-category"} <= school
    assert "development-plan-agreed" in school


def test_wording_caveats_are_printed_in_the_report(
    workspace: Workspace, people: dict[str, Person], tmp_path: Path
) -> None:
    visit, review_id = _started(
        workspace, people["Sarah"], "learning-walk", "walk-v2", Role.LEAD_REVIEWER
    )
    workspace.reviews.set_field(review_id, "focus-strands", ["climate", "review"])
    service = ReportService(workspace, AppPaths.from_base(tmp_path))
    document = service.document(visit.id, "school_facing")[1]
    caveats = [n for n in document.notices if n.startswith("Wording to confirm")]
    # The Review strand is shown and paraphrased; Climate follows the trust's own text.
    assert len(caveats) == 1
    assert caveats[0].startswith("Wording to confirm: R: Review: The sub-strands are paraphrased")
    pdf = tmp_path / "walk.pdf"
    pdf.write_bytes(service.render(visit.id, "school_facing").pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Wording to confirm: R: Review" in " ".join(text.split())
