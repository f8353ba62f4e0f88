"""A framework: the template a review is filled in against (``kind: framework``).

Walk it as ``framework.sections -> section.criteria -> framework.scale_for(criterion).levels``,
with ``fields`` at framework, section and criterion level. Once loaded through the library every
criterion names its scale exactly (``id@version``) and the framework carries those scales, so a
snapshot taken when a review begins is complete on its own and renders the same for ever.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, HttpUrl

from reviewer_app.domain.canonical import canonical_text, sha256_hex
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.frameworks.conditions import Condition
from reviewer_app.domain.frameworks.fields import FieldSpec
from reviewer_app.domain.frameworks.frozen_model import (
    FrozenModel,
    Identifier,
    Text,
    Version,
    split_reference,
    version_key,
)
from reviewer_app.domain.frameworks.scales import RatingScale
from reviewer_app.domain.organisation import Phase, Role

#: Bumped only if the snapshot envelope itself changes shape.
SNAPSHOT_FORMAT = 1


class LookFor(FrozenModel):
    """Something a reviewer looks for; ``group`` gathers look-fors under a heading."""

    text: Text
    group: str = ""


def _look_for_from_text(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


LookForEntry = Annotated[
    LookFor, BeforeValidator(_look_for_from_text, json_schema_input_type=LookFor | str)
]


class Source(FrozenModel):
    """A source the framework paraphrases or follows, cited with its address when it is public
    (a trust's own document may have none)."""

    title: Text
    url: HttpUrl | None = None
    publisher: str = ""
    version: str = ""
    note: str = ""


class Audience(FrozenModel):
    """A report audience: which document a review can be rendered as."""

    key: Identifier
    label: Text
    description: str = ""


DEFAULT_AUDIENCES = (
    Audience(
        key="full_internal",
        label="Full internal report",
        description="Everything recorded, for the review team and the trust.",
    ),
    Audience(
        key="school_facing",
        label="Report for the school",
        description="Findings and next steps for the school's leaders.",
    ),
    Audience(
        key="board_summary",
        label="Board summary",
        description="Headline judgements and actions for trustees or governors.",
    ),
)

#: Report audiences every framework has unless it declares its own.
STANDARD_AUDIENCES = tuple(audience.key for audience in DEFAULT_AUDIENCES)


class Criterion(FrozenModel):
    """One thing to judge. ``scale`` None uses the framework's ``default_scale``; a criterion with
    neither is unrated (fields and evidence only)."""

    id: Identifier
    title: Text
    prompt: str = ""
    guidance: str = ""
    look_fors: tuple[LookForEntry, ...] = ()
    evidence_sources: tuple[Text, ...] = ()
    scale: str | None = Field(default=None, description="Scale id, optionally '@version'.")
    required: bool = True
    fields: tuple[FieldSpec, ...] = ()
    visible_when: Condition | None = None
    visible_to: tuple[Role, ...] = ()
    audiences: tuple[Identifier, ...] | None = None
    caveat: str = Field(
        default="",
        description="A warning about this part's wording shown with it in the editor and the "
        "report, e.g. 'Paraphrase, to be confirmed by the trust'.",
    )

    @property
    def is_rated(self) -> bool:
        """Whether the criterion is rated on a scale (resolved frameworks name it exactly)."""
        return self.scale is not None


class Section(FrozenModel):
    """A group of criteria and fields, e.g. one evaluation area."""

    id: Identifier
    title: Text
    description: str = ""
    criteria: tuple[Criterion, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    visible_when: Condition | None = None
    visible_to: tuple[Role, ...] = ()
    audiences: tuple[Identifier, ...] | None = None
    caveat: str = Field(
        default="",
        description="A warning about this part's wording shown with it in the editor and the "
        "report, e.g. 'Paraphrase, to be confirmed by the trust'.",
    )


class TagKind(FrozenModel):
    """A kind of tag for evidence notes (year group, subject, room...) with suggested values."""

    key: Identifier
    label: Text
    suggested: tuple[Text, ...] = ()
    free_text: bool = Field(
        default=True, description="Whether values outside the list are allowed."
    )


class EvidenceSettings(FrozenModel):
    """How evidence is captured for this framework."""

    tags: tuple[TagKind, ...] = ()
    attachments: bool = True
    pupil_references: bool = Field(
        default=True, description="Whether notes may carry pseudonymous pupil references."
    )
    guidance: str = ""


class ActionSettings(FrozenModel):
    """Whether and how next steps are recorded and followed up."""

    enabled: bool = True
    label: str = "Next steps"
    require_owner: bool = True
    require_due_date: bool = True
    follow_up_previous: bool = Field(
        default=True, description="Show open actions from the school's earlier visits."
    )


class SignOffStep(FrozenModel):
    """Who signs, in list order. ``who: each`` means every team member with the role signs;
    ``order: any_order`` lets them sign in any order among themselves (all of them before the
    next step), where ``in_order`` (the default) keeps the team's order."""

    role: Role
    label: Text
    who: Literal["one", "each"] = "one"
    required: bool = True
    order: Literal["in_order", "any_order"] = Field(
        default="in_order",
        description="With who: each, whether the people with the role sign in the team's "
        "order (in_order) or in any order among themselves (any_order), all before the next "
        "step.",
    )


class Framework(FrozenModel):
    """A review template, identified by ``id`` and ``version``."""

    kind: Literal["framework"]
    id: Identifier
    version: Version
    title: Text
    summary: str = ""
    owner: Text
    sources: tuple[Source, ...] = ()
    phases: tuple[Phase, ...] = Field(default=(), description="Empty: every phase.")
    notices: tuple[Text, ...] = Field(
        default=(), description="Reminders shown at the top of the editor and report."
    )
    visible_to: tuple[Role, ...] = Field(default=(), description="Empty: everyone.")
    caveat: str = Field(
        default="",
        description="A warning about the framework's wording shown in the editor and the "
        "report, e.g. 'Prompts paraphrase the toolkit; to be confirmed by the trust'.",
    )
    audiences: tuple[Audience, ...] = DEFAULT_AUDIENCES
    default_scale: str | None = None
    scales: tuple[RatingScale, ...] = Field(
        default=(),
        description="Scales defined for this framework alone; the library adds the shared "
        "scales its criteria use.",
    )
    fields: tuple[FieldSpec, ...] = ()
    sections: tuple[Section, ...] = ()
    criterion_fields: tuple[FieldSpec, ...] = Field(
        default=(), description="Fields every rated criterion carries (evidence, action, owner...)."
    )
    evidence: EvidenceSettings = EvidenceSettings()
    actions: ActionSettings = ActionSettings()
    sign_off: tuple[SignOffStep, ...] = ()
    carry_forward: bool = Field(
        default=False,
        description="When a school's review is on a later version than its last signed one, "
        "answers to criteria that did not change are carried forward, each to be confirmed.",
    )
    based_on: str = Field(
        default="",
        description="Set by the library, not written: the framework (id@version) a trust's "
        "overlay made this one from.",
    )

    # ------------------------------------------------------------------ identity and hashing
    @property
    def reference(self) -> str:
        """``id@version``."""
        return f"{self.id}@{self.version}"

    @property
    def content_hash(self) -> str:
        """SHA-256 over the canonical JSON of the framework (defaults left out, keys sorted)."""
        return sha256_hex(canonical_json(self).encode("utf-8"))

    def to_snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy of the framework a review keeps, with its content hash."""
        return {
            "snapshot_format": SNAPSHOT_FORMAT,
            "content_hash": self.content_hash,
            "framework": _canonical_data(self),
        }

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any]) -> Framework:
        """Rebuild the framework a review began with; refuses a snapshot whose hash differs."""
        try:
            if snapshot.get("snapshot_format") != SNAPSHOT_FORMAT:
                raise ValueError("unknown snapshot format")
            framework = cls.model_validate(snapshot["framework"])
            expected = str(snapshot["content_hash"])
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise ReviewerError(
                "The copy of the framework kept with this review cannot be read.",
                hint="Restore the review from a backup or sync it again from the trust server.",
            ) from exc
        if framework.content_hash != expected:
            raise ReviewerError(
                f"The copy of the framework '{framework.reference}' kept with this review has "
                "been altered (its content hash no longer matches).",
                hint="Restore the review from a backup or sync it again from the trust server.",
            )
        return framework

    # ------------------------------------------------------------------ walking
    def criteria(self) -> Iterator[Criterion]:
        """Every criterion, in order."""
        for section in self.sections:
            yield from section.criteria

    def walk(self) -> Iterator[tuple[Section, Criterion, RatingScale | None]]:
        """``(section, criterion, scale or None)`` for every criterion, in order."""
        for section in self.sections:
            for criterion in section.criteria:
                yield section, criterion, self.scale_for(criterion)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id; ``KeyError`` if none."""
        for criterion in self.criteria():
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def section_of(self, criterion_id: str) -> Section:
        """The section holding the criterion; ``KeyError`` if none."""
        for section in self.sections:
            if any(c.id == criterion_id for c in section.criteria):
                return section
        raise KeyError(criterion_id)

    def fields_of(self, criterion: Criterion) -> tuple[FieldSpec, ...]:
        """The criterion's fields: the framework's ``criterion_fields`` (rated criteria only) and
        its own. Values are stored under ``"<criterion id>.<field id>"``."""
        shared = self.criterion_fields if criterion.is_rated else ()
        return (*shared, *criterion.fields)

    def all_fields(self) -> Iterator[tuple[str, FieldSpec]]:
        """``(stored field id, field)`` for every field at every level, in order."""
        for spec in self.fields:
            yield spec.id, spec
        for section in self.sections:
            for spec in section.fields:
                yield spec.id, spec
            for criterion in section.criteria:
                for spec in self.fields_of(criterion):
                    yield f"{criterion.id}.{spec.id}", spec

    def field_title(self, stored_id: str) -> str:
        """What a person calls a stored field: its label, after the criterion's or section's
        title ("Leadership: Strengths"); the id itself when the framework has no such field."""
        for spec in self.fields:
            if spec.id == stored_id:
                return spec.label
        for section in self.sections:
            for spec in section.fields:
                if spec.id == stored_id:
                    return f"{section.title}: {spec.label}"
            for criterion in section.criteria:
                for spec in self.fields_of(criterion):
                    if f"{criterion.id}.{spec.id}" == stored_id:
                        return f"{criterion.title}: {spec.label}"
        return stored_id

    def scale_for(self, criterion: Criterion) -> RatingScale | None:
        """The scale a criterion is rated on, or None when it is unrated."""
        return None if criterion.scale is None else self.scale(criterion.scale)

    def scale(self, reference: str) -> RatingScale:
        """The embedded scale named ``id`` or ``id@version``; ``KeyError`` if absent."""
        name, version = split_reference(reference)
        matches = [s for s in self.scales if s.id == name and version in (None, s.version)]
        if not matches:
            raise KeyError(reference)
        return max(matches, key=lambda s: version_key(s.version))

    @property
    def not_an_ofsted_grade_notes(self) -> tuple[str, ...]:
        """Notes of the scales this framework uses that are not Ofsted grades (show them)."""
        return tuple(dict.fromkeys(s.note for s in self.scales if s.not_an_ofsted_grade))

    def caveats(self, shown: Container[str] | None = None) -> tuple[str, ...]:
        """Warnings about the wording (``caveat``), each naming the part it is about: the
        framework's own first, then each section's and criterion's in order. With ``shown``,
        only sections and criteria whose ids it holds."""
        found = [self.caveat] if self.caveat else []
        for section in self.sections:
            if section.caveat and (shown is None or section.id in shown):
                found.append(f"{section.title}: {section.caveat}")
            for criterion in section.criteria:
                if criterion.caveat and (shown is None or criterion.id in shown):
                    found.append(f"{criterion.title}: {criterion.caveat}")
        return tuple(found)

    def may_be_seen_by(self, roles: Iterable[Role | str]) -> bool:
        """Whether someone with these roles may open this framework at all."""
        held = {str(role) for role in roles}
        return not self.visible_to or bool(held & {str(role) for role in self.visible_to})

    def audience(self, key: str) -> Audience:
        """The report audience with this key; ``KeyError`` if none."""
        for audience in self.audiences:
            if audience.key == key:
                return audience
        raise KeyError(key)

    @staticmethod
    def shown_in(item: Section | Criterion | FieldSpec, audience: str) -> bool:
        """Whether a report for ``audience`` shows this section, criterion or field."""
        return item.audiences is None or audience in item.audiences


def _canonical_data(framework: Framework) -> dict[str, Any]:
    return framework.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def canonical_json(framework: Framework) -> str:
    """The exact text the content hash is taken over."""
    return canonical_text(_canonical_data(framework))
