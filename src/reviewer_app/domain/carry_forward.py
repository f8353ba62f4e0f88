"""Answers carried forward from a school's last signed review when its next review is on a
newer version of the framework (a KCSIE re-audit each September).

Only criteria the new version left unchanged (:func:`~reviewer_app.domain.frameworks.diff.
diff_frameworks`: not reworded, not rescaled) are carried, with their criterion fields whose
definition is the same. Each carried answer is an agreed judgement marked with the day of the
review it was carried from (:attr:`~reviewer_app.domain.review.Judgement.carried_forward_from`);
it counts as not yet done ("carried forward: confirm") until the reviewer confirms it, which
records the judgement again as their own, unmarked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from reviewer_app.domain.frameworks import Framework
from reviewer_app.domain.frameworks.diff import diff_frameworks
from reviewer_app.domain.review import JSONValue, Judgement, agreed_judgement


def carried_note(signed_review_day: date) -> str:
    """What the editor says of a judgement carried forward from the review of that day."""
    return (
        f"Carried forward from the signed review of {signed_review_day.day} "
        f"{signed_review_day:%B %Y}: confirm."
    )


def is_carried_forward(judgement: Judgement | None) -> bool:
    """Whether this agreed judgement was carried forward and not confirmed since."""
    return (
        judgement is not None
        and judgement.agreed
        and judgement.level_key is not None
        and judgement.carried_forward_from is not None
    )


def unconfirmed(judgements: Iterable[Judgement]) -> frozenset[str]:
    """Criteria whose agreed judgement is a carried-forward one still to be confirmed."""
    records = list(judgements)
    criteria = {j.criterion_id for j in records if j.agreed}
    return frozenset(cid for cid in criteria if is_carried_forward(agreed_judgement(records, cid)))


@dataclass(frozen=True)
class CarriedAnswers:
    """What may be carried from an earlier signed review into a review on a later version."""

    levels: Mapping[str, str] = field(default_factory=dict)
    fields: Mapping[str, JSONValue] = field(default_factory=dict)


def answers_to_carry(
    earlier: Framework,
    judgements: Iterable[Judgement],
    fields: Mapping[str, JSONValue],
    later: Framework,
) -> CarriedAnswers:
    """The agreed levels and criterion fields of ``earlier``'s review whose criteria ``later``
    left unchanged (a level carried must exist on the later scale; a field must be defined
    the same)."""
    unchanged = diff_frameworks(earlier, later).unchanged
    records = list(judgements)
    levels: dict[str, str] = {}
    carried_fields: dict[str, JSONValue] = {}
    for criterion_id in sorted(unchanged):
        agreed = agreed_judgement(records, criterion_id)
        scale = later.scale_for(later.criterion(criterion_id))
        level = agreed.level_key if agreed is not None else None
        if level is not None and scale is not None and scale.has_level(level):
            levels[criterion_id] = level
        old_specs = {s.id: s for s in earlier.fields_of(earlier.criterion(criterion_id))}
        for spec in later.fields_of(later.criterion(criterion_id)):
            stored = f"{criterion_id}.{spec.id}"
            if old_specs.get(spec.id) == spec and stored in fields:
                carried_fields[stored] = fields[stored]
    return CarriedAnswers(levels, carried_fields)
