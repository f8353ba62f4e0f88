"""The demo's signed safeguarding audits each tell one consistent story (issue 17): the criteria
agreed partly met are the ones its actions and its single central record sample are about, and
its overall statement says actions are required exactly when a criterion is not met, as the
framework's own options mean."""

from __future__ import annotations

from pathlib import Path

from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.paths import AppPaths
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.review_repository import ReviewRepository


def test_every_demo_audit_agrees_with_its_own_criteria(data_dir: Path) -> None:
    workspace = open_demo_workspace(AppPaths.from_base(data_dir).ensure())
    try:
        audits = [
            review
            for school in workspace.list_schools()
            for visit in workspace.visits_for_school(school.id)
            if visit.framework_id == "safeguarding-audit"
            for review in workspace.reviews.reviews_for_visit(visit.id)
        ]
        assert audits
        stories = set()
        for review in audits:
            with workspace.store.reading() as session:
                reviews = ReviewRepository(session)
                agreed = {
                    j.criterion_id: j.level_key for j in reviews.judgements(review.id) if j.agreed
                }
                answers = {v.field_id: v.value for v in reviews.field_values(review.id)}
                actions = ActionRepository(session).actions(review.id)
            partly = {c for c, level in agreed.items() if level != "met"}
            sample = answers["scr-complete.sample"]
            assert isinstance(sample, list)
            gaps = [row for row in sample if isinstance(row, dict) and "missing" in row.values()]
            assert answers["scr-complete.records-with-gaps"] == len(gaps)
            # The sample's gap is the record criterion's; every other shortfall has an action.
            assert ("scr-complete" in partly) == bool(gaps)
            assert partly - {"scr-complete"} <= {a.criterion_id for a in actions}
            assert answers["overall"] == ("actions-required" if partly else "no-concerns")
            stories.add(frozenset(partly))
    finally:
        workspace.close()
    # Both stories are told: an audit with actions required, and one with no concerns.
    assert frozenset() in stories
    assert frozenset({"fm-review", "scr-complete", "third-parties"}) in stories
