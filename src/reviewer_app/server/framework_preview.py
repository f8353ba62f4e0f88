"""What the console shows of a framework before (and after) it is published: every version the
trust may look at, the framework resolved (an overlay applied to the built-in framework it
extends), its conditions in words, and what each audience's report holds.

The console's preview pages draw the editor from this as HTML (sections, criteria with their
scale's levels, fields, conditions, who sees what, caveats) and list, per report audience, the
sections and criteria its report shows; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.frameworks import Framework, FrameworkLibrary
from reviewer_app.domain.frameworks.conditions import CRITERION_PLACEHOLDER, Condition
from reviewer_app.domain.frameworks.diff import FrameworkDiff, diff_frameworks
from reviewer_app.domain.frameworks.frozen_model import split_reference, version_key
from reviewer_app.domain.organisation import Role
from reviewer_app.server import framework_library as library

BUILT_IN = "built in"
TRUSTS = "the trust's"


@dataclass(frozen=True, slots=True)
class FrameworkVersion:
    """One version of a framework the trust may preview: where it comes from and its state."""

    id: str
    version: str
    title: str
    source: str  # BUILT_IN or TRUSTS
    state: str  # draft, published or retired (built-in frameworks are published)
    kind: str = "framework"  # or framework_overlay

    @property
    def reference(self) -> str:
        return f"{self.id}@{self.version}"


def _library(session: Session, trust_id: str) -> FrameworkLibrary:
    """Built-in frameworks and every version the trust holds, retired ones too."""
    return library.trust_library(
        session, trust_id, (library.DRAFT, library.PUBLISHED, library.RETIRED)
    )


def framework_versions(session: Session, trust_id: str) -> list[FrameworkVersion]:
    """Every framework version the trust may preview or compare: built in, then its own."""
    found = [
        FrameworkVersion(f.id, f.version, f.title, BUILT_IN, library.PUBLISHED)
        for f in library.built_in_library().frameworks
    ]
    for row in library.documents(session, trust_id):
        if row.kind in ("framework", "framework_overlay"):
            found.append(
                FrameworkVersion(row.doc_id, row.version, row.title, TRUSTS, row.state, row.kind)
            )
    return sorted(found, key=lambda v: (v.source != BUILT_IN, v.id, version_key(v.version)))


def resolve(
    session: Session, trust_id: str, framework_id: str, version: str
) -> tuple[Framework, FrameworkVersion]:
    """The framework as laptops would have it (an overlay applied), and where it comes from."""
    known = {
        (v.id, v.version): v for v in framework_versions(session, trust_id)
    }  # trust rows after built-in ones: an id is never both
    entry = known.get((framework_id, version))
    if entry is None:
        raise NotFoundError(
            f"There is no version {version} of the framework '{framework_id}' in the library."
        )
    try:
        framework = _library(session, trust_id).get(framework_id, version)
    except NotFoundError:
        raise NotFoundError(
            f"Version {version} of '{framework_id}' no longer passes the checker against the "
            "library as it is now, so it cannot be shown.",
            hint="Upload a corrected version.",
        ) from None
    return framework, entry


def compare(session: Session, trust_id: str, before: str, after: str) -> FrameworkDiff:
    """What changed from ``before`` to ``after`` (each ID@VERSION of the library)."""
    frameworks = []
    for reference in (before, after):
        framework_id, version = split_reference(reference)
        if not version:
            raise NotFoundError(f"'{reference}' names no version; write it as ID@VERSION.")
        frameworks.append(resolve(session, trust_id, framework_id, version)[0])
    return diff_frameworks(frameworks[0], frameworks[1])


# ---------------------------------------------------------------- words for the preview


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"“{value}”"


def condition_words(condition: Condition | None, title_of: Callable[[str], str]) -> str:
    """A condition as a phrase: "when “Focus” is “routines”"."""
    if condition is None:
        return ""
    return "when " + _phrase(condition, title_of)


def _phrase(condition: Condition, title_of: Callable[[str], str]) -> str:
    if condition.all:
        return " and ".join(_phrase(c, title_of) for c in condition.all)
    if condition.any:
        return "either " + " or ".join(_phrase(c, title_of) for c in condition.any)
    if condition.not_ is not None:
        return f"not ({_phrase(condition.not_, title_of)})"
    if condition.answer == CRITERION_PLACEHOLDER:
        subject = "the criterion's rating"
    elif condition.answer is not None:
        subject = f"“{title_of(condition.answer)}”"
    else:
        subject = f"the school's {str(condition.fact).replace('_', ' ')}"
    if condition.answered is not None:
        return f"{subject} is {'answered' if condition.answered else 'not yet answered'}"
    if condition.one_of is not None:
        return f"{subject} is one of " + ", ".join(_value(v) for v in condition.one_of)
    return f"{subject} is {_value(condition.equals)}"


def role_words(roles: tuple[Role, ...]) -> str:
    return " or ".join(Role(r).label.lower() for r in roles)


@dataclass(frozen=True, slots=True)
class ReportItem:
    """A section or criterion as one audience's report shows it."""

    title: str
    restricted: bool
    criteria: tuple[tuple[str, bool], ...] = ()  # (title, restricted)
    fields: tuple[str, ...] = ()


