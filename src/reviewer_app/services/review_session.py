"""Open a visit's review for the editor: everything it shows, read in one go off the GUI thread.

:func:`open_review` starts the review on first opening (frozen to the installed framework as a
snapshot) and thereafter always rebuilds the framework from the snapshot kept with the review,
so the editor is generated from exactly the framework the review began with.

Lifecycle rules live here too: a review is marked ready for sign-off only when the check finds
nothing missing, and a signed review changes only through an amendment, which keeps the signed
version intact (``ReviewState.SUPERSEDED``) and visible.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.domain.carry_forward import unconfirmed
from reviewer_app.domain.errors import (
    LockedError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from reviewer_app.domain.frameworks import Framework, FrameworkLibrary
from reviewer_app.domain.frameworks.vocabulary import TrustVocabulary
from reviewer_app.domain.organisation import Person, Role, School
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FieldValue,
    Judgement,
    Review,
    ReviewState,
    current_judgements,
)
from reviewer_app.domain.review_progress import (
    ReviewProgress,
    effective_levels,
    review_progress,
)
from reviewer_app.domain.visits import Visit
from reviewer_app.domain.wording import readable_key

if TYPE_CHECKING:
    from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EarlierAction:
    """An open action from an earlier visit, with where it came from."""

    action: Action
    origin: str  # "Learning walk, 3 March 2026"


@dataclass
class ReviewContext:
    """What the editor opens on. Lists are the state at opening; the editor keeps them current
    as its own writes land."""

    review: Review
    framework: Framework
    visit: Visit
    school: School
    me: Person
    people: dict[str, Person]
    judgements: list[Judgement]
    fields: dict[str, FieldValue]
    notes: list[EvidenceNote]
    attachments: list[Attachment]
    actions: list[Action]
    earlier_actions: list[EarlierAction]
    follow_ups: list[ActionFollowUp]
    history: list[Review] = field(default_factory=list)
    #: The trust's words for quick capture and the name warning.
    vocabulary: TrustVocabulary | None = None

    @property
    def is_lead(self) -> bool:
        return self.visit.lead.person_id == self.me.id

    @property
    def is_team_visit(self) -> bool:
        return len(self.visit.reviewers) > 1

    @property
    def single_reviewer_id(self) -> str | None:
        return None if self.is_team_visit else self.visit.reviewers[0].person_id

    @property
    def locked(self) -> bool:
        return self.review.state.is_locked

    @property
    def read_only(self) -> bool:
        """Signed, or the person is not on the visit's team: the editor only shows it."""
        return self.locked or not self.visit.is_team_member(self.me.id)

    @property
    def amended_review(self) -> Review | None:
        """The signed review this one amends, if it is an amendment."""
        return next((r for r in self.history if r.id == self.review.amends), None)

    def name_of(self, person_id: str) -> str:
        person = self.people.get(person_id)
        return person.name if person else "Someone not on this computer"

    def role_on_visit(self, person_id: str) -> Role | None:
        return next((r.role for r in self.visit.reviewers if r.person_id == person_id), None)

    def levels(self) -> dict[str, str]:
        return effective_levels(self.judgements, single_reviewer_id=self.single_reviewer_id)

    def progress(self) -> ReviewProgress:
        """Completion and the ready-for-sign-off check over what the context holds now."""
        return review_progress(
            self.framework,
            levels=self.levels(),
            fields=self.fields.values(),
            school_facts=self.school.facts(),
            roles=self.me.roles
            | {r.role for r in self.visit.reviewers if r.person_id == self.me.id},
            actions=self.actions,
            open_earlier_actions=[e.action for e in self.earlier_actions],
            follow_ups=self.follow_ups,
            unconfirmed=unconfirmed(self.judgements),
        )


