"""A carried-forward answer in the editor: marked "carried forward: confirm" on its card and
missing from the sign-off check until the lead confirms it; undo marks it again.

The trust's framework arrives as sync delivers it (the library stage's port on the store), in
two versions; the school's review on version 1 is signed; the next visit opens on version 2."""

from __future__ import annotations

import hashlib
from datetime import date

from reviewer_app.domain.carry_forward import unconfirmed
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.services.review_session import open_review
from reviewer_app.sync.library_protocol import FrameworkLibraryPage, LibraryEntry
from support.fixture_trust import ALDER, LEAD

SCHOOL = ALDER

AUDIT = """\
kind: framework
id: our-audit
version: "{version}"
title: Our annual audit
owner: Oak Learning Partnership
carry_forward: true
default_scale: compliance-check
sections:
  - id: checks
    title: Checks
    criteria:
      - {{id: policy-published, title: The policy is published on the website}}
      - {{id: training-current, title: "{training}"}}
"""


def _entry(version: str, training: str) -> LibraryEntry:
    text = AUDIT.format(version=version, training=training)
    return LibraryEntry(
        kind="framework", id="our-audit", version=version, state="published",
        title="Our annual audit", sha256=hashlib.sha256(text.encode()).hexdigest(), text=text,
    )  # fmt: skip


def test_a_carried_forward_answer_waits_for_the_lead_to_confirm_it(drive, qtbot) -> None:
    shell = drive.start(LEAD)
    workspace = shell.workspace
    workspace.frameworks.apply_library(
        FrameworkLibraryPage(
            digest="d1",
            documents=[
                _entry("1", "Staff training is current"),
                _entry("2", "Staff training follows KCSIE 2026"),
            ],
        )
    )
    school = next(s for s in workspace.list_schools(SCHOOL) if s.name == SCHOOL)
    me = workspace.current_person

    def visit(visit_id: str, day: date) -> Visit:
        return workspace.save_visit(
            Visit(
                id=visit_id,
                school_id=school.id,
                framework_id="our-audit",
                planned_start=day,
                planned_end=day,
                reviewers=(VisitReviewer(me.id, Role.LEAD_REVIEWER),),
                status=VisitStatus.IN_PROGRESS,
            )
        )

    first = visit("audit-2025", date(2025, 9, 15))
    library = workspace.library()
    older = open_review(workspace, first.id, library=_only_version(library, "1"))
    workspace.reviews.agree_judgement(older.review.id, "policy-published", "met")
    workspace.reviews.agree_judgement(older.review.id, "training-current", "partially_met")
    workspace.reviews.set_state(older.review.id, ReviewState.SIGNED)

    editor = drive.open(shell, visit("audit-2026", date(2026, 9, 14)))
    ctx = editor.ctx
    assert ctx.framework.reference == "our-audit@2"
    card = editor.go_to_criterion("policy-published")
    assert card.carried.isVisibleTo(editor)
    assert card.carried.text() == (
        "Carried forward from the signed review of 15 September 2025: confirm."
    )
    assert card.confirm_button.isVisibleTo(editor)
    assert "policy-published" in {m.target_id for m in editor.progress.missing}
    # The reworded criterion is not carried.
    assert not editor.card("training-current").carried.isVisibleTo(editor)

    card.confirm_button.click()
    drive.wait_saved(editor)
    assert not card.carried.isVisibleTo(editor)
    assert "policy-published" not in {m.target_id for m in editor.progress.missing}
    assert unconfirmed(workspace.reviews.judgements(ctx.review.id)) == frozenset()
    editor.undo_stack.undo()
    drive.wait_saved(editor)
    assert card.carried.isVisibleTo(editor)
    assert unconfirmed(workspace.reviews.judgements(ctx.review.id)) == {"policy-published"}


def _only_version(library, version):  # type: ignore[no-untyped-def]
    """The library as a laptop had it before version 2 arrived (the first review's start)."""
    from reviewer_app.domain.frameworks import FrameworkLibrary

    return FrameworkLibrary(
        frameworks=tuple(
            f for f in library.frameworks if f.id != "our-audit" or f.version == version
        ),
        scales=library.scales,
        schemes=library.schemes,
        profiles=library.profiles,
    )
