"""Overlays: a trust's changes to a built-in framework, kept apart from it (``kind:
framework_overlay``), instead of a copy that no longer follows the original.

An overlay names the framework it extends (``extends: learning-walk``: the newest installed
version, so a new built-in version flows through; or ``learning-walk@2`` to stay on one) and
says only what it changes::

    kind: framework_overlay
    id: oak-learning-walk            # the framework it makes
    version: "1"
    extends: learning-walk
    title: Learning walk (Oak)
    rename: {climate: "C: Our climate for learning", climate-routines: Routines and habits}
    hide: [review]                   # sections, criteria or fields left out
    add_look_fors: {climate-routines: [Pupils line up calmly]}
    add_criteria: {climate: [{id: oak-uniform, title: Uniform is worn with pride}]}
    add_sections: [...]
    use_scale: {observation-lookfor: oak-four-point}   # wherever the base rates on one scale
    scales: [...]                    # scales of the overlay's own
    add_sign_off: [{role: improvement_partner, label: School improvement partner}]

The result is an ordinary framework (its ``based_on`` names the version it was made from) that
the checker checks like any other: an overlay hiding a criterion that a condition still reads is
refused, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from reviewer_app.domain.frameworks.fields import FieldSpec
from reviewer_app.domain.frameworks.framework import (
    Criterion,
    Framework,
    LookForEntry,
    Section,
    SignOffStep,
    Source,
)
from reviewer_app.domain.frameworks.frozen_model import (
    FrozenModel,
    Identifier,
    Text,
    Version,
    split_reference,
)
from reviewer_app.domain.frameworks.scales import RatingScale


class FrameworkOverlay(FrozenModel):
    """A trust's changes to a framework it does not copy (``kind: framework_overlay``)."""

    kind: Literal["framework_overlay"]
    id: Identifier
    version: Version
    extends: str = Field(description="The framework extended: its id, or id@version.")
    title: Text | None = None
    summary: str | None = None
    owner: Text | None = None
    caveat: str | None = None
    notices: tuple[Text, ...] = Field(default=(), description="Added after the base's notices.")
    sources: tuple[Source, ...] = Field(default=(), description="Added after the base's sources.")
    rename: dict[Identifier, Text] = Field(
        default_factory=dict, description="Section, criterion or field id -> its new title."
    )
    hide: tuple[Identifier, ...] = Field(
        default=(), description="Sections, criteria or fields left out."
    )
    add_look_fors: dict[Identifier, tuple[LookForEntry, ...]] = Field(
        default_factory=dict, description="Criterion id -> look-fors added after its own."
    )
    add_criteria: dict[Identifier, tuple[Criterion, ...]] = Field(
        default_factory=dict, description="Section id -> criteria added after its own."
    )
    add_sections: tuple[Section, ...] = Field(default=(), description="Added after the base's.")
    scales: tuple[RatingScale, ...] = Field(default=(), description="Scales of this overlay's own.")
    use_scale: dict[Identifier, str] = Field(
        default_factory=dict,
        description="Scale id the base rates on -> the scale to rate on instead (id, or "
        "id@version).",
    )
    add_sign_off: tuple[SignOffStep, ...] = Field(
        default=(), description="Signers added after the base's."
    )

    @property
    def reference(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def base_id(self) -> str:
        return split_reference(self.extends)[0]

    @property
    def base_version(self) -> str | None:
        return split_reference(self.extends)[1]


OverlayProblem = tuple[str, tuple[str | int, ...]]


def apply_overlay(
    base: Framework, overlay: FrameworkOverlay
) -> tuple[Framework, list[OverlayProblem]]:
    """The framework the overlay makes of ``base`` (as loaded), and problems with the overlay
    itself as (sentence, path in the overlay). The result's scale references still need
    resolving, as any framework's do."""
    problems: list[OverlayProblem] = []
    name = base.reference

    def refuse(message: str, *path: str | int) -> None:
        problems.append((message, path))

    known = _ids(base)
    for key in overlay.rename:
        if key not in known:
            refuse(
                f"'{key}' is not a section, criterion or field of {name}; rename only what it has.",
                "rename",
                key,
            )
    for i, key in enumerate(overlay.hide):
        if key not in known:
            refuse(
                f"'{key}' is not a section, criterion or field of {name}, so it cannot be hidden.",
                "hide",
                i,
            )
    criteria_ids = {c.id for c in base.criteria()}
    for key in overlay.add_look_fors:
        if key not in criteria_ids:
            refuse(
                f"'{key}' is not a criterion of {name}; look-fors are added to criteria.",
                "add_look_fors",
                key,
            )
    section_ids = {s.id for s in base.sections}
    for key in overlay.add_criteria:
        if key not in section_ids:
            refuse(
                f"'{key}' is not a section of {name}; criteria are added to sections.",
                "add_criteria",
                key,
            )
    used_scales = sorted({split_reference(c.scale)[0] for c in base.criteria() if c.scale})
    for key in overlay.use_scale:
        if key not in used_scales:
            refuse(
                f"{name} does not rate anything on the scale '{key}'; use one of "
                f"{', '.join(used_scales) or '(none)'}.",
                "use_scale",
                key,
            )

    hidden = set(overlay.hide)

    def scale_of(reference: str | None) -> str | None:
        if reference is None:
            return None
        return overlay.use_scale.get(split_reference(reference)[0], reference)

    def fields(specs: tuple[FieldSpec, ...]) -> tuple[FieldSpec, ...]:
        return tuple(
            spec.model_copy(update={"label": overlay.rename.get(spec.id, spec.label)})
            for spec in specs
            if spec.id not in hidden
        )

    sections: list[Section] = []
    for section in base.sections:
        if section.id in hidden:
            continue
        criteria = [
            criterion.model_copy(
                update={
                    "title": overlay.rename.get(criterion.id, criterion.title),
                    "scale": scale_of(criterion.scale),
                    "look_fors": (
                        *criterion.look_fors,
                        *overlay.add_look_fors.get(criterion.id, ()),
                    ),
                    "fields": fields(criterion.fields),
                }
            )
            for criterion in section.criteria
            if criterion.id not in hidden
        ]
        default = scale_of(base.default_scale)
        criteria += [
            c if c.scale is not None or default is None else c.model_copy(update={"scale": default})
            for c in overlay.add_criteria.get(section.id, ())
        ]
        sections.append(
            section.model_copy(
                update={
                    "title": overlay.rename.get(section.id, section.title),
                    "criteria": tuple(criteria),
                    "fields": fields(section.fields),
                }
            )
        )
    sections.extend(overlay.add_sections)
    result = base.model_copy(
        update={
            "id": overlay.id,
            "version": overlay.version,
            "title": overlay.title or base.title,
            "summary": base.summary if overlay.summary is None else overlay.summary,
            "owner": overlay.owner or base.owner,
            "caveat": base.caveat if overlay.caveat is None else overlay.caveat,
            "notices": (*base.notices, *overlay.notices),
            "sources": (*base.sources, *overlay.sources),
            "default_scale": scale_of(base.default_scale),
            "scales": (*overlay.scales, *base.scales),
            "fields": fields(base.fields),
            "criterion_fields": fields(base.criterion_fields),
            "sections": tuple(sections),
            "sign_off": (*base.sign_off, *overlay.add_sign_off),
            "based_on": base.reference,
        }
    )
    return result, problems


def _ids(framework: Framework) -> set[str]:
    return set(_walk_ids(framework))


def _walk_ids(framework: Framework) -> Iterator[str]:
    yield from (spec.id for spec in framework.fields)
    yield from (spec.id for spec in framework.criterion_fields)
    for section in framework.sections:
        yield section.id
        yield from (spec.id for spec in section.fields)
        for criterion in section.criteria:
            yield criterion.id
            yield from (spec.id for spec in criterion.fields)


def prune_scales(framework: Framework) -> Framework:
    """The framework carrying only the scales it rates on (an overlay's replaced ones dropped)."""
    used = {c.scale for c in framework.criteria() if c.scale} | (
        {framework.default_scale} if framework.default_scale else set()
    )
    kept = tuple(s for s in framework.scales if s.reference in used)
    return framework if kept == framework.scales else framework.model_copy(update={"scales": kept})
