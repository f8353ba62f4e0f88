"""What the review editor calls: start a review, capture notes, judgements, fields, attachments,
actions and follow-ups, and move the review through its life.

Reads run on the calling thread; every write runs on the writer lane and writes its outbox row
in the same transaction. The author of every record is the person using this laptop, and only
the visit's team may write; a signed review is locked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from reviewer_app.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import (
    Attachment,
    EvidenceNote,
    FieldValue,
    JSONValue,
    Judgement,
    Review,
    ReviewState,
    current_notes,
)
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.domain.wording import file_size
from reviewer_app.services.action_tracking import ActionTracking
from reviewer_app.services.review_access import now
from reviewer_app.services.upload_waits import review_file_limit
from reviewer_app.storage.blobs import get_blob, put_blob
from reviewer_app.storage.errors import StaleWriteError
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.review_repository import ReviewRepository

#: Largest attachment accepted (a phone photo is a few MB; a video does not belong here).
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


def _check_review_total(session: Session, review_id: str, filename: str, data: bytes) -> None:
    """Refuse a file that would take the review past what the trust server keeps for one
    review (as its last sync said): it could never be sent."""
    limit = review_file_limit(session)
    if limit is None:
        return
    held = {a.sha256: a.size for a in EvidenceRepository(session).attachments(review_id)}
    if hashlib.sha256(data).hexdigest() in held:
        return  # the same file again takes no more room
    total = sum(held.values())
    if total + len(data) > limit:
        raise ValidationError(
            f"{filename} ({file_size(len(data))}) was not attached: this review's files "
            f"already take {file_size(total)} of the {file_size(limit)} the trust server "
            "keeps for one review.",
            hint="Attach a smaller copy, or ask your trust admin to raise the limit.",
        )


#: Attachments reports show as photos: checked as pictures when added. Other files (a HEIC
#: photo, a PDF) are kept as files and listed, never drawn.
PHOTO_TYPES = frozenset({"image/png", "image/jpeg"})


@dataclass(frozen=True, slots=True)
class FieldWrite:
    """What became of a shared answer written on a version: ``written``, or refused because
    someone changed it since (``newer`` is then the value it has now, if any)."""

    written: FieldValue | None
    newer: FieldValue | None = None

    @property
    def stale(self) -> bool:
        return self.written is None


class ReviewRecords(ActionTracking):
    """Review-record operations over one open store (``Workspace.reviews``).

    Actions and follow-ups come from :class:`ActionTracking`; the shared checks from
    :class:`~reviewer_app.services.review_access.ReviewAccess`.
    """

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
                    created_at=now(),
                )
                repo.add_review(review, framework_snapshot)
                return review

        review = self._lane.call(write)
        return self._published(review, review.id, Entity.REVIEW, record_id=review.id)

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
                    created_at=now(),
                    amends=signed.id,
                    amendment_reason=reason.strip(),
                )
                repo.add_review(review, repo.framework_snapshot(signed.id))
                # Not sent: the signed review is locked on the server, and every laptop
                # supersedes it when the amendment's own record arrives (sync_apply).
                ReviewRepository(session, record_ops=False).set_state(
                    signed.id, ReviewState.SUPERSEDED, now()
                )
                return review

        review = self._lane.call(write)
        self._published(review, signed_review_id, Entity.REVIEW, record_id=signed_review_id)
        return self._published(review, review.id, Entity.REVIEW, record_id=review.id)

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

    def freeze_framework(
        self,
        review_id: str,
        *,
        framework_version: str,
        framework_hash: str,
        framework_snapshot: str,
    ) -> str:
        """Freeze a review started on the trust server (no framework text here yet) to the
        framework text given, and queue it for the team; returns the text it is frozen to.

        Only the visit's team may, on a review that is not signed: the review's framework is
        theirs to fix, as when they start a review on a laptop.
        """

        def write() -> str:
            with self._store.writing() as session:
                self._writable(session, review_id)
                return ReviewRepository(session).freeze_framework(
                    review_id,
                    framework_version=framework_version,
                    framework_hash=framework_hash,
                    framework_snapshot=framework_snapshot,
                )

        frozen = self._lane.call(write)
        return self._published(frozen, review_id, Entity.REVIEW, record_id=review_id)

    def set_state(self, review_id: str, state: ReviewState) -> Review:
        """Move a review to ``state`` (sign-off states are for the visit's lead reviewer)."""

        def write() -> Review:
            with self._store.writing() as session:
                _, visit = self._writable(session, review_id)
                lead_only = (ReviewState.SIGNED, ReviewState.SUPERSEDED)
                if state in lead_only and visit.lead.person_id != self._person().id:
                    raise PermissionDeniedError("Only the visit's lead reviewer can sign it.")
                return ReviewRepository(session).set_state(review_id, state, now())

        review = self._lane.call(write)
        return self._published(review, review_id, Entity.REVIEW, record_id=review_id)

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
        note_id: str | None = None,
    ) -> EvidenceNote:
        """Capture an evidence note (or a correction of an earlier one, via ``supersedes``).
        ``note_id``: the id the editor already knows it by (a correction it may undo next)."""
        if not text.strip():
            raise ValidationError("An evidence note needs some text.")
        note = EvidenceNote(
            id=note_id or new_id(),
            review_id=review_id,
            author_id=self._person().id,
            text=text,
            captured_at=now(),
            criterion_ids=criterion_ids,
            tags=dict(tags or {}),
            attachment_ids=attachment_ids,
            pupil_refs=pupil_refs,
            supersedes=supersedes,
        )
        return self._published(
            self._lane.call(self._add_note, note),
            review_id,
            Entity.EVIDENCE_NOTE,
            record_id=note.id,
        )

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
            captured_at=now(),
            supersedes=note_id,
            retracted=True,
        )
        return self._published(
            self._lane.call(self._add_note, retraction),
            review_id,
            Entity.EVIDENCE_NOTE,
            record_id=retraction.id,
        )

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
        self,
        review_id: str,
        criterion_id: str,
        level_key: str | None,
        rationale: str = "",
        *,
        carried_forward_from: date | None = None,
        judgement_id: str | None = None,
    ) -> Judgement:
        """Record this person's proposed judgement (``level_key=None`` withdraws it).
        ``judgement_id``: the id the editor already shows it under (one id per record)."""
        return self._judge(
            review_id, criterion_id, level_key, rationale, agreed=False,
            carried_forward_from=carried_forward_from, judgement_id=judgement_id,
        )  # fmt: skip

    def agree_judgement(
        self,
        review_id: str,
        criterion_id: str,
        level_key: str | None,
        rationale: str = "",
        *,
        carried_forward_from: date | None = None,
        judgement_id: str | None = None,
    ) -> Judgement:
        """Record the team's agreed judgement; only the visit's lead reviewer may.
        ``carried_forward_from``: the day of the signed review it is carried forward from
        (to be confirmed); agreeing it again without confirms it."""
        return self._judge(
            review_id, criterion_id, level_key, rationale, agreed=True,
            carried_forward_from=carried_forward_from, judgement_id=judgement_id,
        )  # fmt: skip

    def _judge(
        self,
        review_id: str,
        criterion_id: str,
        level_key: str | None,
        rationale: str,
        *,
        agreed: bool,
        carried_forward_from: date | None = None,
        judgement_id: str | None = None,
    ) -> Judgement:
        judgement = Judgement(
            id=judgement_id or new_id(),
            review_id=review_id,
            criterion_id=criterion_id,
            author_id=self._person().id,
            level_key=level_key,
            created_at=now(),
            rationale=rationale,
            agreed=agreed,
            carried_forward_from=carried_forward_from,
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

        return self._published(
            self._lane.call(write), review_id, Entity.JUDGEMENT, record_id=judgement.id
        )

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
                    now(),
                    expected_version=expected_version,
                )

        return self._published(
            self._lane.call(write), review_id, Entity.FIELD_VALUE, field=field_id
        )

    def write_field(
        self, review_id: str, field_id: str, value: JSONValue, *, expected_version: int
    ) -> FieldWrite:
        """Write a shared answer based on ``expected_version``; if the field moved on since,
        nothing is written and the answer carries the newer value for the person to choose."""

        def write() -> FieldWrite:
            try:
                written = self.set_field(
                    review_id, field_id, value, expected_version=expected_version
                )
            except StaleWriteError:
                with self._store.reading() as session:
                    newer = ReviewRepository(session).get_field(review_id, field_id)
                return FieldWrite(written=None, newer=newer)
            return FieldWrite(written=written, newer=None)

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
        if media_type in PHOTO_TYPES:
            from reviewer_app.reports.photos import usable_photo_size

            if usable_photo_size(data) is None:
                raise ValidationError(
                    f"{filename} is not a photo Reviewer can show (the picture is damaged or "
                    "cut short, or the file is not the picture its name says), so it was not "
                    "attached.",
                    hint="Attach it again from the camera or the original folder.",
                )

        def write() -> Attachment:
            with self._store.writing() as session:
                self._writable(session, review_id)
                _check_review_total(session, review_id, filename, data)
                attachment = Attachment(
                    id=new_id(),
                    review_id=review_id,
                    sha256=put_blob(session, data),
                    filename=filename,
                    media_type=media_type,
                    size=len(data),
                    author_id=self._person().id,
                    added_at=now(),
                )
                EvidenceRepository(session).add_attachment(attachment)
            return attachment

        attachment = self._lane.call(write)
        return self._published(attachment, review_id, Entity.ATTACHMENT, record_id=attachment.id)

    def retract_attachment(self, review_id: str, attachment_id: str) -> Attachment:
        """Withdraw an attachment."""

        def write() -> Attachment:
            with self._store.writing() as session:
                self._writable(session, review_id)
                evidence = EvidenceRepository(session)
                attachment = evidence.get_attachment(attachment_id)
                if attachment is None or attachment.review_id != review_id:
                    raise NotFoundError("That attachment is not part of this review.")
                return evidence.retract_attachment(attachment_id, now())

        return self._published(
            self._lane.call(write), review_id, Entity.ATTACHMENT, record_id=attachment_id
        )

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

    def may_agree(self, review_id: str) -> bool:
        """True when the person using this laptop is the lead reviewer of the review's visit."""
        with self._store.reading() as session:
            review = self._review_or_fail(session, review_id)
            visit = self._visit_or_fail(session, review.visit_id)
        return visit.lead.person_id == self._person().id


def _current(reviews: list[Review]) -> Review | None:
    live = [r for r in reviews if r.state is not ReviewState.SUPERSEDED]
    return live[-1] if live else None
