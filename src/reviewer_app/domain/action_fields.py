"""Actions that version 1 of the safeguarding audit held as fields of each criterion.

``safeguarding-audit@1`` gave every criterion three fields, "Action needed", "Action owner
(role)" and "Action due by", so its actions never reached the audit's action plan, the trust's
actions register or the follow-up at the school's next audit. Version 2 records them as
:class:`~reviewer_app.domain.review.Action` records on the criterion. A review keeps the version
it began on; :func:`actions_from_fields` turns the fields of a review on version 1 into the
actions they describe, once: each action's id is derived from the review and the criterion
(:func:`converted_action_id`), so converting again adds nothing. The fields stay as they were
(the review's own report prints them), so nothing is lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from reviewer_app.domain.review import Action, FieldValue, Priority

#: Framework versions whose criteria held an action as fields: the ids of the action's words,
#: its owner and its due date among the criterion's fields.
ACTION_FIELDS: Mapping[tuple[str, str], tuple[str, str, str]] = {
    ("safeguarding-audit", "1"): ("action", "owner", "due"),
}

#: Ids of the fields that held an action's due date (a past date there gets a warning).
DUE_FIELD_IDS = frozenset(names[2] for names in ACTION_FIELDS.values())

#: Longest owner an action record holds (record_schema's short text); a longer one is kept in
#: the action's words instead.
_MAX_OWNER = 500
_NAMESPACE = uuid.UUID("0c6f3f8e-6b0a-4d7e-9a57-2f1d3c5b8e41")


def converted_action_id(review_id: str, criterion_id: str) -> str:
    """The id of the action converted from a criterion's fields (the same on every laptop)."""
    return str(uuid.uuid5(_NAMESPACE, f"action-fields/{review_id}/{criterion_id}"))


def actions_from_fields(
    *,
    framework_id: str,
    framework_version: str,
    review_id: str,
    school_id: str,
    values: Iterable[FieldValue],
    agreed_levels: Mapping[str, str],
    author_id: str,
) -> list[Action]:
    """The actions a review's criterion fields describe, for the criteria whose newest action
    field ``author_id`` wrote (only the author of a record may send it, so one person's laptop
    converts each). Empty for a framework version without action fields. A criterion agreed
    not met gets a high priority, any other medium; a due date that is not a date is kept in
    the action's words."""
    names = ACTION_FIELDS.get((framework_id, framework_version))
    if names is None:
        return []
    action_name, owner_name, due_name = names
    by_criterion: dict[str, dict[str, FieldValue]] = {}
    for value in values:
        criterion_id, dot, name = value.field_id.partition(".")
        if dot and name in names:
            by_criterion.setdefault(criterion_id, {})[name] = value
    actions = []
    for criterion_id, fields in sorted(by_criterion.items()):
        written = [v for v in fields.values() if _text(v.value)]
        if not written or max(written, key=lambda v: _when(v.updated_at)).author_id != author_id:
            continue
        text = _text(fields[action_name].value) if action_name in fields else ""
        owner = _text(fields[owner_name].value) if owner_name in fields else ""
        due_text = _text(fields[due_name].value) if due_name in fields else ""
        due = _day(due_text)
        extra = []
        if due_text and due is None:
            extra.append(f"Due by: {due_text}")
        if len(owner) > _MAX_OWNER:
            extra.append(f"Owner: {owner}")
            owner = owner[:_MAX_OWNER]
        text = "\n".join([text or "Action agreed on this criterion.", *extra])
        actions.append(
            Action(
                id=converted_action_id(review_id, criterion_id),
                review_id=review_id,
                school_id=school_id,
                text=text,
                owner=owner,
                due=due,
                priority=Priority.HIGH
                if agreed_levels.get(criterion_id) == "not_met"
                else Priority.MEDIUM,
                created_by=author_id,
                created_at=max(_when(v.updated_at) for v in written),
                criterion_id=criterion_id,
            )
        )
    return actions


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _when(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.astimezone()
