"""Which sections, criteria and fields a person sees, given answers, school facts and roles.

An item is visible when its container is visible, the person holds one of its ``visible_to``
roles (if it names any), its ``visible_when`` condition holds and, when a report audience is
given, the audience shows it. An answer to a hidden item counts as not given, so hiding cascades.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from reviewer_app.domain.frameworks.conditions import Condition
from reviewer_app.domain.frameworks.fields import FieldSpec
from reviewer_app.domain.frameworks.framework import Criterion, Framework
from reviewer_app.domain.organisation import Role

ItemKind = Literal["section", "criterion", "field"]


@dataclass(frozen=True, slots=True)
class FrameworkItem:
    """A section, criterion or field with where it sits in the document."""

    id: str
    kind: ItemKind
    path: tuple[str | int, ...]
    parent: str | None
    condition: Condition | None
    visible_to: tuple[Role, ...]
    audiences: tuple[str, ...] | None


def framework_items(framework: Framework) -> Iterator[FrameworkItem]:
    """Every section, criterion and field, parents before children; criterion fields carry the
    stored id ``"<criterion id>.<field id>"``."""
    for i, spec in enumerate(framework.fields):
        yield FrameworkItem(
            spec.id,
            "field",
            ("fields", i),
            None,
            spec.visible_when,
            spec.visible_to,
            spec.audiences,
        )
    for s, section in enumerate(framework.sections):
        base = ("sections", s)
        yield FrameworkItem(
            section.id,
            "section",
            base,
            None,
            section.visible_when,
            section.visible_to,
            section.audiences,
        )
        for f, spec in enumerate(section.fields):
            yield FrameworkItem(
                spec.id,
                "field",
                (*base, "fields", f),
                section.id,
                spec.visible_when,
                spec.visible_to,
                spec.audiences,
            )
        for c, criterion in enumerate(section.criteria):
            path = (*base, "criteria", c)
            yield FrameworkItem(
                criterion.id,
                "criterion",
                path,
                section.id,
                criterion.visible_when,
                criterion.visible_to,
                criterion.audiences,
            )
            shared_specs = framework.criterion_fields if criterion.is_rated else ()
            located: list[tuple[tuple[str | int, ...], FieldSpec]] = [
                (("criterion_fields", i), spec) for i, spec in enumerate(shared_specs)
            ]
            located += [((*path, "fields", i), spec) for i, spec in enumerate(criterion.fields)]
            for spec_path, spec in located:
                yield FrameworkItem(
                    f"{criterion.id}.{spec.id}",
                    "field",
                    spec_path,
                    criterion.id,
                    spec.visible_when.bound_to(criterion.id) if spec.visible_when else None,
                    spec.visible_to,
                    spec.audiences,
                )


def dependency_graph(framework: Framework) -> dict[str, tuple[str, ...]]:
    """item id -> the ids whose answers or visibility it depends on (container first)."""
    graph: dict[str, tuple[str, ...]] = {}
    for item in framework_items(framework):
        # A parent with the item's own id only happens with a duplicate id, reported apart.
        deps = [item.parent] if item.parent and item.parent != item.id else []
        if item.condition is not None:
            deps.extend(item.condition.answer_ids())
        graph[item.id] = tuple(dict.fromkeys(deps))
    return graph


def find_cycles(graph: Mapping[str, tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Each cycle once, as the ids in order with the first repeated at the end."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    stack: list[str] = []
    cycles: list[tuple[str, ...]] = []
    seen: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in graph.get(node, ()):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                cycle = (*stack[stack.index(dep) :], dep)
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    cycles.append(cycle)
            elif state.get(dep) is None:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)
    return cycles


@dataclass(frozen=True, slots=True)
class Visibility:
    """The ids that are visible. ``fields`` holds stored field ids (criterion fields dotted)."""

    sections: frozenset[str]
    criteria: frozenset[str]
    fields: frozenset[str]

    def shows(self, item_id: str) -> bool:
        return item_id in self.sections or item_id in self.criteria or item_id in self.fields


def _role_names(roles: Iterable[Role | str]) -> frozenset[str]:
    return frozenset(str(role) for role in roles)


def visibility(
    framework: Framework,
    answers: Mapping[str, object],
    school_facts: Mapping[str, object],
    roles: Iterable[Role | str],
    *,
    audience: str | None = None,
) -> Visibility:
    """Work out what is visible. ``answers`` maps criterion ids to level keys and field ids to
    values; ``school_facts`` is ``School.facts()``; ``audience`` narrows to one report audience."""
    held = _role_names(roles)
    items = {item.id: item for item in framework_items(framework)}
    if framework.visible_to and not held & _role_names(framework.visible_to):
        return Visibility(frozenset(), frozenset(), frozenset())
    memo: dict[str, bool] = {}
    in_progress: set[str] = set()

    def answer_of(item_id: str) -> object:
        return answers.get(item_id) if is_visible(item_id) else None

    def is_visible(item_id: str) -> bool:
        if item_id in memo:
            return memo[item_id]
        item = items.get(item_id)
        if item is None or item_id in in_progress:  # unknown, or a cycle the checker refuses
            return False
        in_progress.add(item_id)
        try:
            result = (
                (item.parent is None or is_visible(item.parent))
                and (not item.visible_to or bool(held & _role_names(item.visible_to)))
                and (audience is None or item.audiences is None or audience in item.audiences)
                and (item.condition is None or item.condition.holds(answer_of, school_facts))
            )
        finally:
            in_progress.discard(item_id)
        memo[item_id] = result
        return result

    visible = {item_id for item_id in items if is_visible(item_id)}
    return Visibility(
        sections=frozenset(i for i in visible if items[i].kind == "section"),
        criteria=frozenset(i for i in visible if items[i].kind == "criterion"),
        fields=frozenset(i for i in visible if items[i].kind == "field"),
    )


def visible_criteria(
    framework: Framework,
    answers: Mapping[str, object],
    school_facts: Mapping[str, object],
    roles: Iterable[Role | str],
    *,
    audience: str | None = None,
) -> tuple[Criterion, ...]:
    """The criteria a person with ``roles`` sees, in framework order (see :func:`visibility`)."""
    shown = visibility(framework, answers, school_facts, roles, audience=audience).criteria
    return tuple(c for c in framework.criteria() if c.id in shown)
