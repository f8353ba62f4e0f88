"""How far a review has got: answers, what is visible, completion per section, what is missing
before sign-off, and the order the editor walks criteria in. Pure Python, so the editor's
navigation and its ready-for-sign-off check are tested without Qt.

A criterion counts as judged when it has the team's agreed judgement, or, on a visit with one
reviewer, that reviewer's own judgement. A field counts as answered when it holds something
(see :func:`is_answered`). Hidden items count neither way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from reviewer_app.domain.frameworks import FieldSpec, Framework, Visibility, visibility
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    FieldValue,
    Judgement,
)

MissingKind = Literal["criterion", "field", "action", "follow_up"]


def is_answered(value: object) -> bool:
    """Whether a stored field value counts as given (blank text and empty tables do not)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | dict):
        return any(
            is_answered(item) for item in (value.values() if isinstance(value, dict) else value)
        )
    return True


def effective_levels(
    judgements: Iterable[Judgement], *, single_reviewer_id: str | None
) -> dict[str, str]:
    """criterion id -> the level that counts: the newest agreed one, else (one-reviewer visit)
    that reviewer's own. ``single_reviewer_id`` is the only reviewer's id, None for a team."""
    ordered = sorted(judgements, key=lambda j: (j.created_at, j.id))
    agreed: dict[str, str | None] = {}
    own: dict[str, str | None] = {}
    for judgement in ordered:
        if judgement.agreed:
            agreed[judgement.criterion_id] = judgement.level_key
        elif judgement.author_id == single_reviewer_id:
            own[judgement.criterion_id] = judgement.level_key
    levels = {cid: level for cid, level in own.items() if level is not None}
    levels.update({cid: level for cid, level in agreed.items() if level is not None})
    return levels


def answers_of(levels: Mapping[str, str], fields: Iterable[FieldValue]) -> dict[str, object]:
    """The answers visibility conditions read: criterion levels and field values by id."""
    answers: dict[str, object] = dict(levels)
    for value in fields:
        answers[value.field_id] = value.value
    return answers


@dataclass(frozen=True, slots=True)
class SectionProgress:
    """Completion of one visible section: answered items out of those counted."""

    section_id: str
    title: str
    done: int
    total: int
    missing_required: int

    @property
    def complete(self) -> bool:
        return self.done >= self.total


@dataclass(frozen=True, slots=True)
class MissingItem:
    """Something required that is not yet done, with where to jump to fix it."""

    kind: MissingKind
    target_id: str  # criterion id, stored field id, action id
    section_id: str | None
    message: str


@dataclass(frozen=True, slots=True)
class ReviewProgress:
    """Everything the editor shows about completeness at one moment."""

    visibility: Visibility
    sections: tuple[SectionProgress, ...]
    missing: tuple[MissingItem, ...]

    @property
    def ready(self) -> bool:
        """True when nothing required is missing (the review may be marked ready)."""
        return not self.missing

    def section(self, section_id: str) -> SectionProgress | None:
        return next((s for s in self.sections if s.section_id == section_id), None)


#: Pseudo-section id for the fields at framework level ("About this visit").
VISIT_SECTION = "__visit__"
#: Pseudo-section ids of the evidence, actions and follow-up pages.
EVIDENCE_SECTION = "__evidence__"
ACTIONS_SECTION = "__actions__"
FOLLOW_UP_SECTION = "__follow_up__"


