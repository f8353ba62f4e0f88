"""What is still missing before a review can go for sign-off.

Only visible items count: a required criterion in a section the school does not have, or one the
person may not see, is not missing. A table field's required columns must be filled in every row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from reviewer_app.domain.frameworks.conditions import is_answered
from reviewer_app.domain.frameworks.fields import FieldSpec
from reviewer_app.domain.frameworks.framework import Framework
from reviewer_app.domain.frameworks.visibility import framework_items, visibility
from reviewer_app.domain.organisation import Role


@dataclass(frozen=True, slots=True)
class MissingItem:
    """A required criterion or field with no answer, and where to jump to fix it.

    ``item_id`` is the criterion id or the stored field id (criterion fields are dotted);
    ``section_id`` is None for framework-level fields.
    """

    item_id: str
    kind: Literal["criterion", "field"]
    label: str
    section_id: str | None
    detail: str = ""

    def describe(self) -> str:
        """What to do about it, in one sentence."""
        what = "Rate" if self.kind == "criterion" else "Fill in"
        return f"{what} '{self.label}'{f' ({self.detail})' if self.detail else ''}."


def missing_required(
    framework: Framework,
    answers: Mapping[str, object],
    school_facts: Mapping[str, object],
    roles: Iterable[Role | str],
) -> tuple[MissingItem, ...]:
    """Every visible required criterion without a level and required field without a value,
    in framework order. ``answers`` maps criterion ids to level keys and stored field ids to
    values (a table is a list of row mappings, keyed by column id)."""
    seen = visibility(framework, answers, school_facts, roles)
    specs = dict(framework.all_fields())
    criteria = {c.id: c for c in framework.criteria()}
    section_of = {c.id: s.id for s in framework.sections for c in s.criteria}
    missing: list[MissingItem] = []
    for item in framework_items(framework):
        if not seen.shows(item.id):
            continue
        if item.kind == "criterion":
            criterion = criteria[item.id]
            if criterion.is_rated and criterion.required and not is_answered(answers.get(item.id)):
                missing.append(
                    MissingItem(item.id, "criterion", criterion.title, section_of[item.id])
                )
        elif item.kind == "field":
            spec = specs[item.id]
            section = (
                item.parent if item.parent not in criteria else section_of.get(item.parent or "")
            )
            missing.extend(_missing_in_field(item.id, spec, answers.get(item.id), section))
    return tuple(missing)


def _missing_in_field(
    stored_id: str, spec: FieldSpec, value: object, section_id: str | None
) -> list[MissingItem]:
    if spec.required and not is_answered(value):
        return [MissingItem(stored_id, "field", spec.label, section_id)]
    if spec.kind != "table" or not isinstance(value, list | tuple):
        return []
    required_columns = [c for c in spec.columns if c.required]
    gaps = []
    for number, row in enumerate(value, start=1):
        cells = row if isinstance(row, Mapping) else {}
        for column in required_columns:
            if not is_answered(cells.get(column.id)):
                row_name = spec.row_label or "Row"
                gaps.append(
                    MissingItem(
                        stored_id,
                        "field",
                        spec.label,
                        section_id,
                        detail=f"{row_name} {number}: {column.label}",
                    )
                )
    return gaps
