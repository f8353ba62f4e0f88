"""Rating scales: named, versioned, ordered sets of levels that criteria refer to by id.

A scale is kept apart from the frameworks that use it because one school is looked at against
several: a learning walk's look-fors, a compliance audit, a reviewer's view on the renewed Ofsted
framework's five points. Scales that stand for a reviewer's professional view carry
``not_an_ofsted_grade`` and the note every screen and report must show beside them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from reviewer_app.domain.frameworks.frozen_model import (
    Colour,
    FrozenModel,
    Identifier,
    Text,
    Version,
)


class ScaleLevel(FrozenModel):
    """One level of a scale, e.g. ``Partly seen``.

    ``rank`` orders the levels (higher is stronger); a level without a rank, such as
    "Not applicable", records that the criterion was not judged and counts as answered.
    """

    key: Identifier
    label: Text
    description: str = ""
    colour: Colour
    rank: int | None = Field(default=None, ge=0)

    @property
    def is_not_applicable(self) -> bool:
        """True for levels that say the criterion was not judged (no rank)."""
        return self.rank is None


class RatingScale(FrozenModel):
    """An ordered scale, listed in the order a rating control shows it."""

    id: Identifier
    version: Version
    title: Text
    description: str = ""
    levels: tuple[ScaleLevel, ...] = Field(min_length=2)
    not_an_ofsted_grade: bool = False
    note: str = Field(
        default="",
        description="Text shown beside every rating on this scale; required when the scale is "
        "a reviewer's professional view and not an Ofsted grade.",
    )

    @model_validator(mode="after")
    def _levels_are_consistent(self) -> RatingScale:
        keys = [level.key for level in self.levels]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"the level key '{duplicates[0]}' is used twice in one scale")
        ranks = [level.rank for level in self.levels if level.rank is not None]
        if len(ranks) != len(set(ranks)):
            raise ValueError("two levels of one scale have the same rank")
        if self.not_an_ofsted_grade and not self.note:
            raise ValueError(
                "a scale marked not_an_ofsted_grade needs a note saying so for screens and reports"
            )
        return self

    @property
    def reference(self) -> str:
        """``id@version``, the exact reference a resolved framework uses."""
        return f"{self.id}@{self.version}"

    def level(self, key: str) -> ScaleLevel:
        """The level with this key; ``KeyError`` if the scale has none."""
        for level in self.levels:
            if level.key == key:
                return level
        raise KeyError(key)

    def has_level(self, key: str) -> bool:
        """Whether the scale has a level with this key."""
        return any(level.key == key for level in self.levels)

    @property
    def ranked_levels(self) -> tuple[ScaleLevel, ...]:
        """The levels that carry a rank, weakest first."""
        ranked = [level for level in self.levels if level.rank is not None]
        return tuple(sorted(ranked, key=lambda level: level.rank or 0))


class RatingScaleSet(FrozenModel):
    """A file of rating scales (``kind: rating_scales``)."""

    kind: Literal["rating_scales"]
    scales: tuple[RatingScale, ...] = Field(min_length=1)
