"""A review's report content (:class:`~reviewer_app.reports.document.ReportDraft`) from this
laptop's store: what the review holds, gathered into a
:class:`~reviewer_app.reports.review_report.ReviewContent` for the report builder
(:mod:`reviewer_app.reports.review_report`, which the trust server's demo uses too), as a
reader may export it. It reads only; it never writes to the store.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer_app.domain.errors import PermissionDeniedError, ValidationError
from reviewer_app.domain.frameworks import Framework, TrustProfile
from reviewer_app.domain.organisation import SAFEGUARDING_ROLES, Person, Role, School
from reviewer_app.domain.review import Action, Review
from reviewer_app.domain.visits import Visit
from reviewer_app.reports.document import Audience, ReportDraft
from reviewer_app.reports.review_report import (
    SCHOOL_ONLY,
    SHARING_FIELD,
    VISIT_DETAILS,
    ReviewContent,
    branding_for,
    build_report_draft,
    format_value,
    report_audience,
    scale_legend,
    sign_off_slots,
)
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.review_records import PHOTO_TYPES
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.action_repository import ActionRepository

__all__ = [
    "SCHOOL_ONLY",
    "SHARING_FIELD",
    "VISIT_DETAILS",
    "ReportSource",
    "branding_for",
    "build_report_source",
    "format_value",
    "load_framework",
    "report_audience",
    "review_content",
    "scale_legend",
    "sign_off_slots",
    "trust_profile",
]


@dataclass(frozen=True, slots=True)
class ReportSource:
    """A review's report content and what it was built from.

    ``withheld_restricted``: the review has restricted (safeguarding) parts that were left out
    because the person the draft was built for holds no safeguarding role.
    """

    draft: ReportDraft
    review: Review
    visit: Visit
    school: School
    framework: Framework
    withheld_restricted: bool = False

    def audience(self, key: str) -> Audience:
        """The report audience ``key`` of this review's framework (:class:`ValidationError`)."""
        return report_audience(self.framework, key)

    @property
    def audience_keys(self) -> tuple[str, ...]:
        return tuple(a.key for a in self.framework.audiences)


def load_framework(workspace: Workspace, review: Review) -> Framework:
    """The framework exactly as the review was started with it (frozen now if the review was
    started on the trust server and never opened here: see ``review_session.framework_of``)."""
    from reviewer_app.services.review_session import framework_of

    return framework_of(workspace, review)


def trust_profile(profile_id: str) -> TrustProfile | None:
    """The installed trust profile, or ``None`` when it is not installed."""
    try:
        return installed_library().profile(profile_id)
    except KeyError:
        return None


def build_report_source(
    workspace: Workspace, visit_id: str, *, reader: Person | None = None
) -> ReportSource:
    """The report content of the visit's current review, as ``reader`` may export it.

    ``reader`` defaults to the person using this laptop. Raises :class:`NotFoundError` when the
    visit has no review, and :class:`PermissionDeniedError` when the framework is closed to the
    reader's roles (the safeguarding audit to anyone without a safeguarding role).
    """
    reader = reader or workspace.current_person
    visit = workspace.get_visit(visit_id)
    review = workspace.reviews.review_for_visit(visit_id)
    school = workspace.get_school(visit.school_id)
    if review is None:
        raise ValidationError(
            f"The visit to {school.name} has no review yet, so there is nothing to report.",
            hint="Open the visit and start its review first.",
        )
    framework = load_framework(workspace, review)
    if not review.framework_hash:  # started on the server: frozen just now, if by this laptop
        review = workspace.reviews.get_review(review.id)
    if not framework.may_be_seen_by(reader.roles):
        roles = ", ".join(Role(r).label.lower() for r in framework.visible_to)
        raise PermissionDeniedError(
            f"Only a {roles} may export the {framework.title.lower()} of {school.name}; "
            f"{reader.name} does not hold that role.",
            hint="Ask the trust's safeguarding lead to export this report.",
        )
    draft, withheld = build_report_draft(
        review_content(workspace, visit, review, school, framework),
        may_see_restricted=bool(reader.roles & SAFEGUARDING_ROLES),
    )
    return ReportSource(draft, review, visit, school, framework, withheld)


def review_content(
    workspace: Workspace, visit: Visit, review: Review, school: School, framework: Framework
) -> ReviewContent:
    """What the review holds in this laptop's store, as its report needs it."""
    reviews = workspace.reviews
    follow_ups = reviews.follow_ups(review.id)
    followed: dict[str, Action] = {}
    if follow_ups:
        with workspace.store.reading() as session:
            repo = ActionRepository(session)
            for follow_up in follow_ups:
                action = repo.get_action(follow_up.action_id)
                if action is not None:
                    followed[action.id] = action
    trust = workspace.trust
    return ReviewContent(
        review=review,
        visit=visit,
        school=school,
        framework=framework,
        trust_name=trust.name,
        branding=branding_for(trust.name, trust_profile(trust.profile_id)),
        people={p.id: p for p in workspace.list_people()},
        field_values=reviews.field_values(review.id),
        judgements=reviews.judgements(review.id),
        notes=reviews.notes(review.id),
        actions=reviews.actions(review.id),
        follow_ups=follow_ups,
        followed=followed,
        photos=[
            (a, reviews.attachment_data(a))
            for a in reviews.attachments(review.id)
            if a.media_type in PHOTO_TYPES
        ],
    )
