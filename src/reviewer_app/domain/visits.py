"""Visits: one occasion on which reviewers look at a school with one framework."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from reviewer_app.domain.errors import ValidationError
from reviewer_app.domain.organisation import Role


class VisitStatus(StrEnum):
    """Where a visit is in its life. Order matters: it only moves forward (amendments aside)."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    READY_FOR_SIGN_OFF = "ready_for_sign_off"
    SIGNED = "signed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    VisitStatus.PLANNED: "Planned",
    VisitStatus.IN_PROGRESS: "In progress",
    VisitStatus.READY_FOR_SIGN_OFF: "Ready for sign-off",
    VisitStatus.SIGNED: "Signed",
    VisitStatus.CANCELLED: "Cancelled",
}

#: The roles a person may hold on a visit's team.
VISIT_ROLES = (
    Role.LEAD_REVIEWER,
    Role.PEER_REVIEWER,
    Role.IMPROVEMENT_PARTNER,
    Role.SAFEGUARDING_LEAD,
)


@dataclass(frozen=True, slots=True)
class VisitReviewer:
    """A person on a visit's team, in the role they play on this visit."""

    person_id: str
    role: Role


@dataclass(frozen=True, slots=True)
class Visit:
    """A planned or completed review of one school with one framework (the visit kind).

    ``framework_id`` names the review template (learning walk, safeguarding audit, ...);
    the frameworks engine gives it a title.
    """

    id: str
    school_id: str
    framework_id: str
    planned_start: date
    planned_end: date
    reviewers: tuple[VisitReviewer, ...] = ()
    status: VisitStatus = VisitStatus.PLANNED
    actual_start: date | None = None
    actual_end: date | None = None
    title: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.school_id:
            raise ValidationError("Choose the school this visit is to.")
        if not self.framework_id:
            raise ValidationError("Choose what kind of visit this is.")
        if self.planned_end < self.planned_start:
            raise ValidationError(
                f"The visit ends ({self.planned_end:%d %B %Y}) before it starts "
                f"({self.planned_start:%d %B %Y})."
            )
        if (
            self.actual_start is not None
            and self.actual_end is not None
            and self.actual_end < self.actual_start
        ):
            raise ValidationError("The visit's actual end is before its actual start.")
        if not self.reviewers:
            raise ValidationError("A visit needs at least one reviewer.")
        seen: set[str] = set()
        for reviewer in self.reviewers:
            if reviewer.person_id in seen:
                raise ValidationError("The same person is listed twice on the visit team.")
            seen.add(reviewer.person_id)
        if self.reviewers and sum(r.role is Role.LEAD_REVIEWER for r in self.reviewers) > 1:
            raise ValidationError("A visit has at most one lead reviewer.")

    @property
    def start(self) -> date:
        """The date to sort and show the visit by: actual if known, else planned."""
        return self.actual_start or self.planned_start

    @property
    def lead(self) -> VisitReviewer:
        """The lead reviewer, or the first reviewer when nobody is named lead."""
        for reviewer in self.reviewers:
            if reviewer.role is Role.LEAD_REVIEWER:
                return reviewer
        return self.reviewers[0]

    def is_team_member(self, person_id: str) -> bool:
        return any(r.person_id == person_id for r in self.reviewers)

    @property
    def is_locked(self) -> bool:
        return self.status is VisitStatus.SIGNED
