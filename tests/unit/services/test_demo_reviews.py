"""Every demo visit marked signed has a complete review behind it (issue 17 item 9): signed,
and passing the editor's own ready-for-sign-off check (every criterion shown judged, every
required answer given, the school's earlier open actions followed up), with notes and next
steps; and a year and a half of it, this term included, at every school."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.paths import AppPaths
from reviewer_app.services.review_session import open_review
from reviewer_app.storage.local_settings import CURRENT_PERSON, set_setting


def test_every_signed_demo_visit_has_a_complete_signed_review(data_dir: Path) -> None:
    paths = AppPaths.from_base(data_dir).ensure()
    with open_demo_workspace(paths) as workspace:
        # A safeguarding lead may open every framework, the audits included.
        lead = next(p for p in workspace.list_people() if p.may_see_safeguarding)
        with workspace.store.writing() as session:
            set_setting(session, CURRENT_PERSON, lead.id)
    with open_demo_workspace(paths) as workspace:
        people = {p.id: p for p in workspace.list_people()}
        signed = 0
        for school in workspace.list_schools():
            visits = list(workspace.visits_for_school(school.id))
            done = [v for v in visits if v.status is VisitStatus.SIGNED]
            assert min(v.start for v in done) <= date.today() - timedelta(
                days=520
            )  # about a year and a half
            assert any(
                v.framework_id == "health-check" and v.start >= date.today() - timedelta(days=60)
                for v in done
            ), school.name  # a judging visit this term
            for visit in done:
                # As the visit's lead sees it (what only safeguarding roles see is theirs).
                lead_of_visit = people[visit.lead.person_id]
                context = replace(open_review(workspace, visit.id), me=lead_of_visit)
                what = f"{school.name}, {visit.framework_id} on {visit.start}"
                assert context.review.state is ReviewState.SIGNED, what
                assert context.progress().ready, (what, context.progress().missing)
                assert context.notes, what
                assert context.actions, what
                signed += 1
        assert signed > 60
