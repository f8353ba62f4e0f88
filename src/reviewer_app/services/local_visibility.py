"""What the person using this laptop may see of a review held in the local store.

The rule is :mod:`reviewer_app.domain.record_visibility` (the trust server decides with the same
one); this module feeds it the local store's records. Bundle export uses it so a bundle carries
exactly what the trust server would let its author pull, and nothing a PDF export would refuse.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from reviewer_app.domain.canonical import to_json_value
from reviewer_app.domain.frameworks.framework import Framework
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.record_visibility import (
    RestrictedParts,
    criteria_named,
    hidden_records,
    restriction_for_reader,
)
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.tables import ActionRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LocalView:
    """What one reader may see of one review on this laptop."""

    review_id: str
    framework_title: str
    #: False when the whole framework is for other roles (a safeguarding audit for a non-DSL).
    may_read: bool
    restriction: RestrictedParts
    hidden: frozenset[tuple[str, str]]

    def hides(self, entity: str, entity_id: str) -> bool:
        return (entity, entity_id) in self.hidden

    def hides_field(self, field: str | None) -> bool:
        return self.restriction.hides_field(field)

    def hides_operation(self, entity: str, entity_id: str, field: str | None) -> bool:
        """Whether an unsent change touches something this reader may not see."""
        if entity == Entity.FIELD_VALUE.value:
            return self.hides_field(field)
        return self.hides(entity, entity_id)

    @property
    def withholds_anything(self) -> bool:
        """Whether this reader misses any part of the review: a hidden record, or restricted
        criteria or fields in its framework (whose answers, stored as field values, are not
        records). A signed version for an audience that shows restricted detail is then not the
        reader's to carry: its PDF may hold those answers, and it cannot be cut."""
        return bool(self.hidden) or bool(self.restriction)


#: A review not frozen to a framework yet (started by the trust before any laptop held its
#: framework): its records reached this laptop under the server's rules for this person.
NOT_FROZEN = "not frozen"


def review_framework(session: Session, review_id: str) -> Framework | str:
    """The framework snapshot a review is frozen to; :data:`NOT_FROZEN` when it has none yet;
    an empty string when it cannot be read (fail closed)."""
    try:
        text = ReviewRepository(session, record_ops=False).framework_snapshot(review_id)
        if not text.strip():
            return NOT_FROZEN
        return Framework.from_snapshot(json.loads(text))
    except Exception:  # a damaged snapshot: nothing about the review can be trusted to show
        log.warning("The framework snapshot of review %s cannot be read", review_id)
        return ""


def view_of(session: Session, review_id: str, roles: Iterable[Role | str]) -> LocalView:
    """The reader's view of one review in the local store."""
    held = frozenset(str(r) for r in roles)
    framework = review_framework(session, review_id)
    if framework == NOT_FROZEN:
        return LocalView(review_id, "a framework not on this laptop", True, RestrictedParts(),
                         frozenset())  # fmt: skip
    if not isinstance(framework, Framework):
        title = "a framework whose copy cannot be read"
        return LocalView(review_id, title, False, RestrictedParts(), frozenset())
    if not framework.may_be_seen_by(held):
        return LocalView(review_id, framework.title, False, RestrictedParts(), frozenset())
    restriction = restriction_for_reader(framework, held)
    rows = list(_records(session, review_id)) if restriction else []
    follow_ups = ActionRepository(session, record_ops=False).follow_ups(review_id)
    if not restriction:
        rows = [(Entity.ACTION_FOLLOW_UP.value, f.id, to_json_value(f)) for f in follow_ups]
    action_visible = functools.partial(_action_visible, session, held)
    hidden = hidden_records(restriction, rows, action_visible)
    return LocalView(review_id, framework.title, True, restriction, frozenset(hidden))


def _records(session: Session, review_id: str) -> Iterable[tuple[str, str, Any]]:
    evidence = EvidenceRepository(session, record_ops=False)
    reviews = ReviewRepository(session, record_ops=False)
    actions = ActionRepository(session, record_ops=False)
    for note in evidence.notes(review_id):
        yield Entity.EVIDENCE_NOTE.value, note.id, to_json_value(note)
    for attachment in evidence.attachments(review_id):
        yield Entity.ATTACHMENT.value, attachment.id, to_json_value(attachment)
    for judgement in reviews.judgements(review_id):
        yield Entity.JUDGEMENT.value, judgement.id, to_json_value(judgement)
    for action in actions.actions(review_id):
        yield Entity.ACTION.value, action.id, to_json_value(action)
    for follow_up in actions.follow_ups(review_id):
        yield Entity.ACTION_FOLLOW_UP.value, follow_up.id, to_json_value(follow_up)


def _action_visible(session: Session, roles: frozenset[str], action_id: str) -> bool:
    """Whether the reader may see an action (of any review on this laptop); unknown: no."""
    row = session.get(ActionRow, action_id)
    if row is None:
        return False
    framework = review_framework(session, row.review_id)
    if framework == NOT_FROZEN:
        return True
    if not isinstance(framework, Framework) or not framework.may_be_seen_by(roles):
        return False
    action = ActionRepository(session, record_ops=False).get_action(action_id)
    criteria = criteria_named(to_json_value(action)) if action is not None else None
    restricted = restriction_for_reader(framework, roles).criteria
    return criteria is not None and not (criteria & restricted)