def report_outline(framework: Framework, audience: str) -> list[ReportItem]:
    """The sections, criteria and section answers the report for ``audience`` shows.

    Restricted parts (``visible_to`` safeguarding roles) reach only the full internal report,
    as the laptops' report builder places them."""
    allows_restricted = audience == "full_internal"
    items = []
    for section in framework.sections:
        if not Framework.shown_in(section, audience):
            continue
        restricted = bool(section.visible_to)
        if restricted and not allows_restricted:
            continue
        criteria = tuple(
            (c.title, restricted or bool(c.visible_to))
            for c in section.criteria
            if Framework.shown_in(c, audience) and (allows_restricted or not c.visible_to)
        )
        fields = tuple(
            f.label
            for f in section.fields
            if Framework.shown_in(f, audience) and (allows_restricted or not f.visible_to)
        )
        if criteria or fields or section.description:
            items.append(ReportItem(section.title, restricted, criteria, fields))
    return items


def title_lookup(framework: Framework) -> Callable[[str], str]:
    """The title of a criterion or field by id (the id itself when unknown)."""
    titles: dict[str, str] = {}
    for section in framework.sections:
        titles[section.id] = section.title
        for criterion in section.criteria:
            titles[criterion.id] = criterion.title
    for stored, spec in framework.all_fields():
        titles.setdefault(stored, spec.label)
        titles.setdefault(spec.id, spec.label)
    return lambda item_id: titles.get(item_id, item_id)


# ---------------------------------------------------------------- a sample report (PDF)


def sample_report_pdf(framework: Framework, trust_name: str, audience: str) -> bytes:
    """The report for ``audience`` of an empty review on ``framework``, rendered as the laptops
    render reports (no ratings, evidence or names: the layout, sections, criteria, scale keys,
    notices and sign-off boxes). Raises :class:`~reviewer_app.domain.errors.ValidationError`
    for an audience that is not one of the standard three."""
    from datetime import date

    from reviewer_app.reports.document import (
        FULL_INTERNAL,
        Branding,
        Finding,
        Rating,
        ReportDraft,
        ScaleLegend,
        Section,
        SignOffSlot,
        audience_named,
    )
    from reviewer_app.reports.render import render_report

    chosen = audience_named(audience)
    keys = frozenset(a.key for a in framework.audiences)
    sections: list[Section] = []
    legends: dict[str, ScaleLegend] = {}
    for section in framework.sections:
        own = (
            frozenset(k for k in keys if Framework.shown_in(section, k)),
            bool(section.visible_to),
        )
        if own[1]:
            own = (own[0] & {FULL_INTERNAL}, True)
        # The section's own part first, then parts for criteria fewer readers see.
        parts: dict[tuple[frozenset[str], bool], list[Finding]] = {own: []}
        scale_of: dict[tuple[frozenset[str], bool], str] = {}
        for criterion in section.criteria:
            audiences = frozenset(
                k
                for k in keys
                if Framework.shown_in(section, k) and Framework.shown_in(criterion, k)
            )
            restricted = bool(section.visible_to or criterion.visible_to)
            if restricted:
                audiences &= {FULL_INTERNAL}
            key = (audiences, restricted)
            parts.setdefault(key, []).append(
                Finding(criterion.id, criterion.prompt or criterion.title)
            )
            scale = framework.scale_for(criterion)
            if scale is not None:
                scale_of.setdefault(key, scale.id)
                legends.setdefault(
                    scale.id,
                    ScaleLegend(
                        scale.id,
                        scale.title,
                        tuple(Rating(lv.key, lv.label, lv.colour) for lv in scale.levels),
                        scale.not_an_ofsted_grade,
                        scale.note,
                    ),
                )
        for index, ((audiences, restricted), findings) in enumerate(parts.items()):
            if not findings and (index > 0 or not section.description):
                continue
            suffix = "" if index == 0 else f"~{index}"
            detail = "restricted detail" if restricted else "further detail"
            title = section.title if index == 0 else f"{section.title}: {detail}"
            sections.append(
                Section(
                    section_id=f"{section.id}{suffix}",
                    title=title,
                    findings=tuple(findings),
                    narrative=section.description if index == 0 else "",
                    scale_id=scale_of.get((audiences, restricted), ""),
                    audiences=audiences,
                    restricted=restricted,
                )
            )
    draft = ReportDraft(
        report_id="preview",
        branding=Branding(trust_name=trust_name),
        school_name="Sample school (preview)",
        school_urn="000000",
        visit_kind_title=framework.title,
        visit_dates=(date.today(),),
        reviewers=(),
        framework_id=framework.id,
        framework_version=framework.version,
        framework_hash=framework.content_hash,
        scales=tuple(legends.values()),
        sections=tuple(sections),
        sign_off=tuple(
            SignOffSlot(n, step.label, f"the {role_words((step.role,))}")
            for n, step in enumerate(framework.sign_off, start=1)
        ),
        notices=(
            "Preview: an empty review, to show the layout before the framework is used.",
            *framework.notices,
            *(f"Wording to confirm: {text}" for text in framework.caveats()),
        ),
    )
    return render_report(draft.for_audience(chosen)).pdf
