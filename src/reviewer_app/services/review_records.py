"""What the review editor calls: start a review, capture notes, judgements, fields, attachments,
actions and follow-ups, and move the review through its life.

Reads run on the calling thread; every write runs on the writer lane and writes its outbox row
in the same transaction. The author of every record is the person using this laptop, and only
the visit's team may write; a signed review is locked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

from sqlmodel import Session

from reviewer_app.domain.errors import (
    LockedError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FieldValue,
    FollowUpOutcome,
    JSONValue,
    Judgement,
    Priority,
    Review,
    ReviewState,
    current_notes,
)
from reviewer_app.domain.visits import Visit, VisitStatus
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.blobs import get_blob, put_blob
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.visit_repository import VisitRepository

#: Largest attachment accepted (a phone photo is a few MB; a video does not belong here).
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


def _now() -> datetime:
    return datetime.now().astimezone()


class ReviewRecords:
    """Review-record operations over one open store (``Workspace.reviews``)."""

    def __init__(self, store: Store, lane: WriterLane, person: Callable[[], Person]) -> None:
        self._store = store
        self._lane = lane
        self._person = person

    # ---------------------------------------------------------------- helpers

    def _review_or_fail(self, session: Session, review_id: str) -> Review:
        review = ReviewRepository(session).get_review(review_id)
        if review is None:
            raise NotFoundError(f"There is no review with id {review_id} on this computer.")
        return review

    def _visit_or_fail(self, session: Session, visit_id: str) -> Visit:
        visit = VisitRepository(session).get_visit(visit_id)
        if visit is None:
            raise NotFoundError(f"There is no visit with id {visit_id} on this computer.")
        return visit

    def _writable(self, session: Session, review_id: str) -> tuple[Review, Visit]:
        """The review and its visit, after checking the review may be changed by this person."""
        review = self._review_or_fail(session, review_id)
        if review.state.is_locked:
            raise LockedError(
                "This review is signed, so it cannot be changed.",
                hint="Start an amendment to correct a signed review.",
            )
        visit = self._visit_or_fail(session, review.visit_id)
        if not visit.is_team_member(self._person().id):
            raise PermissionDeniedError(
                "Only the visit's team can add to its review.",
                hint="Ask the lead reviewer to add you to the visit team.",
            )
        return review, visit

    # ---------------------------------------------------------------- reviews

    def start_review(
        self,
        visit_id: str,
        *,
        framework_id: str,
        framework_version: str,
        framework_hash: str,
        framework_snapshot: str,
    ) -> Review:
        """Start the review of a visit, frozen to the framework text given.

        A visit has one current review; if it already has one, that review is returned.
        """

        def write() -> Review:
            with self._store.writing() as session:
                visit = self._visit_or_fail(session, visit_id)
                if visit.status is VisitStatus.CANCELLED:
                    raise ValidationError("This visit was cancelled, so it has no review.")
                if not visit.is_team_member(self._person().id):
                    raise PermissionDeniedError(
                        "Only the visit's team can start its review.",
                        hint="Ask the lead reviewer to add you to the visit team.",
                    )
                repo = ReviewRepository(session)
                current = _current(repo.reviews_for_visit(visit_id))
                if current is not None:
                    return current
                review = Review(
                    id=new_id(),
                    visit_id=visit_id,
                    framework_id=framework_id,
                    framework_version=framework_version,
                    framework_hash=framework_hash,
                    created_at=_now(),
                )
                repo.add_review(review, framework_snapshot)
                return review

        return self._lane.call(write)

    def start_amendment(self, signed_review_id: str, reason: str) -> Review:
        """Start an amendment of a signed review; the signed one stays intact and visible."""
        if not reason.strip():
            raise ValidationError("Say why the signed review needs amending.")

        def write() -> Review:
            with self._store.writing() as session:
                repo = ReviewRepository(session)
                signed = self._review_or_fail(session, signed_review_id)
                if signed.state is not ReviewState.SIGNED:
                    raise ValidationError("Only a signed review can be amended.")
                visit = self._visit_or_fail(session, signed.visit_id)
                if visit.lead.person_id != self._person().id:
                    raise PermissionDeniedError("Only the visit's lead reviewer can amend it.")
                review = Review(
                    id=new_id(),
                    visit_id=signed.visit_id,
                    framework_id=signed.framework_id,
                    framework_version=signed.framework_version,
                    framework_hash=signed.framework_hash,
                    created_at=_now(),
                    amends=signed.id,
                    amendment_reason=reason.strip(),
                )
                repo.add_review(review, repo.framework_snapshot(signed.id))
                repo.set_state(signed.id, ReviewState.SUPERSEDED, _now())
                return review

        return self._lane.call(write)

    def get_review(self, review_id: str) -> Review:
        with self._store.reading() as session:
            return self._review_or_fail(session, review_id)

    def review_for_visit(self, visit_id: str) -> Review | None:
        """The visit's current review (the newest not superseded), if one was started."""
        with self._store.reading() as session:
            return _current(ReviewRepository(session).reviews_for_visit(visit_id))

    def reviews_for_visit(self, visit_id: str) -> list[Review]:
        """Every review of the visit, amendments after what they amend."""
        with self._store.reading() as session:
            return ReviewRepository(session).reviews_for_visit(visit_id)

    def framework_snapshot(self, review_id: str) -> str:
        """The framework text the review is frozen to."""
        with self._store.reading() as session:
            return ReviewRepository(session).framework_snapshot(review_id)

    def set_state(self, review_id: str, state: ReviewState) -> Review:
        """Move a review to ``state`` (sign-off states are for the visit's lead reviewer)."""

        def write() -> Review:
            with self._store.writing() as session:
                _, visit = self._writable(session, review_id)
                lead_only = (ReviewState.SIGNED, ReviewState.SUPERSEDED)
                if state in lead_only and visit.lead.person_id != self._person().id:
                    raise PermissionDeniedError("Only the visit's lead reviewer can sign it.")
                return ReviewRepository(session).set_state(review_id, state, _now())

        return self._lane.call(write)

    # ---------------------------------------------------------------- evidence notes

    def add_note(
        self,
        review_id: str,
        text: str,
        *,
        criterion_ids: tuple[str, ...] = (),
        tags: Mapping[str, str] | None = None,
        attachment_ids: tuple[str, ...] = (),
        pupil_refs: tuple[str, ...] = (),
        supersedes: str | None = None,
    ) -> EvidenceNote:
        """Capture an evidence note (or a correction of an earlier one, via ``supersedes``)."""
        if not text.strip():
            raise ValidationError("An evidence note needs some text.")
        note = EvidenceNote(
            id=new_id(),
            review_id=review_id,
            author_id=self._person().id,
            text=text,
            captured_at=_now(),
            criterion_ids=criterion_ids,
            tags=dict(tags or {}),
            attachment_ids=attachment_ids,
            pupil_refs=pupil_refs,
            supersedes=supersedes,
        )
        return self._lane.call(self._add_note, note)

    def retract_note(self, review_id: str, note_id: str) -> EvidenceNote:
        """Withdraw a note: a retraction record that supersedes it."""
        with self._store.reading() as session:
            original = EvidenceRepository(session).get_note(note_id)
        if original is None or original.review_id != review_id:
            raise NotFoundError("That evidence note is not part of this review.")
        retraction = EvidenceNote(
            id=new_id(),
            review_id=review_id,
            author_id=self._person().id,
            text="",
            captured_at=_now(),
            supersedes=note_id,
            retracted=True,
        )
        return self._lane.call(self._add_note, retraction)

    def _add_note(self, note: EvidenceNote) -> EvidenceNote:
        with self._store.writing() as session:
            self._writable(session, note.review_id)
            evidence = EvidenceRepository(session)
            if note.supersedes is not None:
                earlier = evidence.get_note(note.supersedes)
                if earlier is None or earlier.review_id != note.review_id:
                    raise NotFoundError("The note being corrected is not part of this review.")
            for attachment_id in note.attachment_ids:
                attachment = evidence.get_attachment(attachment_id)
                if attachment is None or attachment.review_id != note.review_id:
                    raise NotFoundError("A photo or file on this note is not part of the review.")
            evidence.add_note(note)
        return note

    def notes(self, review_id: str, *, include_history: bool = False) -> list[EvidenceNote]:
        """The review's notes a reader should see, oldest first (every record if asked)."""
        with self._store.reading() as session:
            records = EvidenceRepository(session).notes(review_id)
        return records if include_history else current_notes(records)

    # ---------------------------------------------------------------- judgements

    def propose_judgement(
        self, review_id: str, criterion_id: str, level_key: str | None, rationale: str = ""
    ) -> Judgement:
        """Record this person's proposed judgement (``level_key=None`` withdraws it)."""
        return self._judge(review_id, criterion_id, level_key, rationale, agreed=False)

    def agree_judgement(
        self, review_id: str, criterion_id: str, level_key: str | None, rationale: str = ""
    ) -> Judgement:
        """Record the team's agreed judgement; only the visit's lead reviewer may."""
        return self._judge(review_id, criterion_id, level_key, rationale, agreed=True)

    def _judge(
        self,
        review_id: str,
        criterion_id: str,
        level_key: str | None,
        rationale: str,
        *,
        agreed: bool,
    ) -> Judgement:
        judgement = Judgement(
            id=new_id(),
            review_id=review_id,
            criterion_id=criterion_id,
            author_id=self._person().id,
            level_key=level_key,
            created_at=_now(),
            rationale=rationale,
            agreed=agreed,
        )

        def write() -> Judgement:
            with self._store.writing() as session:
                _, visit = self._writable(session, review_id)
                if agreed and visit.lead.person_id != judgement.author_id:
                    raise PermissionDeniedError(
                        "Only the visit's lead reviewer can set the agreed judgement.",
                        hint="Propose your judgement; the lead reviewer agrees the final one.",
                    )
                ReviewRepository(session).add_judgement(judgement)
            return judgement

        return self._lane.call(write)

    def judgements(self, review_id: str) -> list[Judgement]:
        """Every judgement record of the review, oldest first."""
        with self._store.reading() as session:
            return ReviewRepository(session).judgements(review_id)

    # ---------------------------------------------------------------- shared fields

    def set_field(
        self,
        review_id: str,
        field_id: str,
        value: JSONValue,
        *,
        expected_version: int | None = None,
    ) -> FieldValue:
        """Write a shared answer. Pass the ``version`` you started editing from as
        ``expected_version`` to be told (``StaleWriteError``) when someone changed it since."""

        def write() -> FieldValue:
            with self._store.writing() as session:
                self._writable(session, review_id)
                return ReviewRepository(session).set_field(
                    review_id,
                    field_id,
                    value,
                    self._person().id,
                    _now(),
                    expected_version=expected_version,
                )

        return self._lane.call(write)

    def field_values(self, review_id: str) -> dict[str, FieldValue]:
        """The review's shared answers by field id."""
        with self._store.reading() as session:
            return {f.field_id: f for f in ReviewRepository(session).field_values(review_id)}

    # ---------------------------------------------------------------- attachments

    def add_attachment(
        self, review_id: str, filename: str, media_type: str, data: bytes
    ) -> Attachment:
        """Keep a photo or file with the review, encrypted inside the store."""
        if not data:
            raise ValidationError(f"{filename} is empty, so there is nothing to attach.")
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                f"{filename} is too large to attach "
                f"(the limit is {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB).",
                hint="Attach a smaller photo or a shorter document.",
            )

        def write() -> Attachment:
            with self._store.writing() as session:
                self._writable(session, review_id)
                attachment = Attachment(
                    id=new_id(),
                    review_id=review_id,
                    sha256=put_blob(session, data),
                    filename=filename,
                    media_type=media_type,
                    size=len(data),
                    author_id=self._person().id,
                    added_at=_now(),
                )
                EvidenceRepository(session).add_attachment(attachment)
            return attachment

        return self._lane.call(write)

    def retract_attachment(self, review_id: str, attachment_id: str) -> Attachment:
        """Withdraw an attachment."""

        def write() -> Attachment:
            with self._store.writing() as session:
                self._writable(session, review_id)
                evidence = EvidenceRepository(session)
                attachment = evidence.get_attachment(attachment_id)
                if attachment is None or attachment.review_id != review_id:
                    raise NotFoundError("That attachment is not part of this review.")
                return evidence.retract_attachment(attachment_id, _now())

        return self._lane.call(write)

    def attachments(self, review_id: str, *, include_retracted: bool = False) -> list[Attachment]:
        with self._store.reading() as session:
            found = EvidenceRepository(session).attachments(review_id)
        return found if include_retracted else [a for a in found if not a.retracted]

    def attachment_data(self, attachment: Attachment) -> bytes:
        """The attachment's content."""
        with self._store.reading() as session:
            data = get_blob(session, attachment.sha256)
        if data is None:
            raise NotFoundError(f"The content of {attachment.filename} is missing from the store.")
        return data

    # ---------------------------------------------------------------- actions

    def add_action(
        self,
        review_id: str,
        text: str,
        *,
        owner: str,
        due: date | None,
        priority: Priority = Priority.MEDIUM,
        criterion_id: str | None = None,
    ) -> Action:
        """Record a next step agreed at the visit."""
        if not text.strip():
            raise ValidationError("An action needs a description of what is to be done.")

        def write() -> Action:
            with self._store.writing() as session:
                _, visit = self._writable(session, review_id)
                action = Action(
                    id=new_id(),
                    review_id=review_id,
                    school_id=visit.school_id,
                    text=text,
                    owner=owner,
                    due=due,
                    priority=priority,
                    created_by=self._person().id,
                    created_at=_now(),
                    criterion_id=criterion_id,
                )
                ActionRepository(session).add_action(action)
            return action

        return self._lane.call(write)

    def retract_action(self, review_id: str, action_id: str) -> Action:
        def write() -> Action:
            with self._store.writing() as session:
                self._writable(session, review_id)
                actions = ActionRepository(session)
                action = actions.get_action(action_id)
                if action is None or action.review_id != review_id:
                    raise NotFoundError("That action is not part of this review.")
                return actions.retract_action(action_id, _now())

        return self._lane.call(write)

    def actions(self, review_id: str) -> list[Action]:
        """The review's actions (retracted ones left out), oldest first."""
        with self._store.reading() as session:
            return [a for a in ActionRepository(session).actions(review_id) if not a.retracted]

    def record_follow_up(
        self, review_id: str, action_id: str, outcome: FollowUpOutcome, evidence: str
    ) -> ActionFollowUp:
        """Record, during this review, how an earlier visit's action stands."""

        def write() -> ActionFollowUp:
            with self._store.writing() as session:
                _, visit = self._writable(session, review_id)
                action = ActionRepository(session).get_action(action_id)
                if action is None or action.school_id != visit.school_id:
                    raise NotFoundError("That action does not belong to this school.")
                if action.review_id == review_id:
                    raise ValidationError(
                        "An action is followed up at a later visit, not the one that set it."
                    )
                follow_up = ActionFollowUp(
                    id=new_id(),
                    action_id=action_id,
                    review_id=review_id,
                    outcome=outcome,
                    evidence=evidence,
                    author_id=self._person().id,
                    recorded_at=_now(),
                )
                ActionRepository(session).add_follow_up(follow_up)
            return follow_up

        return self._lane.call(write)

    def follow_ups(self, review_id: str) -> list[ActionFollowUp]:
        """Follow-ups recorded during this review."""
        with self._store.reading() as session:
            return ActionRepository(session).follow_ups(review_id)

    def open_actions_before(self, visit_id: str) -> list[Action]:
        """Actions from the school's earlier visits still open when this visit starts.

        Open: not retracted, and not followed up as met (the newest follow-up counts).
        """
        with self._store.reading() as session:
            visit = self._visit_or_fail(session, visit_id)
            visits = {v.id: v for v in VisitRepository(session).visits_for_school(visit.school_id)}
            reviews = ReviewRepository(session)
            review_visit = {
                r.id: r.visit_id for v in visits.values() for r in reviews.reviews_for_visit(v.id)
            }
            actions_repo = ActionRepository(session)
            candidates = [
                a
                for a in actions_repo.actions_for_school(visit.school_id)
                if not a.retracted
                and review_visit.get(a.review_id) != visit_id
                and a.review_id in review_visit
                and visits[review_visit[a.review_id]].start <= visit.start
            ]
            latest: dict[str, ActionFollowUp] = {}
            for follow_up in actions_repo.follow_ups_for_actions(a.id for a in candidates):
                latest[follow_up.action_id] = follow_up  # oldest first, so the newest wins
        return [
            a
            for a in candidates
            if a.id not in latest or latest[a.id].outcome is not FollowUpOutcome.MET
        ]

    def may_agree(self, review_id: str) -> bool:
        """True when the person using this laptop is the lead reviewer of the review's visit."""
        with self._store.reading() as session:
            review = self._review_or_fail(session, review_id)
            visit = self._visit_or_fail(session, review.visit_id)
        return visit.lead.person_id == self._person().id


def _current(reviews: list[Review]) -> Review | None:
    live = [r for r in reviews if r.state is not ReviewState.SUPERSEDED]
    return live[-1] if live else None
