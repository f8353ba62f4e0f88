"""Categorisation schemes and the suggestions they make from review outcomes.

A scheme (``kind: categorisation_scheme``) lists a trust's levels in order, from the most
independent school to the one needing most support, each with its descriptors, support offer, visit
cadence and expected duration. Its rules suggest a level from outcomes (criterion ratings); the
first rule that matches wins. A suggestion always names the outcomes that led to it, and it is only
a suggestion: a person decides the category.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from reviewer_app.domain.frameworks.framework import Framework
from reviewer_app.domain.frameworks.frozen_model import (
    Colour,
    FrozenModel,
    Identifier,
    Text,
    Version,
)


class CadenceItem(FrozenModel):
    """One recurring piece of support a level implies, e.g. "CEO 1:1, every 4 weeks".

    ``every_weeks`` is in calendar weeks (a term is about 17, a half term about 8, counting
    holidays); ``every`` says it in the trust's words. With ``framework`` the item is a kind
    of visit the app records, so the next one falls due after the school's last such visit;
    without it, the item repeats from the date the category was agreed.
    """

    activity: Text
    every_weeks: int = Field(ge=1, le=104)
    every: Text
    framework: Identifier | None = Field(
        default=None, description="Framework id of the visit that carries this out, if any."
    )


class CategoryLevel(FrozenModel):
    """One level of a categorisation scheme."""

    key: Identifier
    label: Text
    description: str = ""
    descriptors: tuple[Text, ...] = ()
    support_offer: tuple[Text, ...] = ()
    visit_cadence: str = ""
    support_cadence: tuple[CadenceItem, ...] = Field(
        default=(), description="The cadence of visit_cadence as data, for next-due dates."
    )
    expected_duration: str = ""
    colour: Colour


class OutcomeTest(FrozenModel):
    """A test over outcomes: which outcomes it looks at, and which levels it looks for.

    ``match: any`` holds when at least ``count`` considered outcomes are at one of ``levels``;
    ``match: all`` holds when there is at least one considered outcome and every one is.
    """

    levels: tuple[Identifier, ...] = Field(min_length=1)
    match: Literal["any", "all"] = "any"
    count: int = Field(default=1, ge=1)
    criteria: tuple[Identifier, ...] = Field(
        default=(), description="Only outcomes for these criterion ids; empty: all."
    )
    frameworks: tuple[Identifier, ...] = Field(
        default=(), description="Only outcomes from these framework ids; empty: all."
    )

    def considered(self, outcomes: Iterable[Outcome]) -> list[Outcome]:
        """The outcomes this test looks at (after the criteria and framework filters)."""
        return [
            o
            for o in outcomes
            if (not self.criteria or o.criterion_id in self.criteria)
            and (not self.frameworks or o.framework_id in self.frameworks)
        ]

    def matching(self, outcomes: Iterable[Outcome]) -> list[Outcome] | None:
        """The outcomes that make the test hold, or None when it does not hold."""
        considered = self.considered(outcomes)
        hits = [o for o in considered if o.level_key in self.levels]
        if self.match == "all":
            return hits if considered and len(hits) == len(considered) else None
        return hits if len(hits) >= self.count else None


class SuggestionRule(FrozenModel):
    """Suggest ``suggest`` when every test in ``when`` holds; ``because`` says why, in the
    trust's words."""

    suggest: Identifier
    when: tuple[OutcomeTest, ...] = Field(min_length=1)
    because: Text


