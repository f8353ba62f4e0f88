"""The review being edited, without Qt (``services.review_draft.ReviewDraft`` and
``services.edit_history``): records under one id, field versions, the levels shown and who
proposed what, progress, the lock and its reason, merging what a pull brings, undo."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FieldValue,
    FollowUpOutcome,
    Judgement,
    Priority,
    ReviewState,
)
from reviewer_app.paths import AppPaths
from reviewer_app.services.edit_history import EditHistory, RecordEdit
from reviewer_app.services.review_draft import (
    PROGRESS_KINDS,
    DraftChange,
    ReviewDraft,
    change_notice,
)
from reviewer_app.services.review_session import ReviewContext, open_review
from reviewer_app.services.workspace import Workspace
from support.fixture_trust import open_fixture_workspace

WHEN = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = open_fixture_workspace(AppPaths.from_base(Path(tmp_path_factory.mktemp("draft"))))
    yield ws
    ws.close()


def _team_review(ws: Workspace) -> ReviewContext:
    """A review of a team visit the current person leads, not signed, with a rated criterion."""
    me = ws.current_person.id
    for school in ws.list_schools(""):
        for visit in ws.visits_for_school(school.id):
            if visit.lead.person_id != me or len(visit.reviewers) < 2:
                continue
            ctx = open_review(ws, visit.id)
            if not ctx.locked and any(c.scale for c in ctx.framework.criteria()):
                return ctx
    raise AssertionError("the fixture trust has no open team review led by its person")


@pytest.fixture
def draft(workspace: Workspace) -> ReviewDraft:
    return ReviewDraft(_team_review(workspace), clock=lambda: WHEN)


def _rated(draft: ReviewDraft) -> str:
    return next(c.id for c in draft.ctx.framework.criteria() if c.scale)


def _colleague(draft: ReviewDraft) -> str:
    ctx = draft.ctx
    return next(r.person_id for r in ctx.visit.reviewers if r.person_id != ctx.me.id)


def _levels(draft: ReviewDraft, criterion_id: str) -> list[str]:
    criterion = draft.ctx.framework.criterion(criterion_id)
    scale = draft.ctx.framework.scale_for(criterion)
    assert scale is not None
    return [level.key for level in scale.levels]


def test_a_judgement_is_held_and_stored_under_one_id(
    workspace: Workspace, draft: ReviewDraft
) -> None:
    criterion = _rated(draft)
    level = _levels(draft, criterion)[0]
    judgement = draft.judge(criterion, level, agreed=False)
    workspace.reviews.propose_judgement(
        draft.ctx.review.id, criterion, level, "", judgement_id=judgement.id
    )
    stored = workspace.reviews.judgements(draft.ctx.review.id)
    assert judgement.id in {j.id for j in stored}
    # The store's copy is the one held: reading it back adds nothing (no second record).
    assert judgement.id not in {j.id for j in draft.judgements_arrived(stored)}
    assert draft.judgements_arrived(stored) == []
    assert [j.id for j in draft.ctx.judgements].count(judgement.id) == 1


def test_the_levels_shown_say_who_proposed_what_and_who_agreed(draft: ReviewDraft) -> None:
    criterion = _rated(draft)
    first, second = _levels(draft, criterion)[:2]
    colleague = _colleague(draft)
    draft.judge(criterion, first, agreed=False)
    theirs = Judgement("j-colleague", draft.ctx.review.id, criterion, colleague, second, WHEN)
    assert draft.judgements_arrived([theirs]) == [theirs]
    shown = draft.levels_shown(criterion)
    assert shown.own == first
    scale = draft.ctx.framework.scale_for(draft.ctx.framework.criterion(criterion))
    assert scale is not None
    assert shown.proposals == {draft.ctx.name_of(colleague): scale.level(second).label}
    assert shown.agreed is None
    assert shown.agreed_by == ""
    draft.judge(criterion, second, agreed=True)
    shown = draft.levels_shown(criterion)
    assert shown.agreed == second
    assert shown.agreed_by.startswith(f"Agreed by {draft.ctx.me.name} at ")
    assert draft.level_of(criterion, agreed=True) == second
    assert draft.level_of(criterion, agreed=False) == first  # my own proposal stays


def test_progress_follows_what_is_held(draft: ReviewDraft) -> None:
    framework, shown = draft.ctx.framework, draft.progress()
    criterion = next(
        c.id
        for c in framework.criteria()
        if c.scale and shown.section(framework.section_of(c.id).id) is not None
    )
    section = framework.section_of(criterion).id
    level = _levels(draft, criterion)[0]
    draft.judge(criterion, None, agreed=True)  # no agreed level: not done
    before = draft.progress().section(section)
    draft.judge(criterion, level, agreed=True)
    after = draft.progress().section(section)
    assert before is not None
    assert after is not None
    assert after.done == before.done + 1
    assert draft.ctx.levels()[criterion] == level


def test_a_typed_answer_is_held_on_the_next_version_and_written_on_the_last_seen(
    draft: ReviewDraft,
) -> None:
    stored_id = next(sid for sid, _spec in draft.ctx.framework.all_fields())
    seen = draft.fields.base_version(stored_id)
    typed = draft.field_typed(stored_id, "Typed by me.")
    assert (typed.version, typed.author_id) == (seen + 1, draft.ctx.me.id)
    assert draft.ctx.fields[stored_id].value == "Typed by me."
    pending = draft.fields.begin_write(stored_id, "Typed by me.")
    assert pending.expected_version == seen
    assert draft.field_label(stored_id) != stored_id  # its label, not its key


def test_the_lock_and_the_banner_say_why(draft: ReviewDraft) -> None:
    assert draft.lock_banner() == ""
    assert not draft.read_only
    draft.ctx.review = replace(draft.ctx.review, state=ReviewState.SIGNED)
    assert draft.read_only
    assert draft.lock_banner().startswith("Signed and locked.")
    draft.ctx.review = replace(draft.ctx.review, state=ReviewState.SUPERSEDED)
    assert "replaced by an amendment" in draft.lock_banner()


def test_a_change_to_a_review_marked_ready_puts_it_back_to_draft(draft: ReviewDraft) -> None:
    assert draft.reopen_if_ready() is None
    draft.ctx.review = replace(draft.ctx.review, state=ReviewState.READY_FOR_SIGN_OFF)
    ready = draft.reopen_if_ready()
    assert ready is not None
    assert ready.state is ReviewState.READY_FOR_SIGN_OFF
    assert draft.ctx.review.state is ReviewState.DRAFT


def test_who_may_withdraw_a_note_or_an_action(draft: ReviewDraft) -> None:
    ctx, colleague = draft.ctx, _colleague(draft)
    mine = EvidenceNote("n-mine", ctx.review.id, ctx.me.id, "Mine.", WHEN)
    theirs = EvidenceNote("n-theirs", ctx.review.id, colleague, "Theirs.", WHEN)
    assert draft.note_refusal(mine) is None
    refusal = draft.note_refusal(theirs)
    assert refusal is not None
    assert refusal.startswith("Not withdrawn:")
    assert ctx.name_of(colleague) in refusal
    # The lead may withdraw a colleague's action (this person leads the visit).
    action = Action(
        "a-theirs", ctx.review.id, ctx.school.id, "Plan the phonics training.", "The head",
        None, Priority.MEDIUM, colleague, WHEN,
    )  # fmt: skip
    assert ctx.is_lead
    assert draft.action_refusal(action) is None


def test_what_a_pull_brings_is_merged_by_id(draft: ReviewDraft) -> None:
    ctx, colleague = draft.ctx, _colleague(draft)
    kept = EvidenceNote("n-kept", ctx.review.id, ctx.me.id, "Kept.", WHEN)
    gone = EvidenceNote("n-gone", ctx.review.id, colleague, "Withdrawn on the server.", WHEN)
    new = EvidenceNote("n-new", ctx.review.id, colleague, "Arrived.", WHEN)
    draft.notes_read([kept, gone])
    added, withdrawn = draft.notes_arrived([kept, new])
    assert (added, withdrawn) == ([new], [gone])
    assert [n.id for n in ctx.notes] == ["n-kept", "n-new"]
    assert draft.notes_arrived([kept, new]) == ([], [])


def test_files_wait_for_the_next_note(draft: ReviewDraft) -> None:
    ctx = draft.ctx
    photo = Attachment(
        "f-1", ctx.review.id, "ab" * 32, "display.jpg", "image/jpeg", 10, ctx.me.id, WHEN
    )
    draft.attachment_saved(photo)
    assert draft.pending_attachments == ["f-1"]
    assert draft.take_pending_attachments() == ("f-1",)
    assert draft.pending_attachments == []


def test_the_notice_says_who_changed_what(draft: ReviewDraft) -> None:
    colleague = _colleague(draft)
    text = change_notice(
        [(colleague, "the judgement on Reading"), (colleague, "an evidence note"),
         ("", "an evidence note was withdrawn")],
        draft.ctx.name_of,
    )  # fmt: skip
    name = draft.ctx.name_of(colleague)
    assert text == (
        f"{name} changed the judgement on Reading, an evidence note; "
        "an evidence note was withdrawn."
    )


class _Set(RecordEdit):
    """Adds a value to a list; undo withdraws it (a record edit, landed by hand)."""

    def __init__(self, into: list[str], value: str) -> None:
        super().__init__(f"add {value}")
        self.into, self.value = into, value
        self.withdrawn: list[str] = []
        self.write_number = 0

    def write(self) -> None:
        self.write_number = self.begin_write()
        self.into.append(self.value)

    def withdraw(self, record_id: str) -> None:
        self.withdrawn.append(record_id)
        self.into.remove(self.value)


def test_undo_and_redo_in_order_and_a_new_edit_drops_what_could_be_redone() -> None:
    history, values = EditHistory(), []
    seen: list[tuple[bool, bool, str, str]] = []
    history.listen(lambda h: seen.append((h.can_undo, h.can_redo, h.undo_text, h.redo_text)))
    first, second = _Set(values, "a"), _Set(values, "b")
    history.push(first)
    assert first.landed(first.write_number, "rec-a")
    history.push(second)
    assert second.landed(second.write_number, "rec-b")
    assert values == ["a", "b"]
    assert seen[-1] == (True, False, "add b", "")
    history.undo()
    assert values == ["a"]
    assert second.withdrawn == ["rec-b"]
    assert seen[-1] == (True, True, "add a", "add b")
    history.redo()  # written again: a new record
    assert values == ["a", "b"]
    assert second.landed(second.write_number, "rec-b2")
    history.undo()
    history.push(_Set(values, "c"))
    assert not history.can_redo
    assert len(history) == 2
    assert values == ["a", "c"]
    history.clear()
    assert seen[-1] == (False, False, "", "")


def test_a_write_that_lands_after_its_edit_was_undone_is_not_shown() -> None:
    history, values = EditHistory(), []
    edit = _Set(values, "a")
    history.push(edit)
    write = edit.write_number
    history.undo()  # before the write landed: nothing to withdraw yet
    assert edit.withdrawn == []
    assert not edit.landed(write, "rec-a")  # the caller withdraws it instead of showing it


# ---------------------------------------------------------------- what the draft publishes


class Heard:
    """The changes a listener heard."""

    def __init__(self, draft: ReviewDraft) -> None:
        self.changes: list[DraftChange] = []
        self.stop = draft.listen(lambda _draft, change: self.changes.append(change))

    def take(self) -> list[DraftChange]:
        heard, self.changes = self.changes, []
        return heard


def _field(draft: ReviewDraft) -> str:
    return next(stored_id for stored_id, _spec in draft.ctx.framework.all_fields())


def test_each_change_is_published_with_the_records_and_fields_it_names(
    draft: ReviewDraft,
) -> None:
    heard, ctx = Heard(draft), draft.ctx
    field, criterion = _field(draft), _rated(draft)

    draft.field_typed(field, "Typed.")  # the field shows it: only what follows redraws
    assert heard.take() == [DraftChange.of(Entity.FIELD_VALUE)]
    draft.field_set(field, "Undone.")  # undo: the field itself redraws
    assert heard.take()[-1] == DraftChange.of(Entity.FIELD_VALUE, fields=[field])

    judgement = draft.judge(criterion, _levels(draft, criterion)[0], agreed=False)
    assert heard.take() == [DraftChange.of(Entity.JUDGEMENT, [judgement.id], criteria=[criterion])]

    note = EvidenceNote("n-1", ctx.review.id, ctx.me.id, "Seen in Y5.", WHEN)
    draft.note_saved(note)
    draft.note_withdrawn(note.id)
    assert heard.take() == [DraftChange.of(Entity.EVIDENCE_NOTE, ["n-1"])] * 2

    action = Action(
        "a-1", ctx.review.id, ctx.school.id, "Plan phonics.", "The head", None, Priority.HIGH,
        ctx.me.id, WHEN,
    )  # fmt: skip
    draft.action_saved(action)
    assert heard.take() == [DraftChange.of(Entity.ACTION, ["a-1"])]

    outcome = next(iter(FollowUpOutcome))
    typed = draft.follow_up("earlier", outcome, "Done.")
    shown = draft.follow_up("earlier", outcome, "Undone.", typed=False)
    assert heard.take() == [
        DraftChange.of(Entity.ACTION_FOLLOW_UP, [typed.id]),
        DraftChange.of(Entity.ACTION_FOLLOW_UP, [shown.id], follow_ups=["earlier"]),
    ]

    draft.file_saving("display.jpg")
    assert draft.saving_files == {"display.jpg"}
    draft.file_done("display.jpg")
    assert heard.take() == [DraftChange.of(Entity.ATTACHMENT)] * 2

    ctx.review = replace(ctx.review, state=ReviewState.READY_FOR_SIGN_OFF)
    assert draft.reopen_if_ready() is not None
    assert heard.take() == [DraftChange.of(Entity.REVIEW, [ctx.review.id])]
    assert DraftChange.of(Entity.REVIEW).touches(*PROGRESS_KINDS)
    assert not DraftChange.of(Entity.ATTACHMENT).touches(*PROGRESS_KINDS)

    heard.stop()
    draft.field_typed(field, "Not heard.")
    assert heard.take() == []


def test_a_pulled_answer_is_published_for_its_field_or_as_a_conflict_where_one_types(
    draft: ReviewDraft,
) -> None:
    heard, colleague, field = Heard(draft), _colleague(draft), _field(draft)
    base = draft.fields.base_version(field)

    def theirs(text: str, version: int) -> FieldValue:
        return FieldValue(draft.ctx.review.id, field, text, version, colleague, WHEN)

    draft.field_arrived(theirs("Pat's text.", base + 1), typing=False)
    assert heard.take() == [DraftChange.of(Entity.FIELD_VALUE, fields=[field])]
    assert draft.ctx.fields[field].value == "Pat's text."

    draft.field_arrived(theirs("Pat again.", base + 2), typing=True)  # under the fingers
    assert heard.take() == [DraftChange.of(Entity.FIELD_VALUE, conflicts=[field])]
    assert draft.ctx.fields[field].value == "Pat's text."  # nothing swapped silently

    draft.use_theirs(field)
    assert heard.take() == [DraftChange.of(Entity.FIELD_VALUE, fields=[field], conflicts=[field])]
    assert draft.ctx.fields[field].value == "Pat again."
    assert field not in draft.fields.conflicts


def test_a_merge_publishes_only_what_it_changed(draft: ReviewDraft) -> None:
    ctx, colleague = draft.ctx, _colleague(draft)
    note = EvidenceNote("n-pulled", ctx.review.id, colleague, "Arrived.", WHEN)
    draft.notes_read([])
    heard = Heard(draft)
    draft.notes_arrived([note])
    draft.notes_arrived([note])  # nothing new: nothing published
    assert heard.take() == [DraftChange.of(Entity.EVIDENCE_NOTE, ["n-pulled"])]

    outcome = next(iter(FollowUpOutcome))
    pulled = [
        ActionFollowUp("f-typing", "typing", ctx.review.id, outcome, "Theirs.", colleague, WHEN),
        ActionFollowUp("f-free", "free", ctx.review.id, outcome, "Theirs.", colleague, WHEN),
    ]
    draft.follow_ups_arrived(pulled, typing=lambda action_id: action_id == "typing")
    (change,) = heard.take()
    assert change.record_ids == {"f-typing", "f-free"}
    assert change.follow_ups == {"free"}  # the row being typed in is not redrawn