def framework_of(
    workspace: Workspace, review: Review, library: FrameworkLibrary | None = None
) -> Framework:
    """The framework the review is frozen to, rebuilt from its snapshot.

    A review started on the trust server arrives without framework text (the server keeps
    none) until a laptop of the team freezes it: the first time this laptop needs it, it takes
    the installed framework the review names (its version and content hash, when the server
    knows them; else the newest installed, as for a review started here). On the team, and the
    review not signed, the review is frozen to it and the text is queued for the others;
    anyone else only reads it. Raises :class:`NotFoundError` naming the framework when it is
    not installed here.
    """
    snapshot = workspace.reviews.framework_snapshot(review.id)
    if snapshot:
        return Framework.from_snapshot(json.loads(snapshot))
    framework = installed_framework(review, library or workspace.library())
    me = workspace.current_person
    visit = workspace.get_visit(review.visit_id)
    if (
        review.state.is_locked
        or not visit.is_team_member(me.id)
        or not framework.may_be_seen_by(me.roles)
    ):
        return framework
    snapshot = workspace.reviews.freeze_framework(
        review.id,
        framework_version=framework.version,
        framework_hash=framework.content_hash,
        framework_snapshot=json.dumps(framework.to_snapshot(), ensure_ascii=False),
    )
    log.info("review %s frozen to framework %s %s", review.id, framework.id, framework.version)
    return Framework.from_snapshot(json.loads(snapshot))


def installed_framework(review: Review, library: FrameworkLibrary) -> Framework:
    """The installed framework a review without framework text names (by id, and version and
    content hash when known), or a refusal naming the framework that is missing."""
    version, content_hash = review.framework_version, review.framework_hash
    installed = library.versions(review.framework_id)
    matching = [
        f for f in installed if version in ("", f.version) and content_hash in ("", f.content_hash)
    ]
    if matching:
        return matching[-1]
    name = f"'{readable_key(review.framework_id)}'"
    if not installed:
        problem = f"the framework {name}, which is not installed on this laptop"
    elif version and all(f.version != version for f in installed):
        held = [f.version for f in installed]
        has = (
            f"version {held[0]}"
            if len(held) == 1
            else f"versions {', '.join(held[:-1])} and {held[-1]}"
        )
        problem = f"version {version} of the framework {name}; this laptop has {has}"
    else:
        which = f"version {version} of the framework {name}" if version else f"the framework {name}"
        problem = f"{which} as it was when the review began, not as installed on this laptop"
    raise NotFoundError(
        f"This review uses {problem}, so it cannot be opened here.",
        hint="Ask your trust admin for that framework file, or sync again once a colleague who "
        "has it has opened the review.",
    )


def open_review(
    workspace: Workspace,
    visit_id: str,
    *,
    review_id: str | None = None,
    library: FrameworkLibrary | None = None,
    with_notes: bool = True,
) -> ReviewContext:
    """Read (and on first opening start) the review of a visit. ``review_id`` opens one given
    review of the visit instead, such as the signed version an amendment replaced.

    Blocks on the store: call it from a reader thread. ``with_notes=False`` leaves the notes
    out (``notes`` is empty) so a review with thousands of notes opens at once; read them with
    :func:`evidence_notes` next.
    """
    reviews = workspace.reviews
    visit = workspace.get_visit(visit_id)
    me = workspace.current_person
    if review_id is not None:
        review = reviews.get_review(review_id)
    else:
        found = reviews.review_for_visit(visit_id)
        if found is None:
            framework = (library or workspace.library()).latest(visit.framework_id)
            if not framework.may_be_seen_by(me.roles):
                raise PermissionDeniedError(
                    f"The {framework.title.lower()} is only for "
                    f"{', '.join(r.label.lower() for r in framework.visible_to)}s.",
                )
            found = reviews.start_review(
                visit_id,
                framework_id=framework.id,
                framework_version=framework.version,
                framework_hash=framework.content_hash,
                framework_snapshot=json.dumps(framework.to_snapshot(), ensure_ascii=False),
            )
            log.info("review %s started for visit %s", found.id, visit_id)
            if found.amends is None:
                from reviewer_app.services.carry_forward import carry_forward

                carry_forward(workspace, found, visit, framework)
        review = found
    framework = framework_of(workspace, review, library)
    if not review.framework_hash:  # started on the server: frozen just now, if by this laptop
        review = reviews.get_review(review.id)
    if not framework.may_be_seen_by(me.roles):
        raise PermissionDeniedError(
            f"The {framework.title.lower()} can only be opened by "
            f"{', '.join(r.label.lower() for r in framework.visible_to)}s.",
        )
    people = {p.id: p for p in workspace.list_people()}
    earlier = []
    origins: dict[str, str] = {}
    for action in reviews.open_actions_before(visit_id):
        if action.review_id not in origins:
            origin_visit = workspace.get_visit(reviews.get_review(action.review_id).visit_id)
            title = origin_visit.title or origin_visit.framework_id.replace("-", " ").capitalize()
            origins[action.review_id] = f"{title}, {origin_visit.start:%-d %B %Y}"
        earlier.append(EarlierAction(action, origins[action.review_id]))
    notes = evidence_notes(workspace, review) if with_notes else []
    attachments = reviews.attachments(review.id)
    actions, follow_ups = reviews.actions(review.id), reviews.follow_ups(review.id)
    # An amendment shows the evidence, actions and follow-ups of the signed versions it amends
    # (they stay on those versions, with their authors and times); only answers are copied.
    earlier_id = review.amends
    while earlier_id is not None:
        attachments = reviews.attachments(earlier_id) + attachments
        actions = reviews.actions(earlier_id) + actions
        follow_ups = reviews.follow_ups(earlier_id) + follow_ups
        earlier_id = reviews.get_review(earlier_id).amends
    return ReviewContext(
        review=review,
        framework=framework,
        visit=visit,
        school=workspace.get_school(visit.school_id),
        me=me,
        people=people,
        judgements=reviews.judgements(review.id),
        fields=reviews.field_values(review.id),
        notes=notes,
        attachments=attachments,
        actions=actions,
        earlier_actions=earlier,
        follow_ups=follow_ups,
        history=reviews.reviews_for_visit(visit_id),
        vocabulary=workspace.frameworks.vocabulary(),
    )


