"""Checks that span more than one key: scale references, ids, conditions, cycles, emptiness,
and the references between frameworks, schemes and trust profiles."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.domain.frameworks.conditions import SCHOOL_FACTS, Condition
from reviewer_app.domain.frameworks.framework import Criterion, Framework, Section
from reviewer_app.domain.frameworks.frozen_model import split_reference, version_key
from reviewer_app.domain.frameworks.problems import FrameworkProblem
from reviewer_app.domain.frameworks.scales import RatingScale
from reviewer_app.domain.frameworks.visibility import (
    dependency_graph,
    find_cycles,
    framework_items,
)

if TYPE_CHECKING:
    from reviewer_app.domain.frameworks.library import Located


def _resolve_scale(
    reference: str, local: Sequence[RatingScale], shared: Sequence[RatingScale]
) -> RatingScale | None:
    name, version = split_reference(reference)
    for pool in (local, shared):
        found = [s for s in pool if s.id == name and version in (None, s.version)]
        if found:
            return max(found, key=lambda s: version_key(s.version))
    return None


def check_framework(
    located: Located, shared_scales: Sequence[Located]
) -> tuple[Framework | None, list[FrameworkProblem]]:
    """Resolve a framework's scales and check it on its own. Returns the resolved framework
    (criteria naming their scale as ``id@version``, used scales embedded) and the problems."""
    framework: Framework = located.obj
    problems: list[FrameworkProblem] = []
    stem = located.source.path.stem
    named = getattr(located.source, "named", False)
    if named and stem not in (framework.id, f"{framework.id}@{framework.version}"):
        problems.append(
            located.problem(
                f"The file name '{located.source.path.name}' does not match the framework id "
                f"'{framework.id}'; name it {framework.id}.yaml or "
                f"{framework.id}@{framework.version}.yaml.",
                "id",
            )
        )
    local = framework.scales
    local_refs = [s.reference for s in local]
    for i, scale in enumerate(local):
        if local_refs.count(scale.reference) > 1 and local_refs.index(scale.reference) != i:
            problems.append(
                located.problem(
                    f"Duplicate id: the scale '{scale.reference}' is defined twice.",
                    "scales",
                    i,
                    "id",
                )
            )
    shared = [d.obj for d in shared_scales]
    used: dict[str, RatingScale] = {s.reference: s for s in local}

    def resolve(reference: str, *path: str | int) -> str | None:
        scale = _resolve_scale(reference, local, shared)
        if scale is None:
            problems.append(
                located.problem(
                    f"The scale '{reference}' is not installed; use the id of a scale in "
                    "frameworks/scales.yaml or one defined under this framework's 'scales'.",
                    *path,
                )
            )
            return None
        used[scale.reference] = scale
        return scale.reference

    default = resolve(framework.default_scale, "default_scale") if framework.default_scale else None
    sections: list[Section] = []
    for s, section in enumerate(framework.sections):
        criteria: list[Criterion] = []
        for c, criterion in enumerate(section.criteria):
            if criterion.scale is not None:
                ref = resolve(criterion.scale, "sections", s, "criteria", c, "scale")
            else:
                ref = default
            criteria.append(criterion.model_copy(update={"scale": ref}))
        sections.append(section.model_copy(update={"criteria": tuple(criteria)}))
    resolved = framework.model_copy(
        update={
            "sections": tuple(sections),
            "default_scale": default,
            "scales": tuple(used.values()),
        }
    )
    problems.extend(_structure_problems(located, resolved))
    return resolved, problems


def _structure_problems(located: Located, framework: Framework) -> Iterator[FrameworkProblem]:
    if not framework.sections:
        yield located.problem(
            f"The framework '{framework.id}' is empty: it has no sections. Add at least one "
            "section with a criterion.",
            "sections" if "sections" in located.source.data else "id",
        )
        return
    if not any(True for _ in framework.criteria()):
        yield located.problem(
            f"The framework '{framework.id}' is empty: none of its sections has a criterion.",
            "sections",
        )
    for s, section in enumerate(framework.sections):
        if not section.criteria and not section.fields:
            yield located.problem(
                f"The section '{section.id}' is empty: give it criteria or fields.", "sections", s
            )

    items = list(framework_items(framework))
    kinds = {}
    seen: dict[str, tuple[str | int, ...]] = {}
    for item in items:
        kinds[item.id] = item
        if item.id in seen:
            yield located.problem(
                f"Duplicate id: '{item.id}' is used by more than one section, criterion or "
                "field in this framework; ids must be unique within a framework.",
                *item.path,
                "id",
            )
        else:
            seen[item.id] = item.path

    audiences = {a.key for a in framework.audiences}
    for item in items:
        for a, key in enumerate(item.audiences or ()):
            if key not in audiences:
                yield located.problem(
                    f"'{key}' is not a report audience of this framework; use one of "
                    f"{', '.join(sorted(audiences))}.",
                    *item.path,
                    "audiences",
                    a,
                )

    criteria = {c.id: c for c in framework.criteria()}
    fields = dict(framework.all_fields())
    for item in items:
        if item.condition is None:
            continue
        where = (*item.path, "visible_when")
        for fact in item.condition.fact_names():
            if fact not in SCHOOL_FACTS:
                yield located.problem(
                    f"The condition tests the school fact '{fact}', which does not exist; use "
                    f"one of {', '.join(SCHOOL_FACTS)}.",
                    *where,
                )
        for answer_id, values in _answer_tests(item.condition):
            if answer_id not in kinds or kinds[answer_id].kind == "section":
                yield located.problem(
                    f"The condition names '{answer_id}', which is not a criterion or field in "
                    "this framework.",
                    *where,
                )
                continue
            allowed: set[str] | None = None
            if answer_id in criteria:
                scale = framework.scale_for(criteria[answer_id])
                allowed = {lvl.key for lvl in scale.levels} if scale else None
            elif fields[answer_id].options:
                allowed = {o.key for o in fields[answer_id].options}
            for value in values:
                if allowed is not None and str(value) not in allowed:
                    yield located.problem(
                        f"The condition compares '{answer_id}' with '{value}', which it can "
                        f"never be; use one of {', '.join(sorted(allowed))}.",
                        *where,
                    )

    for cycle in find_cycles(dependency_graph(framework)):
        first = kinds[cycle[0]]
        yield located.problem(
            "The visibility conditions go round in a circle: "
            + " → ".join(cycle)
            + ". Change one so that it does not depend, directly or through its section, "
            "on the others.",
            *first.path,
            "visible_when" if first.condition is not None else "id",
        )


def _answer_tests(condition: Condition) -> Iterator[tuple[str, tuple[object, ...]]]:
    """``(answer id, compared values)`` for every answer test in a condition."""
    if condition.answer is not None:
        values: tuple[object, ...] = ()
        if condition.equals is not None:
            values = (condition.equals,)
        elif condition.one_of is not None:
            values = condition.one_of
        yield condition.answer, values
    for child in (*(condition.all or ()), *(condition.any or ())):
        yield from _answer_tests(child)
    if condition.not_ is not None:
        yield from _answer_tests(condition.not_)


def check_references(
    frameworks: Sequence[Located],
    scales: Sequence[Located],
    schemes: Sequence[Located],
    profiles: Sequence[Located],
    resources_dir: Path | None,
) -> Iterator[FrameworkProblem]:
    """References between files: scheme rules to scales, frameworks and criteria; profiles to
    frameworks, schemes and logo files."""
    level_keys = {lvl.key for d in scales for lvl in d.obj.levels}
    level_keys |= {lvl.key for d in frameworks for s in d.obj.scales for lvl in s.levels}
    framework_ids = {d.obj.id for d in frameworks}
    criteria_by_framework: dict[str, set[str]] = {}
    for d in frameworks:
        criteria_by_framework.setdefault(d.obj.id, set()).update(c.id for c in d.obj.criteria())
    scheme_ids = {d.obj.id for d in schemes}

    for d in schemes:
        if d.reference_only:
            continue
        for r, rule in enumerate(d.obj.rules):
            for t, test in enumerate(rule.when):
                at = ("rules", r, "when", t)
                for key in test.levels:
                    if key not in level_keys:
                        yield d.problem(
                            f"The rule looks for the level '{key}', which no installed rating "
                            "scale has.",
                            *at,
                            "levels",
                        )
                for fid in test.frameworks:
                    if fid not in framework_ids:
                        yield d.problem(
                            f"The rule names the framework '{fid}', which is not installed.",
                            *at,
                            "frameworks",
                        )
                pool = set().union(
                    *(
                        criteria_by_framework.get(fid, set())
                        for fid in (test.frameworks or tuple(criteria_by_framework))
                    )
                )
                for cid in test.criteria:
                    if cid not in pool:
                        yield d.problem(
                            f"The rule names the criterion '{cid}', which no installed "
                            "framework it looks at has.",
                            *at,
                            "criteria",
                        )
    for d in profiles:
        if d.reference_only:
            continue
        profile = d.obj
        for i, fid in enumerate(profile.frameworks):
            if fid not in framework_ids:
                yield d.problem(
                    f"The profile uses the framework '{fid}', which is not installed.",
                    "frameworks",
                    i,
                )
        if profile.scheme is not None and profile.scheme not in scheme_ids:
            yield d.problem(
                f"The profile uses the categorisation scheme '{profile.scheme}', which is not "
                "installed.",
                "scheme",
            )
        if resources_dir is not None and not (resources_dir / profile.branding.logo).is_file():
            yield d.problem(
                f"The logo file '{profile.branding.logo}' is not in {resources_dir}.",
                "branding",
                "logo",
            )
