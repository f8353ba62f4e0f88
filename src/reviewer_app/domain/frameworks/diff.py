"""What changed between two versions of a framework (or any two frameworks' snapshots).

Criteria are matched by id. A criterion is **added** or **removed**; **reworded** when what a
reviewer reads changed (title, prompt, guidance, look-fors, evidence sources, caveat);
**rescaled** when the levels it is rated on changed (a level added, removed or relabelled, or
another scale); **changed** when only where or to whom it is shown changed (section, required,
conditions, roles, report audiences). A criterion neither reworded nor rescaled is
**unchanged**: its answer from an earlier review still means the same, so it may be carried
forward (to be confirmed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from reviewer_app.domain.frameworks.framework import Criterion, Framework
from reviewer_app.domain.frameworks.scales import RatingScale

#: What a reviewer reads of a criterion, with the words a change list uses for each.
_TEXT_ATTRIBUTES = {
    "title": "title",
    "prompt": "prompt",
    "guidance": "guidance",
    "look_fors": "look-fors",
    "evidence_sources": "evidence sources",
    "caveat": "caveat",
}
_SETTING_ATTRIBUTES = {
    "required": "required",
    "visible_when": "when it is shown",
    "visible_to": "who sees it",
    "audiences": "report audiences",
}

ChangeKind = Literal["added", "removed", "reworded", "rescaled", "changed"]


@dataclass(frozen=True, slots=True)
class Difference:
    """One attribute that differs: what it is called, before and after, in words."""

    what: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class CriterionChange:
    """One criterion that differs between the versions."""

    criterion_id: str
    title: str
    section_title: str
    kind: ChangeKind
    differences: tuple[Difference, ...] = ()


@dataclass(frozen=True, slots=True)
class ScaleChange:
    """A scale the later version rates on differently (levels added, removed or relabelled)."""

    before: str  # id@version
    after: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    relabelled: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FrameworkDiff:
    """Everything that differs between ``before`` and ``after``."""

    before: str  # id@version
    after: str
    criteria: tuple[CriterionChange, ...]
    scales: tuple[ScaleChange, ...]
    sections_added: tuple[str, ...]
    sections_removed: tuple[str, ...]
    fields_added: tuple[str, ...]
    fields_removed: tuple[str, ...]
    unchanged: frozenset[str] = field(default_factory=frozenset)

    def of_kind(self, kind: ChangeKind) -> tuple[CriterionChange, ...]:
        """The criteria changed in this way, in the later version's order."""
        return tuple(c for c in self.criteria if c.kind == kind)

    @property
    def is_empty(self) -> bool:
        return not (
            self.criteria
            or self.scales
            or self.sections_added
            or self.sections_removed
            or self.fields_added
            or self.fields_removed
        )


def diff_frameworks(before: Framework, after: Framework) -> FrameworkDiff:
    """What changed from ``before`` to ``after`` (both as loaded: scales resolved)."""
    old = {c.id: c for c in before.criteria()}
    new = {c.id: c for c in after.criteria()}
    changes: list[CriterionChange] = []
    unchanged: set[str] = set()
    for criterion in after.criteria():
        section = after.section_of(criterion.id).title
        earlier = old.get(criterion.id)
        if earlier is None:
            changes.append(CriterionChange(criterion.id, criterion.title, section, "added"))
            continue
        change = _compare(before, earlier, after, criterion, section)
        if change is None:
            unchanged.add(criterion.id)
        else:
            changes.append(change)
            if change.kind == "changed":
                unchanged.add(criterion.id)
    for criterion in before.criteria():
        if criterion.id not in new:
            section = before.section_of(criterion.id).title
            changes.append(CriterionChange(criterion.id, criterion.title, section, "removed"))
    old_sections = {s.id: s.title for s in before.sections}
    new_sections = {s.id: s.title for s in after.sections}
    old_fields = dict(before.all_fields())
    new_fields = dict(after.all_fields())
    return FrameworkDiff(
        before=before.reference,
        after=after.reference,
        criteria=tuple(changes),
        scales=tuple(_scale_changes(before, after)),
        sections_added=tuple(t for i, t in new_sections.items() if i not in old_sections),
        sections_removed=tuple(t for i, t in old_sections.items() if i not in new_sections),
        fields_added=tuple(
            after.field_title(i) for i in new_fields if i not in old_fields and "." not in i
        ),
        fields_removed=tuple(
            before.field_title(i) for i in old_fields if i not in new_fields and "." not in i
        ),
        unchanged=frozenset(unchanged),
    )


def _compare(
    before: Framework, old: Criterion, after: Framework, new: Criterion, section: str
) -> CriterionChange | None:
    text = [
        Difference(words, _words(getattr(old, name)), _words(getattr(new, name)))
        for name, words in _TEXT_ATTRIBUTES.items()
        if getattr(old, name) != getattr(new, name)
    ]
    unset = {"visible_to": "everyone", "audiences": "every report", "visible_when": "always"}
    scale = _scale_difference(before.scale_for(old), after.scale_for(new))
    settings = [
        Difference(
            words,
            _words(getattr(old, name), unset.get(name, "(none)")),
            _words(getattr(new, name), unset.get(name, "(none)")),
        )
        for name, words in _SETTING_ATTRIBUTES.items()
        if getattr(old, name) != getattr(new, name)
    ]
    if before.section_of(old.id).id != after.section_of(new.id).id:
        settings.append(Difference("section", before.section_of(old.id).title, section))
    differences = tuple(text + ([scale] if scale else []) + settings)
    if not differences:
        return None
    kind: ChangeKind = "reworded" if text else "rescaled" if scale else "changed"
    return CriterionChange(new.id, new.title, section, kind, differences)


def _scale_difference(old: RatingScale | None, new: RatingScale | None) -> Difference | None:
    if old is None and new is None:
        return None
    if old is None or new is None:
        return Difference(
            "scale",
            old.title if old else "not rated",
            new.title if new else "not rated",
        )
    if _levels(old) == _levels(new):
        return None
    return Difference("scale", _describe_levels(old), _describe_levels(new))


def _levels(scale: RatingScale) -> tuple[tuple[str, str, int | None], ...]:
    return tuple((lvl.key, lvl.label, lvl.rank) for lvl in scale.levels)


def _describe_levels(scale: RatingScale) -> str:
    return f"{scale.title} ({' / '.join(lvl.label for lvl in scale.levels)})"


def _scale_changes(before: Framework, after: Framework) -> Iterator[ScaleChange]:
    """Each scale whose later version (same id) has different levels."""
    old = {s.id: s for s in before.scales}
    for scale in after.scales:
        earlier = old.get(scale.id)
        if earlier is None or _levels(earlier) == _levels(scale):
            continue
        old_labels = {lvl.key: lvl.label for lvl in earlier.levels}
        new_labels = {lvl.key: lvl.label for lvl in scale.levels}
        yield ScaleChange(
            before=earlier.reference,
            after=scale.reference,
            added=tuple(new_labels[k] for k in new_labels if k not in old_labels),
            removed=tuple(old_labels[k] for k in old_labels if k not in new_labels),
            relabelled=tuple(
                (old_labels[k], new_labels[k])
                for k in new_labels
                if k in old_labels and old_labels[k] != new_labels[k]
            ),
        )


def _words(value: object, unset: str = "(none)") -> str:
    """An attribute's value as a reader would say it (``unset`` when it has none)."""
    if value is None or value == "" or value == ():
        return unset
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return "; ".join(getattr(v, "text", str(v)) for v in value)
    if hasattr(value, "model_dump"):
        return str(value.model_dump(by_alias=True, exclude_none=True))
    return str(value)
