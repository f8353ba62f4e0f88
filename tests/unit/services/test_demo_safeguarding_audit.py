"""The demo's signed safeguarding audit tells one consistent story (issue 17): the criteria
agreed partly met are the ones its actions and its single central record sample are about, and
its overall statement says actions are required, as the framework's own options mean."""

from __future__ import annotations

from pathlib import Path

from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.paths import AppPaths
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.review_repository import ReviewRepository


def test_the_demo_audit_agrees_with_its_own_criteria(data_dir: Path) -> None:
    workspace = open_demo_workspace(AppPaths.from_base(data_dir).ensure())
    try:
        school = next(s for s in workspace.list_schools() if s.name.startswith("St Aidan"))
        audits = [
            review
            for visit in workspace.visits_for_school(school.id)
            if visit.framework_id == "safeguarding-audit"
            for review in workspace.reviews.reviews_for_visit(visit.id)
        ]
        assert len(audits) == 1
        review = audits[0]
        with workspace.store.reading() as session:
            reviews = ReviewRepository(session)
            judged = reviews.judgements(review.id)
            agreed = {j.criterion_id: j.level_key for j in judged if j.agreed}
            answers = {v.field_id: v.value for v in reviews.field_values(review.id)}
            actions = ActionRepository(session).actions(review.id)
            notes = [n.text for n in EvidenceRepository(session).notes(review.id)]
    finally:
        workspace.close()
    partly = {c for c, level in agreed.items() if level != "met"}
    assert partly == {"fm-review", "scr-complete", "third-parties"}
    # An action for the filtering review and for the agency confirmation, both partly met.
    assert {a.criterion_id for a in actions} == {"fm-review", "third-parties"}
    assert answers["overall"] == "actions-required"
    sample = answers["scr-complete.sample"]
    assert isinstance(sample, list)
    gaps = [row for row in sample if isinstance(row, dict) and "missing" in row.values()]
    assert answers["scr-complete.records-with-gaps"] == len(gaps) == 1
    assert not any("every check sampled" in note for note in notes)
