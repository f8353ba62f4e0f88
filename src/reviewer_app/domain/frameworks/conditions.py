"""Visibility conditions: when a section, criterion or field is shown.

A condition tests another answer in the same review (a criterion's level, a field's value) or a
fact about the school (``phase``, ``has_early_years``, ``has_sixth_form``), and combines tests with
``all``, ``any`` and ``not``. Written in YAML as, for example::

    visible_when: {answer: half-term, one_of: [autumn-1, summer-1]}
    visible_when: {fact: has_sixth_form, equals: true}
    visible_when: {all: [{fact: phase, one_of: [primary]}, {answer: focus, answered: true}]}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pydantic import Field, model_validator

from reviewer_app.domain.frameworks.frozen_model import FrozenModel

#: School facts a condition may test, with the kind of value each holds.
SCHOOL_FACTS: Mapping[str, str] = {
    "phase": "one of the school phases (primary, secondary, special...)",
    "has_early_years": "true or false",
    "has_sixth_form": "true or false",
}

Scalar = str | bool | int | float

#: In a framework's ``criterion_fields``, ``answer: "@criterion"`` names the criterion the field
#: belongs to, so one shared field can appear only when its own criterion is, say, not met.
CRITERION_PLACEHOLDER = "@criterion"


class Condition(FrozenModel):
    """One test, or a combination of tests. Exactly one of ``answer``, ``fact``, ``all``, ``any``,
    ``not`` is given; ``answer`` and ``fact`` take one of ``equals``, ``one_of`` or ``answered``."""

    answer: str | None = Field(
        default=None, description="Id of a criterion or field in the same framework."
    )
    fact: str | None = Field(default=None, description="Name of a school fact.")
    equals: Scalar | None = None
    one_of: tuple[Scalar, ...] | None = None
    answered: bool | None = Field(
        default=None, description="True: shown once the answer is given; false: until it is."
    )
    all: tuple[Condition, ...] | None = None
    any: tuple[Condition, ...] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        heads = [
            name
            for name, value in (
                ("answer", self.answer),
                ("fact", self.fact),
                ("all", self.all),
                ("any", self.any),
                ("not", self.not_),
            )
            if value is not None
        ]
        if len(heads) != 1:
            raise ValueError(
                "a condition needs exactly one of 'answer', 'fact', 'all', 'any' or 'not'"
                + (f" (found {', '.join(heads)})" if heads else "")
            )
        tests = [
            name
            for name, value in (
                ("equals", self.equals),
                ("one_of", self.one_of),
                ("answered", self.answered),
            )
            if value is not None
        ]
        if heads[0] in ("answer", "fact"):
            if len(tests) != 1:
                raise ValueError(
                    f"a condition on '{heads[0]}' needs exactly one of 'equals', 'one_of' or "
                    "'answered'"
                )
            if heads[0] == "fact" and self.answered is not None:
                raise ValueError("'answered' applies to answers, not to school facts")
        elif tests:
            raise ValueError(f"'{tests[0]}' belongs beside 'answer' or 'fact', not '{heads[0]}'")
        return self

    def bound_to(self, criterion_id: str) -> Condition:
        """This condition with ``@criterion`` (a criterion field's own criterion) made concrete."""
        if CRITERION_PLACEHOLDER not in set(self.answer_ids()):
            return self
        return Condition.model_validate(
            _replace_placeholder(self.model_dump(by_alias=True, exclude_none=True), criterion_id)
        )

    def answer_ids(self) -> Iterator[str]:
        """Every criterion or field id this condition reads."""
        if self.answer is not None:
            yield self.answer
        for child in (*(self.all or ()), *(self.any or ())):
            yield from child.answer_ids()
        if self.not_ is not None:
            yield from self.not_.answer_ids()

    def fact_names(self) -> Iterator[str]:
        """Every school fact this condition reads."""
        if self.fact is not None:
            yield self.fact
        for child in (*(self.all or ()), *(self.any or ())):
            yield from child.fact_names()
        if self.not_ is not None:
            yield from self.not_.fact_names()

    def holds(self, answer_of: Callable[[str], object], facts: Mapping[str, object]) -> bool:
        """Whether the condition holds. ``answer_of(id)`` is None for unanswered or hidden items."""
        if self.all is not None:
            return all(child.holds(answer_of, facts) for child in self.all)
        if self.any is not None:
            return any(child.holds(answer_of, facts) for child in self.any)
        if self.not_ is not None:
            return not self.not_.holds(answer_of, facts)
        value = answer_of(self.answer) if self.answer is not None else facts.get(self.fact or "")
        if self.answered is not None:
            return _is_answered(value) is self.answered
        if self.equals is not None:
            return _matches(value, self.equals)
        return any(_matches(value, wanted) for wanted in self.one_of or ())


def _replace_placeholder(data: Any, criterion_id: str) -> Any:
    if isinstance(data, dict):
        return {
            key: criterion_id
            if key == "answer" and value == CRITERION_PLACEHOLDER
            else _replace_placeholder(value, criterion_id)
            for key, value in data.items()
        }
    if isinstance(data, list | tuple):
        return [_replace_placeholder(item, criterion_id) for item in data]
    return data


def _is_answered(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list | tuple | dict | set | frozenset):
        return len(value) > 0
    return True


def _matches(value: Any, wanted: Scalar) -> bool:
    """Equality that also lets a multiple-choice answer match any of its choices."""
    if isinstance(value, list | tuple | set | frozenset):
        return any(_matches(item, wanted) for item in value)
    if isinstance(wanted, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(wanted, bool) and value is wanted
    return bool(value == wanted)


Condition.model_rebuild()