class CategorisationScheme(FrozenModel):
    """A trust's categorisation scheme, levels listed from least to most support."""

    kind: Literal["categorisation_scheme"]
    id: Identifier
    version: Version
    title: Text
    owner: Text
    description: str = ""
    note: str = Field(
        default="This is a suggestion from the review outcomes; the trust decides the category.",
        description="Shown with every suggestion.",
    )
    agreed_by: str = Field(default="", description="Who agrees the category, and how often.")
    review_every_weeks: int | None = Field(
        default=None,
        ge=1,
        le=104,
        description="How often the category is agreed again, in calendar weeks; none: not set.",
    )
    levels: tuple[CategoryLevel, ...] = Field(min_length=2)
    rules: tuple[SuggestionRule, ...] = ()
    default: Identifier | None = Field(
        default=None, description="Level suggested when no rule matches; none: no suggestion."
    )
    default_because: str = ""

    @model_validator(mode="after")
    def _keys_known(self) -> CategorisationScheme:
        keys = [level.key for level in self.levels]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"the level key '{duplicates[0]}' is used twice")
        for index, rule in enumerate(self.rules):
            if rule.suggest not in keys:
                raise ValueError(
                    f"rule {index + 1} suggests '{rule.suggest}', which is not a level of this "
                    f"scheme ({', '.join(keys)})"
                )
        if self.default is not None and self.default not in keys:
            raise ValueError(f"the default '{self.default}' is not a level of this scheme")
        return self

    @property
    def reference(self) -> str:
        """``id@version``."""
        return f"{self.id}@{self.version}"

    def level(self, key: str) -> CategoryLevel:
        """The level with this key; ``KeyError`` if the scheme has none."""
        for level in self.levels:
            if level.key == key:
                return level
        raise KeyError(key)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One result a suggestion may rest on: a criterion's agreed level in a review."""

    criterion_id: str
    level_key: str
    framework_id: str = ""
    label: str = ""
    level_label: str = ""

    def describe(self, framework_titles: Mapping[str, str] | None = None) -> str:
        """The outcome in a few words, e.g. "Safeguarding (Two-day peer review): Not met".

        The framework is named by its title in ``framework_titles`` (framework id -> title),
        by its id when that has none. Titles are not kept with the outcome, which is stored
        and synced field for field.
        """
        name = self.label or self.criterion_id
        framework = (framework_titles or {}).get(self.framework_id) or self.framework_id
        where = f" ({framework})" if framework else ""
        return f"{name}{where}: {self.level_label or self.level_key.replace('_', ' ')}"


def outcomes_for(framework: Framework, levels: Mapping[str, str | None]) -> tuple[Outcome, ...]:
    """Outcomes from a review's agreed levels (criterion id -> level key), labelled from the
    framework so that suggestions read well. Unknown criteria and withdrawn levels are left out."""
    found = []
    for criterion in framework.criteria():
        key = levels.get(criterion.id)
        scale = framework.scale_for(criterion)
        if key is None or scale is None or not scale.has_level(key):
            continue
        found.append(
            Outcome(
                criterion_id=criterion.id,
                level_key=key,
                framework_id=framework.id,
                label=criterion.title,
                level_label=scale.level(key).label,
            )
        )
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested level with the reasons for it. ``level`` None: nothing to suggest."""

    scheme_id: str
    level: CategoryLevel | None
    because: str
    outcomes: tuple[Outcome, ...]
    note: str
    rule_number: int | None = None

    @property
    def reasons(self) -> tuple[str, ...]:
        """Plain sentences: the rule's reason, then each outcome that led to it."""
        return (self.because, *(f"Led by {o.describe()}" for o in self.outcomes))

    def explain(self, framework_titles: Mapping[str, str] | None = None) -> str:
        """The suggestion in one paragraph, for screens and reports (frameworks named by their
        titles in ``framework_titles``, see :meth:`Outcome.describe`)."""
        if self.level is None:
            return f"No category is suggested: {self.because} {self.note}".strip()
        led_by = "; ".join(o.describe(framework_titles) for o in self.outcomes)
        text = f"Suggested: {self.level.label}. {self.because}"
        if led_by:
            text += f" Outcomes that led to this: {led_by}."
        return f"{text} {self.note}".strip()


def suggest_category(
    scheme: CategorisationScheme, outcomes: Iterable[Outcome] | Mapping[str, str]
) -> Suggestion:
    """Suggest a level of ``scheme`` from review outcomes; the first matching rule wins.

    ``outcomes`` are :class:`Outcome` records or a mapping of criterion id to level key.
    """
    if isinstance(outcomes, Mapping):
        given = tuple(Outcome(criterion_id=k, level_key=v) for k, v in outcomes.items())
    else:
        given = tuple(outcomes)
    for number, rule in enumerate(scheme.rules, start=1):
        led_by: list[Outcome] = []
        for test in rule.when:
            hits = test.matching(given)
            if hits is None:
                break
            led_by.extend(o for o in hits if o not in led_by)
        else:
            return Suggestion(
                scheme_id=scheme.id,
                level=scheme.level(rule.suggest),
                because=rule.because,
                outcomes=tuple(led_by),
                note=scheme.note,
                rule_number=number,
            )
    if scheme.default is not None and given:
        return Suggestion(
            scheme_id=scheme.id,
            level=scheme.level(scheme.default),
            because=scheme.default_because or "No rule for more support matched these outcomes.",
            outcomes=given,
            note=scheme.note,
        )
    return Suggestion(
        scheme_id=scheme.id,
        level=None,
        because="there are no outcomes to go on yet." if not given else "no rule matched.",
        outcomes=(),
        note=scheme.note,
    )
