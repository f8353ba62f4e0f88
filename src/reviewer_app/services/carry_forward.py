"""Carrying forward: when a review starts on a framework that carries answers forward, the
answers to unchanged criteria come from the school's last signed review on an earlier version
of the same framework, each to be confirmed (see :mod:`reviewer_app.domain.carry_forward`).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from reviewer_app.domain.carry_forward import answers_to_carry
from reviewer_app.domain.frameworks import Framework
from reviewer_app.domain.frameworks.frozen_model import version_key
from reviewer_app.domain.review import Review, ReviewState
from reviewer_app.domain.visits import Visit

if TYPE_CHECKING:
    from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)


def last_signed_review(
    workspace: Workspace, visit: Visit, framework: Framework
) -> tuple[Review, Visit] | None:
    """The school's newest signed review on an earlier version of this framework."""
    found: list[tuple[Visit, Review]] = []
    for earlier in workspace.visits_for_school(visit.school_id):
        if earlier.id == visit.id or earlier.framework_id != framework.id:
            continue
        for review in workspace.reviews.reviews_for_visit(earlier.id):
            if review.state is ReviewState.SIGNED and version_key(
                review.framework_version
            ) < version_key(framework.version):
                found.append((earlier, review))
    if not found:
        return None
    earlier, review = max(found, key=lambda pair: (pair[0].planned_end, pair[0].id))
    return review, earlier


def carry_forward(workspace: Workspace, review: Review, visit: Visit, framework: Framework) -> int:
    """Carry the unchanged answers into a review just started; returns how many judgements
    were carried. Agreed judgements when this person leads the visit (to be confirmed), else
    proposals for the lead to agree."""
    if not framework.carry_forward:
        return 0
    found = last_signed_review(workspace, visit, framework)
    if found is None:
        return 0
    earlier, earlier_visit = found
    snapshot = workspace.reviews.framework_snapshot(earlier.id)
    if not snapshot:
        return 0
    previous = Framework.from_snapshot(json.loads(snapshot))
    fields = {k: v.value for k, v in workspace.reviews.field_values(earlier.id).items()}
    carried = answers_to_carry(
        previous, workspace.reviews.judgements(earlier.id), fields, framework
    )
    day = earlier_visit.planned_start
    leads = visit.lead.person_id == workspace.current_person.id
    record = workspace.reviews.agree_judgement if leads else workspace.reviews.propose_judgement
    for criterion_id, level in carried.levels.items():
        record(review.id, criterion_id, level, carried_forward_from=day)
    for field_id, value in carried.fields.items():
        workspace.reviews.set_field(review.id, field_id, value)
    log.info(
        "Carried %d answers forward from review %s (%s) into %s (%s)",
        len(carried.levels), earlier.id, previous.reference, review.id, framework.reference,
    )  # fmt: skip
    return len(carried.levels)