def evidence_notes(workspace: Workspace, review: Review) -> list[EvidenceNote]:
    """The notes a reader of the review sees, with those of the signed versions an amendment
    amends, oldest first."""
    reviews = workspace.reviews
    notes = reviews.notes(review.id)
    earlier_id = review.amends
    while earlier_id is not None:
        notes = reviews.notes(earlier_id) + notes
        earlier_id = reviews.get_review(earlier_id).amends
    return notes


def mark_ready(workspace: Workspace, context: ReviewContext) -> Review:
    """Move a draft to ready for sign-off, refusing while the check finds anything missing."""
    missing = context.progress().missing
    if missing:
        count = len(missing)
        raise ValidationError(
            f"The review is not ready for sign-off: {count} required "
            f"{'item is' if count == 1 else 'items are'} missing.",
            hint="Open the sign-off check to see each one and jump to it.",
        )
    return workspace.reviews.set_state(context.review.id, ReviewState.READY_FOR_SIGN_OFF)


def reopen_draft(workspace: Workspace, review: Review) -> Review:
    """A change after the review was marked ready puts it back to draft (it needs checking
    again); a signed review cannot be reopened, only amended."""
    if review.state.is_locked:
        raise LockedError(
            "This review is signed, so it cannot be changed.",
            hint="Start an amendment to correct a signed review.",
        )
    if review.state is ReviewState.READY_FOR_SIGN_OFF:
        return workspace.reviews.set_state(review.id, ReviewState.DRAFT)
    return review


def amend(workspace: Workspace, context: ReviewContext, reason: str) -> Review:
    """Start an amendment of the signed review on show (the signed one stays intact)."""
    if context.review.state is not ReviewState.SIGNED:
        raise ValidationError("Only a signed review can be amended.")
    if not context.is_lead:
        raise PermissionDeniedError(
            "Only the visit's lead reviewer can amend a signed review.",
            hint=f"Ask {context.name_of(context.visit.lead.person_id)} to start the amendment.",
        )
    reviews = workspace.reviews

    def start() -> Review:
        amendment = reviews.start_amendment(context.review.id, reason)
        # The amendment starts from the signed answers: shared fields and the lead's judgements.
        for field_id, value in reviews.field_values(context.review.id).items():
            if value.value is not None:
                reviews.set_field(amendment.id, field_id, value.value)
        for (criterion_id, author_id, agreed), judgement in current_judgements(
            reviews.judgements(context.review.id)
        ).items():
            if author_id != context.me.id or judgement.level_key is None:
                continue
            write = reviews.agree_judgement if agreed else reviews.propose_judgement
            write(amendment.id, criterion_id, judgement.level_key, judgement.rationale)
        return amendment

    amendment = workspace.lane.call(start)
    log.info("amendment %s started for review %s", amendment.id, context.review.id)
    return amendment


def media_type_of(path: Path) -> str:
    """The media type to store with an attached file."""
    guessed, _encoding = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def read_attachment_file(path: Path) -> bytes:
    """The bytes of a file being attached, as a reviewer-readable error if it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"{path.name} could not be read, so it was not attached.",
            hint="Check the file still exists and is not open in another program.",
        ) from exc
