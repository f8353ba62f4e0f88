"""What a reader may see of a review's records: the rule, without a database.

Safeguarding detail is for safeguarding roles. A framework marks it with ``visible_to`` (a
section, a criterion, a field); a reader without a safeguarding role may not see:

* a field of a restricted part (a restricted section's fields, a restricted criterion's fields,
  a field marked itself), stored as ``<field>`` or ``<criterion>.<field>``;
* a judgement, note or action about a restricted criterion (a note about several criteria is
  hidden when any of them is restricted);
* **anything that refers to something hidden**: a correction or withdrawal of a hidden note
  (however long the chain), a follow-up of a hidden action or of an action the reader cannot see
  at all, a photo or file cited only by hidden notes (one a visible note cites too is shown);
* a record whose content cannot be read (fail closed).

The trust server (``server/visibility.py``) and the laptop (``services/local_visibility.py``:
bundles, the laptop's own clean-up when a role is lost) both decide with :func:`hidden_records`,
so an export, a pull and a report agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.frameworks.framework import Framework
from reviewer_app.domain.organisation import SAFEGUARDING_ROLES, Role
from reviewer_app.domain.record_kinds import Entity

_NOTE = Entity.EVIDENCE_NOTE.value
_ATTACHMENT = Entity.ATTACHMENT.value
_ACTION = Entity.ACTION.value
_FOLLOW_UP = Entity.ACTION_FOLLOW_UP.value
#: Records whose visibility can depend on their content or on what they refer to.
CHECKED_ENTITIES = (_NOTE, _ATTACHMENT, Entity.JUDGEMENT.value, _ACTION, _FOLLOW_UP)


@dataclass(frozen=True, slots=True)
class RestrictedParts:
    """The criteria and stored field ids of a framework that a reader may not see."""

    criteria: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.criteria or self.fields)

    def hides_field(self, field: str | None) -> bool:
        """Whether a stored field id (``<field>`` or ``<criterion>.<field>``) is hidden."""
        if not field:
            return False
        return field in self.fields or field.split(".", 1)[0] in self.criteria


def restricted_parts_of(framework: Framework) -> RestrictedParts:
    """Every part of ``framework`` marked ``visible_to`` (what a non-safeguarding reader loses)."""
    criteria: set[str] = set()
    fields: set[str] = set()
    for spec in framework.fields:
        if spec.visible_to:
            fields.add(spec.id)
    for section in framework.sections:
        hidden_section = bool(section.visible_to)
        for spec in section.fields:
            if hidden_section or spec.visible_to:
                fields.add(spec.id)
        for criterion in section.criteria:
            if hidden_section or criterion.visible_to:
                criteria.add(criterion.id)
            for spec in framework.fields_of(criterion):
                if spec.visible_to:
                    fields.add(f"{criterion.id}.{spec.id}")
    return RestrictedParts(frozenset(criteria), frozenset(fields))


def may_see_restricted(roles: Iterable[Role | str]) -> bool:
    """Whether someone with these roles sees safeguarding detail."""
    return bool({str(r) for r in roles} & {str(r) for r in SAFEGUARDING_ROLES})


def restriction_for_reader(framework: Framework, roles: Iterable[Role | str]) -> RestrictedParts:
    """What a reader with ``roles`` may not see of ``framework`` (nothing for safeguarding
    roles)."""
    if may_see_restricted(roles):
        return RestrictedParts()
    return restricted_parts_of(framework)


def criteria_named(payload: Any) -> set[str] | None:
    """The criteria a record's payload names, or None when the payload cannot be read."""
    if not isinstance(payload, Mapping):
        return None
    found: set[str] = set()
    single = payload.get("criterion_id")
    if single is not None:
        if not isinstance(single, str):
            return None
        found.add(single)
    several = payload.get("criterion_ids")
    if several is not None:
        if not isinstance(several, list | tuple) or not all(isinstance(c, str) for c in several):
            return None
        found.update(several)
    return found


def _text_ids(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def hidden_records(
    restriction: RestrictedParts,
    rows: Iterable[tuple[str, str, Any]],
    action_visible: Callable[[str], bool],
) -> set[tuple[str, str]]:
    """The records of one review hidden from a reader, as ``(entity, id)``.

    ``rows`` are the review's records as ``(entity, id, payload)``; ``action_visible(id)`` says
    whether the reader may see an action that is not among them (a follow-up can follow an action
    of an earlier review).
    """
    restricted = restriction.criteria
    hidden: set[tuple[str, str]] = set()
    supersedes: dict[str, str] = {}
    cites: dict[str, list[str]] = {}
    follow_ups: dict[str, str] = {}
    for entity, entity_id, payload in rows:
        key = (entity, entity_id)
        if entity == _FOLLOW_UP:
            action = payload.get("action_id") if isinstance(payload, Mapping) else None
            if isinstance(action, str):
                follow_ups[entity_id] = action
            else:
                hidden.add(key)  # unreadable: which action it follows is unknown
            continue
        if entity == _ATTACHMENT:
            continue  # hidden only through the notes that cite it (below)
        if entity not in CHECKED_ENTITIES:
            continue
        criteria = criteria_named(payload)
        if criteria is None or criteria & restricted:
            hidden.add(key)
        if entity == _NOTE and isinstance(payload, Mapping):
            earlier = payload.get("supersedes")
            if isinstance(earlier, str):
                supersedes[entity_id] = earlier
            cited = _text_ids(payload.get("attachment_ids"))
            if cited is None:
                hidden.add(key)
            else:
                cites[entity_id] = cited
    # Corrections and withdrawals of hidden notes, however long the chain.
    changed = True
    while changed:
        changed = False
        for note, earlier in supersedes.items():
            if (_NOTE, note) not in hidden and (_NOTE, earlier) in hidden:
                hidden.add((_NOTE, note))
                changed = True
    for follow_up, action in follow_ups.items():
        if (_ACTION, action) in hidden or not action_visible(action):
            hidden.add((_FOLLOW_UP, follow_up))
    shown: set[str] = set()
    withheld: set[str] = set()
    for note, cited in cites.items():
        (withheld if (_NOTE, note) in hidden else shown).update(cited)
    hidden.update((_ATTACHMENT, a) for a in withheld - shown)
    return hidden
