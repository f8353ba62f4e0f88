"""Which records of a review the trust server withholds from a reader (issue 14, item 2).

The rule is :func:`reviewer_app.domain.record_visibility.hidden_records`, the one the laptops use
for bundles: a record is hidden when it is about a restricted part, **or when anything it refers
to is hidden** (a follow-up of a hidden action, or of an action the reader cannot see at all; a
correction or withdrawal of a hidden note; an attachment cited only by hidden notes). This
module feeds it the server's records, for the pull (:func:`~reviewer_app.server.operations.
read_changes`), the files (``blob_routes.may_download``) and anything else that hands records
out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.record_visibility import RestrictedParts, criteria_named, hidden_records
from reviewer_app.server import models
from reviewer_app.server.access import Restriction, restriction_for, review_access

_FOLLOW_UP = Entity.ACTION_FOLLOW_UP.value
_ACTION = Entity.ACTION.value


def parts_of(restriction: Restriction) -> RestrictedParts:
    return RestrictedParts(criteria=restriction.criteria, fields=restriction.fields)


class ReviewVisibility:
    """What one reader may not see of one review's records, worked out once."""

    def __init__(
        self,
        session: Session,
        person: models.Person,
        review: models.Review,
        restriction: Restriction | None = None,
    ) -> None:
        self.session = session
        self.person = person
        self.review = review
        self.restriction = (
            restriction
            if restriction is not None
            else restriction_for(session, person, review.framework_id)
        )
        self._actions: dict[str, bool] = {}
        self.hidden: frozenset[tuple[str, str]] = frozenset(
            hidden_records(parts_of(self.restriction), self._rows(), self._action_visible)
        )

    def _rows(self) -> list[tuple[str, str, Any]]:
        table = models.Record
        statement = select(table.entity, table.entity_id, table.payload).where(
            table.review_id == self.review.id
        )
        if not self.restriction:
            # Nothing of this framework is restricted: only what refers outside the review
            # (a follow-up of another review's action) can be hidden.
            statement = statement.where(table.entity == _FOLLOW_UP)
        return [(e, i, p) for e, i, p in self.session.exec(statement)]

    def _action_visible(self, action_id: str) -> bool:
        """Whether the reader may see the action (of any review); unknown ones: no."""
        known = self._actions.get(action_id)
        if known is not None:
            return known
        visible = False
        rows = self.session.exec(
            select(models.Record.review_id, models.Record.payload).where(
                models.Record.entity == _ACTION, models.Record.entity_id == action_id
            )
        ).all()
        for review_id, payload in rows:
            review = self.session.get(models.Review, review_id)
            if review is None or not review_access(self.session, self.person, review).may_read:
                continue
            if review_id == self.review.id:
                restricted = self.restriction.criteria
            else:
                restricted = restriction_for(
                    self.session, self.person, review.framework_id
                ).criteria
            criteria = criteria_named(payload) if isinstance(payload, Mapping) else None
            if criteria is not None and not criteria & restricted:
                visible = True
                break
        self._actions[action_id] = visible
        return visible

    def hides(self, entity: str, entity_id: str, field: str | None) -> bool:
        """Whether a change of ``(entity, entity_id, field)`` is withheld from the reader."""
        if entity == Entity.FIELD_VALUE.value:
            return self.restriction.hides_field(field)
        return (entity, entity_id) in self.hidden

    def hidden_attachments(self) -> frozenset[str]:
        return frozenset(i for e, i in self.hidden if e == Entity.ATTACHMENT.value)
