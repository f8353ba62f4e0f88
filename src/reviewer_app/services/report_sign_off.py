"""Where a visit's report stands in its sign-off, for the screens that show it.

:func:`report_audiences` lists the framework's report audiences with whether the person using
this laptop may read each; :func:`sign_off_status` says who signs in which order, who has signed,
whose turn it is and, when it is not the person's turn, why, in a sentence. The rules are
:meth:`ReportService.sign`'s own: this module only reads, so a screen can show them before the
person tries; the service still decides when they do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reviewer_app.domain.errors import PermissionDeniedError
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.wording import mid_sentence
from reviewer_app.reports.document import names_phrase, next_to_sign, who_signs
from reviewer_app.reports.signing import same_person
from reviewer_app.services import signed_report_sync
from reviewer_app.services.report_service import ReportService, signed_so_far
from reviewer_app.services.signing_identity import SigningIdentity
from reviewer_app.storage.signed_report_repository import SignedReportVersion


@dataclass(frozen=True, slots=True)
class AudienceChoice:
    """One of the framework's report audiences, and whether this person may read it."""

    key: str
    label: str
    description: str
    #: Why the person may not read it (a sentence), or "" when they may.
    refusal: str = ""

    @property
    def readable(self) -> bool:
        return not self.refusal


def report_audiences(service: ReportService, visit_id: str) -> list[AudienceChoice]:
    """The visit's report audiences in the framework's order, each marked readable or not."""
    source = service.source(visit_id)
    choices = []
    for key in source.audience_keys:
        audience = source.audience(key)
        refusal = ""
        if audience.allows_restricted and source.withheld_restricted:
            try:
                service.document(visit_id, key)
            except PermissionDeniedError as denied:
                refusal = denied.message
        if not refusal:
            report_id = source.draft.for_audience(audience).report_id
            refusal = service.withheld_here(source, key, report_id)
        choices.append(AudienceChoice(key, audience.label, audience.description, refusal))
    return choices


@dataclass(frozen=True, slots=True)
class SignatureSlot:
    """One required signature: who gives it, as what, and when they did (if they have)."""

    order: int
    person_name: str
    role_label: str
    signed_at: datetime | None = None
    #: This signature may be given now (several may, where signers sign in any order).
    is_next: bool = False
    #: The framework lets this signer sign in any order with the others of their step.
    any_order: bool = False

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


@dataclass(frozen=True, slots=True)
class SignOffStatus:
    """The sign-off of one audience's report as it stands now.

    ``versions``: every signed state kept for this audience, oldest first (the last one is the
    report as signed so far). ``refusal``: why the person using this laptop cannot sign now, or
    "" when it is their turn.
    """

    visit_id: str
    audience: str
    audience_label: str
    school_name: str
    review_state: ReviewState
    person_name: str
    slots: tuple[SignatureSlot, ...]
    versions: tuple[SignedReportVersion, ...]
    refusal: str
    key_needs_passphrase: bool
    #: This laptop is enrolled: the person signs with the key certified by the trust there.
    enrolled: bool = False
    #: Why signed versions of this review were not kept, received or sent (sentences).
    sync_refusals: tuple[str, ...] = ()
    #: The ids of the fully signed versions that are the trust's long-term versions (with
    #: validation data and a document timestamp, made by the server after the last signature).
    long_term_ids: frozenset[str] = frozenset()

    @property
    def my_turn(self) -> bool:
        return not self.refusal

    @property
    def signed_count(self) -> int:
        return sum(1 for slot in self.slots if slot.signed)

    @property
    def complete(self) -> bool:
        return bool(self.slots) and self.signed_count >= len(self.slots)

    @property
    def next_slot(self) -> SignatureSlot | None:
        """The slot the person using this laptop signs now, else the first that may sign."""
        waiting = [slot for slot in self.slots if slot.is_next]
        mine = [slot for slot in waiting if same_person(slot.person_name, self.person_name)]
        return next(iter(mine or waiting), None)

    @property
    def any_order_note(self) -> str:
        """A sentence saying who may sign in any order among themselves, or ""."""
        shared = [slot for slot in self.slots if slot.any_order]
        if not shared:
            return ""
        role = mid_sentence(shared[0].role_label)
        return (
            f"The {role}s ({names_phrase([s.person_name for s in shared])}) sign in any order "
            "among themselves, all before the next signer."
        )

    @property
    def summary(self) -> str:
        """One sentence: how far the signing has gone."""
        label = self.audience_label.lower()
        if not self.slots:
            return f"The {label} names nobody to sign it."
        if self.complete:
            return f"The {label} is signed by everyone who must sign it."
        if self.signed_count == 0:
            needed = len(self.slots)
            return (
                f"Nobody has signed the {label} yet; "
                f"{'one signature is' if needed == 1 else f'{needed} signatures are'} needed."
            )
        return f"The {label} is signed by {self.signed_count} of {len(self.slots)}."


def sign_off_status(service: ReportService, visit_id: str, audience: str) -> SignOffStatus:
    """Who signs the visit's ``audience`` report in which order, who has, and whose turn it is."""
    versions = tuple(service.signed_versions(visit_id, audience))
    latest = versions[-1] if versions else None
    source, document = service.document(visit_id, audience, latest)
    slots_in_order = document.signing_order
    # Each version adds one signature and names its signer.
    filled = signed_so_far(slots_in_order, versions)
    upcoming = {slot.field_name for slot in next_to_sign(slots_in_order, filled)}
    slots = tuple(
        SignatureSlot(
            order=number,
            person_name=slot.person_name,
            role_label=slot.role_label,
            signed_at=filled[slot.field_name].signed_at if slot.field_name in filled else None,
            is_next=slot.field_name in upcoming,
            any_order=bool(slot.step),
        )
        for number, slot in enumerate(slots_in_order, 1)
    )
    person = service.workspace.current_person
    review = source.review
    label = document.audience.label.lower()
    refusal = ""
    if review.state not in (ReviewState.READY_FOR_SIGN_OFF, ReviewState.SIGNED):
        refusal = (
            f"The review is {review.state.label.lower()}, so it cannot be signed yet: the lead "
            "reviewer marks it ready for sign-off first."
        )
    elif not slots:
        refusal = f"The {source.framework.title} names nobody to sign it."
    elif latest is not None and latest.complete:
        refusal = f"The {label} is already signed by everyone who must sign it."
    elif latest is not None and latest.data_hash != document.data_hash():
        refusal = (
            f"The review has changed since {latest.signer_name} signed the {label}, so the "
            "signatures so far no longer cover what the review now says."
        )
    else:
        turn = [s for s in slots_in_order if s.field_name in upcoming]
        if not any(same_person(s.person_name, person.name) for s in turn):
            refusal = f"{who_signs(turn)} the {label} next, not you ({person.name})."
    identity = SigningIdentity(service.paths, person, service.workspace.store)
    enrolled = identity.enrolled()
    with service.workspace.store.reading() as session:
        sync_refusals = tuple(signed_report_sync.refusals(session, review.id))
    from reviewer_app.reports.timestamping import carries_long_term_data

    long_term_ids = frozenset(
        v.id for v in versions if v.complete and carries_long_term_data(v.pdf)
    )
    return SignOffStatus(
        visit_id=visit_id,
        audience=audience,
        audience_label=document.audience.label,
        school_name=source.school.name,
        review_state=review.state,
        person_name=person.name,
        slots=slots,
        versions=versions,
        refusal=refusal,
        key_needs_passphrase=not enrolled and identity.key_file.is_file(),
        enrolled=enrolled,
        sync_refusals=sync_refusals,
        long_term_ids=long_term_ids,
    )