def review_progress(
    framework: Framework,
    *,
    levels: Mapping[str, str],
    fields: Iterable[FieldValue],
    school_facts: Mapping[str, object],
    roles: Iterable[Role | str],
    actions: Sequence[Action] = (),
    open_earlier_actions: Sequence[Action] = (),
    follow_ups: Sequence[ActionFollowUp] = (),
    unconfirmed: Collection[str] = (),
) -> ReviewProgress:
    """Work out visibility, per-section completion and every missing required item, in the
    order the editor shows them. ``unconfirmed`` criteria hold a judgement carried forward from
    an earlier review that is not yet confirmed: they count as missing until it is."""
    values = {v.field_id: v.value for v in fields}
    answers = answers_of(levels, fields)
    shown = visibility(framework, answers, school_facts, roles)
    missing: list[MissingItem] = []
    sections: list[SectionProgress] = []

    def count_fields(
        specs: Iterable[tuple[str, FieldSpec]], section_id: str, where: str
    ) -> tuple[int, int, int]:
        done = total = required_missing = 0
        for stored_id, spec in specs:
            if stored_id not in shown.fields:
                continue
            total += 1
            if is_answered(values.get(stored_id)):
                done += 1
            elif spec.required:
                required_missing += 1
                missing.append(
                    MissingItem("field", stored_id, section_id, f"{where}: {spec.label}")
                )
        return done, total, required_missing

    visit_specs = [(spec.id, spec) for spec in framework.fields]
    if visit_specs:
        done, total, req = count_fields(visit_specs, VISIT_SECTION, "About this visit")
        sections.append(SectionProgress(VISIT_SECTION, "About this visit", done, total, req))

    for section in framework.sections:
        if section.id not in shown.sections:
            continue
        done = total = req = 0
        for criterion in section.criteria:
            if criterion.id not in shown.criteria:
                continue
            if criterion.is_rated:
                total += 1
                if criterion.id in unconfirmed and criterion.id in levels:
                    missing.append(
                        MissingItem(
                            "criterion",
                            criterion.id,
                            section.id,
                            f"{section.title}: “{criterion.title}” was carried forward: confirm it",
                        )
                    )
                elif criterion.id in levels:
                    done += 1
                elif criterion.required:
                    req += 1
                    missing.append(
                        MissingItem(
                            "criterion",
                            criterion.id,
                            section.id,
                            f"{section.title}: no judgement for “{criterion.title}”",
                        )
                    )
            specs = [(f"{criterion.id}.{s.id}", s) for s in framework.fields_of(criterion)]
            d, t, r = count_fields(specs, section.id, f"{section.title} · {criterion.title}")
            done, total, req = done + d, total + t, req + r
        d, t, r = count_fields(
            [(spec.id, spec) for spec in section.fields], section.id, section.title
        )
        sections.append(SectionProgress(section.id, section.title, done + d, total + t, req + r))

    settings = framework.actions
    if settings.enabled:
        for action in actions:
            gaps = []
            if settings.require_owner and not action.owner.strip():
                gaps.append("an owner")
            if settings.require_due_date and action.due is None:
                gaps.append("a due date")
            if gaps:
                missing.append(
                    MissingItem(
                        "action",
                        action.id,
                        ACTIONS_SECTION,
                        f"{settings.label}: “{_short(action.text)}” needs {' and '.join(gaps)}",
                    )
                )
        if settings.follow_up_previous:
            latest = {f.action_id: f for f in sorted(follow_ups, key=lambda f: f.recorded_at)}
            for action in open_earlier_actions:
                found = latest.get(action.id)
                if found is None or not found.evidence.strip():
                    what = "say whether" if found is None else "give the evidence that"
                    missing.append(
                        MissingItem(
                            "follow_up",
                            action.id,
                            FOLLOW_UP_SECTION,
                            f"Follow-up: {what} “{_short(action.text)}” was met",
                        )
                    )
    return ReviewProgress(shown, tuple(sections), tuple(missing))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def criterion_order(framework: Framework, shown: Visibility) -> list[tuple[str, str]]:
    """``(section id, criterion id)`` of every visible criterion, in framework order."""
    return [
        (section.id, criterion.id)
        for section in framework.sections
        if section.id in shown.sections
        for criterion in section.criteria
        if criterion.id in shown.criteria
    ]


def step_criterion(
    order: Sequence[tuple[str, str]], current: str | None, step: int
) -> tuple[str, str] | None:
    """The visible criterion ``step`` places after (or before) ``current``; the first (or last)
    when ``current`` is None or hidden; None past either end."""
    if not order:
        return None
    ids = [criterion_id for _section, criterion_id in order]
    if current not in ids:
        return order[0] if step > 0 else order[-1]
    index = ids.index(current) + step
    return order[index] if 0 <= index < len(order) else None
