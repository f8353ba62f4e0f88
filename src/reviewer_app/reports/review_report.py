# Longer than 600 lines because it walks one review through the framework's sections for every
# report audience.
"""A review's report content (:class:`~reviewer_app.reports.document.ReportDraft`) from what
the review holds (:class:`ReviewContent`), through the framework snapshot the review was
started with. The laptop gathers the content from its store
(``services.report_builder.build_report_source``), the trust server from its records (the
demo's signed reports, ``server/demo_reports.py``): one builder, so both make the same report.

What goes where:

* cover: the trust's name with the trust profile's colours and logo, the school, the framework's
  title, the visit's days and its team with their roles on the visit;
* one report section per framework section, holding a finding per criterion (agreed judgement in
  the scale's label and colour, current evidence notes with their tags, the criterion's own
  answers) and the section's answers: fields whose id speaks of strengths become the section's
  strengths list, fields for next steps (even better if, areas to explore, priorities) its areas
  for development, other answers its narrative;
* parts of a section that the framework shows to fewer audiences, or only to safeguarding roles
  (``visible_to``), become sections of their own, so the reports layer's audience filter can drop
  them; role-restricted parts are marked ``restricted`` and only the full internal report shows
  them, and only when the reader holds a safeguarding role;
* actions, follow-ups of earlier visits' actions, the appendix of notes and photos, and one
  sign-off slot per required signer (``who: each`` gives one per team member with the role, in
  team order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from reviewer_app.domain.errors import ValidationError
from reviewer_app.domain.frameworks import (
    Criterion,
    FieldSpec,
    Framework,
    RatingScale,
    TrustProfile,
    visibility,
)
from reviewer_app.domain.frameworks import Section as FrameworkSection
from reviewer_app.domain.organisation import Person, Role, School
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FieldValue,
    FollowUpOutcome,
    JSONValue,
    Judgement,
    Review,
    agreed_judgement,
)
from reviewer_app.domain.safeguarding_reports import judges_safeguarding
from reviewer_app.domain.visits import Visit
from reviewer_app.paths import resources_dir
from reviewer_app.reports.document import (
    FULL_INTERNAL,
    STANDARD_AUDIENCES,
    ActionRow,
    Audience,
    Branding,
    EvidenceNoteEntry,
    Finding,
    FollowUpRow,
    Photo,
    Rating,
    ReportDraft,
    ReviewerEntry,
    ScaleLegend,
    Section,
    SignOffSlot,
)

#: Words in a field id that make it a strengths list, or a list of areas for development.
_STRENGTH_WORDS = ("strength",)
_DEVELOPMENT_WORDS = (
    "even-better-if",
    "areas-to-explore",
    "priorities",
    "development",
    "next-steps",
    "action",
)
_FIELD_ID_FOR_FOCUS = ("enquiry-question", "focus")
#: The framework field that says who may see the report (shown on the cover with its chooser).
SHARING_FIELD = "report-sharing"
#: Its value for "the school only" (the trust then holds the judgement summary alone).
SCHOOL_ONLY = "school"
_OUTCOME_COLOURS = {
    FollowUpOutcome.MET: "#2E7D4F",
    FollowUpOutcome.PARTLY_MET: "#E0A030",
    FollowUpOutcome.NOT_MET: "#C0392B",
}
#: Section id of the framework-level answers ("About this visit").
VISIT_DETAILS = "about-this-visit"


def report_audience(framework: Framework, key: str) -> Audience:
    """The reports layer's audience for one of the framework's ``audiences``.

    Standard keys keep their standard rules; a framework's own audience gets an :class:`Audience`
    that never shows restricted content (only the full internal report does).
    """
    try:
        declared = framework.audience(key)
    except KeyError:
        known = ", ".join(a.key for a in framework.audiences)
        raise ValidationError(
            f"The {framework.title} has no report audience called '{key}'.",
            hint=f"Choose one of: {known}.",
        ) from None
    standard = STANDARD_AUDIENCES.get(key)
    if standard is not None:
        return standard
    return Audience(
        key=declared.key,
        label=declared.label,
        allows_restricted=False,
        description=declared.description,
    )


def branding_for(trust_name: str, profile: TrustProfile | None) -> Branding:
    """The report branding: the trust's name in its profile's colours, with its PNG logo."""
    if profile is None:
        return Branding(trust_name=trust_name)
    logo = resources_dir() / profile.branding.logo
    return Branding(
        trust_name=trust_name,
        primary_colour=profile.branding.primary_colour,
        accent_colour=profile.branding.accent_colour,
        logo_path=str(logo) if logo.suffix.lower() == ".png" and logo.is_file() else None,
    )


@dataclass(frozen=True, slots=True)
class ReviewContent:
    """What one review holds, as its report needs it."""

    review: Review
    visit: Visit
    school: School
    #: The framework exactly as the review was started with it.
    framework: Framework
    trust_name: str
    branding: Branding
    #: Everyone the report may name, by id (the team, the authors of notes and answers).
    people: Mapping[str, Person]
    #: The shared answers by stored field id.
    field_values: Mapping[str, FieldValue]
    judgements: Sequence[Judgement]
    #: The current evidence notes (corrections in place of what they correct, none withdrawn).
    notes: Sequence[EvidenceNote]
    #: The review's current actions (none withdrawn).
    actions: Sequence[Action]
    follow_ups: Sequence[ActionFollowUp]
    #: The earlier actions the follow-ups are about, by id.
    followed: Mapping[str, Action]
    #: The photos attached (PNG or JPEG), with their bytes.
    photos: Sequence[tuple[Attachment, bytes]] = ()


def build_report_draft(
    content: ReviewContent, *, may_see_restricted: bool
) -> tuple[ReportDraft, bool]:
    """The review's report content, and whether restricted (safeguarding) parts with content
    were left out because the reader may not see them (``may_see_restricted`` false)."""
    builder = _Builder(content, may_see_restricted)
    draft = builder.build()
    return draft, builder.withheld


# ---------------------------------------------------------------- the builder


@dataclass
class _Part:
    """Content bound for one report section (one framework section may make several)."""

    section_id: str
    title: str
    audiences: frozenset[str]
    restricted: bool
    findings: list[Finding] = field(default_factory=list)
    narrative: list[str] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    development: list[str] = field(default_factory=list)
    strengths_label: str = ""
    development_label: str = ""
    scale_id: str = ""
    description: str = ""

    def to_section(self) -> Section:
        rated = [f for f in self.findings if f.rating is not None]
        return Section(
            section_id=self.section_id,
            title=self.title,
            findings=tuple(self.findings),
            narrative="\n".join(([self.description] if self.description else []) + self.narrative),
            summary_rating=rated[0].rating if len(self.findings) == 1 and rated else None,
            scale_id=self.scale_id,
            audiences=self.audiences,
            restricted=self.restricted,
            strengths=tuple(self.strengths),
            development=tuple(self.development),
            strengths_label=self.strengths_label or "Strengths",
            development_label=self.development_label or "Areas for development",
        )

    @property
    def empty(self) -> bool:
        return not (self.findings or self.narrative or self.strengths or self.development)

    @property
    def recorded(self) -> bool:
        """Whether reviewers recorded anything here (a rating, evidence or an answer)."""
        return bool(
            self.narrative
            or self.strengths
            or self.development
            or any(f.rating or f.evidence or f.strengths or f.development for f in self.findings)
        )


class _Builder:
    def __init__(self, content: ReviewContent, may_see_restricted: bool) -> None:
        self.content = content
        self.visit = content.visit
        self.review = content.review
        self.school = school = content.school
        self.framework = framework = content.framework
        self.may_see_restricted = may_see_restricted
        self.withheld = False
        self.field_values = content.field_values
        self.values: dict[str, JSONValue] = {k: v.value for k, v in self.field_values.items()}
        judgements = list(content.judgements)
        self.agreed: dict[str, str] = {}
        for criterion in framework.criteria():
            judgement = agreed_judgement(judgements, criterion.id)
            if judgement is not None and judgement.level_key is not None:
                self.agreed[criterion.id] = judgement.level_key
        answers: dict[str, object] = {**self.values, **self.agreed}
        # Conditions (visible_when) decide what exists; roles are applied as restriction below.
        self.shown = visibility(framework, answers, school.facts(), set(Role))
        self.notes = list(content.notes)
        self.people = dict(content.people)
        self.all_audiences = frozenset(a.key for a in framework.audiences)
        self.parts: list[_Part] = []
        self.part_of_criterion: dict[str, str] = {}

    # ------------------------------------------------------------ entry

    def build(self) -> ReportDraft:
        framework, visit, school = self.framework, self.visit, self.school
        focus = self._visit_details()
        for section in framework.sections:
            if section.id in self.shown.sections:
                self._section(section)
        sections = tuple(p.to_section() for p in self._parts_for_reader() if not p.empty)
        shown_ids = {s.section_id for s in sections}
        first, last = visit.start, visit.actual_end or visit.planned_end
        days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
        trust_name = self.content.trust_name
        actions, follow_ups = self._actions(shown_ids), self._follow_ups(shown_ids)
        held_back = self._safeguarding_held_back(
            [c for _r, c in actions], [c for _r, c in follow_ups]
        )
        return ReportDraft(
            report_id=f"{school.urn}-{first:%Y%m%d}-{self.review.id[:8]}",
            branding=self.content.branding,
            school_name=school.name,
            school_urn=school.urn,
            visit_kind_title=framework.title,
            visit_dates=days or (first,),
            reviewers=tuple(
                ReviewerEntry(self._name(r.person_id), r.role.label, trust_name)
                for r in visit.reviewers
            ),
            framework_id=framework.id,
            framework_version=framework.version,
            framework_hash=self.review.framework_hash,
            scales=self._scales(sections),
            sections=sections,
            actions=tuple(row for row, _c in actions),
            follow_ups=tuple(row for row, _c in follow_ups),
            evidence_notes=self._appendix_notes(shown_ids),
            photos=self._photos(shown_ids),
            sign_off=sign_off_slots(framework, visit, self.people),
            focus=focus,
            notices=tuple(framework.notices) + self._caveats(),
            sharing=self._sharing(),
            safeguarding_criteria=held_back[0],
            safeguarding_actions=held_back[1],
            safeguarding_follow_ups=held_back[2],
        )

    def _safeguarding_held_back(
        self, actions: Sequence[str | None], follow_ups: Sequence[str | None]
    ) -> tuple[frozenset[str], frozenset[int], frozenset[int]]:
        """What the board summary holds back of a framework that judges safeguarding: its
        safeguarding criteria, and the actions and follow-ups on them (``actions`` and
        ``follow_ups``: the criterion of each row, in the draft's order)."""
        criteria = frozenset(c.id for c in self.framework.criteria() if judges_safeguarding([c.id]))
        if not criteria:
            return frozenset(), frozenset(), frozenset()
        return (
            criteria,
            frozenset(n for n, c in enumerate(actions) if c in criteria),
            frozenset(n for n, c in enumerate(follow_ups) if c in criteria),
        )

    def _caveats(self) -> tuple[str, ...]:
        """Warnings about the wording of the parts shown (a part only some roles see is left
        out: its title would tell every reader it exists)."""
        open_ids = {
            item_id
            for section in self.framework.sections
            if not section.visible_to
            for item_id, restricted in (
                (section.id, False),
                *((c.id, bool(c.visible_to)) for c in section.criteria),
            )
            if not restricted
        }
        shown = (self.shown.sections | self.shown.criteria) & open_ids
        return tuple(f"Wording to confirm: {text}" for text in self.framework.caveats(shown))

    # ------------------------------------------------------------ sections

    def _parts_for_reader(self) -> list[_Part]:
        """The parts the reader may export. Restricted parts with nothing recorded are left out
        for everyone (so every reader's document is the same); restricted parts with content
        are left out for a reader without a safeguarding role, who then may not export the
        full internal report (``withheld_restricted``)."""
        kept: list[_Part] = []
        for part in self.parts:
            if part.restricted and (not part.recorded or not self.may_see_restricted):
                self.withheld = self.withheld or part.recorded
                for criterion_id, section_id in list(self.part_of_criterion.items()):
                    if section_id == part.section_id:
                        del self.part_of_criterion[criterion_id]
                continue
            kept.append(part)
        return kept

    def _audiences(self, *items: FrameworkSection | Criterion | FieldSpec) -> frozenset[str]:
        return frozenset(
            key for key in self.all_audiences if all(Framework.shown_in(i, key) for i in items)
        )

    def _part(self, base_id: str, title: str, audiences: frozenset[str], restricted: bool) -> _Part:
        """The part for content with these audiences and restriction."""
        if restricted:
            audiences = audiences & {FULL_INTERNAL}
        for part in self.parts:
            if part.section_id.split("~")[0] != base_id:
                continue
            if part.audiences == audiences and part.restricted == restricted:
                return part
        siblings = sum(p.section_id.split("~")[0] == base_id for p in self.parts)
        suffix = "" if siblings == 0 else f"~{siblings}"
        if suffix:
            title = f"{title}: {'restricted detail' if restricted else 'further detail'}"
        part = _Part(f"{base_id}{suffix}", title, audiences, restricted)
        self.parts.append(part)
        return part

    def _section(self, section: FrameworkSection) -> None:
        restricted = bool(section.visible_to)
        audiences = self._audiences(section)
        main = self._part(section.id, section.title, audiences, restricted)
        main.description = section.description
        for criterion in section.criteria:
            if criterion.id not in self.shown.criteria:
                continue
            part = self._part(
                section.id,
                section.title,
                self._audiences(section, criterion),
                restricted or bool(criterion.visible_to),
            )
            self.part_of_criterion[criterion.id] = part.section_id
            part.findings.append(self._finding(section, criterion, part))
        for spec in section.fields:
            if spec.id not in self.shown.fields:
                continue
            part = self._part(
                section.id,
                section.title,
                self._audiences(section, spec),
                restricted or bool(spec.visible_to),
            )
            self._place_field(part, spec, spec.id)

    def _finding(self, section: FrameworkSection, criterion: Criterion, part: _Part) -> Finding:
        scale = self.framework.scale_for(criterion)
        rating = None
        if scale is not None:
            part.scale_id = part.scale_id or scale.id
            level_key = self.agreed.get(criterion.id)
            if level_key is not None and scale.has_level(level_key):
                level = scale.level(level_key)
                rating = Rating(level.key, level.label, level.colour)
        evidence = [
            self._note_text(note) for note in self.notes if criterion.id in note.criterion_ids
        ]
        strengths: list[str] = []
        development: list[str] = []
        detail: dict[tuple[frozenset[str], bool], list[str]] = {}
        for spec in self.framework.fields_of(criterion):
            stored = f"{criterion.id}.{spec.id}"
            value = self.values.get(stored)
            if stored not in self.shown.fields or _blank(value):
                continue
            audiences = self._audiences(section, criterion, spec)
            restricted = part.restricted or bool(spec.visible_to)
            if restricted:
                audiences &= {FULL_INTERNAL}
            if (audiences, restricted) != (part.audiences, part.restricted):
                # An answer shown to fewer readers than its finding gets a finding of its own
                # in a section those readers alone see.
                line = f"{spec.label}: {format_value(spec, value)}"
                detail.setdefault((audiences, restricted), []).append(line)
                continue
            kind = _field_role(spec.id)
            if kind == "strengths":
                strengths.extend(_lines(value))
            elif kind == "development":
                development.extend(_lines(value))
            else:
                evidence.append(f"{spec.label}: {format_value(spec, value)}")
        for (audiences, restricted), lines in detail.items():
            other = self._part(section.id, section.title, audiences, restricted)
            other.findings.append(
                Finding(f"{criterion.id}.detail", f"{criterion.title}: detail", None, tuple(lines))
            )
        return Finding(
            criterion_id=criterion.id,
            prompt=criterion.prompt or criterion.title,
            rating=rating,
            evidence=tuple(evidence),
            strengths=tuple(strengths),
            development=tuple(development),
        )

    def _place_field(self, part: _Part, spec: FieldSpec, stored_id: str) -> None:
        value = self.values.get(stored_id)
        if _blank(value):
            return
        kind = _field_role(spec.id)
        if kind == "strengths":
            part.strengths.extend(_lines(value))
            part.strengths_label = part.strengths_label or spec.label
        elif kind == "development":
            part.development.extend(_lines(value))
            part.development_label = part.development_label or spec.label
        else:
            part.narrative.append(f"{spec.label}: {format_value(spec, value)}")

    def _sharing(self) -> str:
        """Who may see the report, as chosen, and who chose it (framework field
        :data:`SHARING_FIELD`), for the cover; empty when the framework does not ask."""
        spec = next((f for i, f in self.framework.all_fields() if i == SHARING_FIELD), None)
        held = self.field_values.get(SHARING_FIELD)
        if spec is None or held is None or _blank(held.value):
            return ""
        return f"{format_value(spec, held.value)}, chosen by {self._name(held.author_id)}"

    def _visit_details(self) -> str:
        """Framework-level answers: the focus for the cover, the rest as a first section."""
        focus = ""
        for spec in self.framework.fields:
            if spec.id not in self.shown.fields or _blank(self.values.get(spec.id)):
                continue
            audiences = self._audiences(spec)
            restricted = bool(spec.visible_to)
            if (
                not focus
                and spec.id in _FIELD_ID_FOR_FOCUS
                and audiences == self.all_audiences
                and not restricted
            ):
                focus = f"{spec.label}: {format_value(spec, self.values[spec.id])}"
                continue
            part = self._part(VISIT_DETAILS, "About this visit", audiences, restricted)
            self._place_field(part, spec, spec.id)
        return focus

    def _scales(self, sections: Sequence[Section]) -> tuple[ScaleLegend, ...]:
        used = {s.scale_id for s in sections if s.scale_id}
        legends: dict[str, ScaleLegend] = {}
        for _section, criterion, scale in self.framework.walk():
            if scale is None or scale.id not in used or scale.id in legends:
                continue
            del criterion
            legends[scale.id] = scale_legend(scale)
        return tuple(legends.values())

    # ------------------------------------------------------------ lists

    def _actions(self, shown: set[str]) -> list[tuple[ActionRow, str | None]]:
        """The actions agreed at this visit, each with the criterion it is about."""
        rows = []
        for action in self.content.actions:
            keep, section_id = self._section_for(action.criterion_id, shown)
            if not keep:
                continue
            rows.append(
                (
                    ActionRow(
                        text=action.text,
                        owner=action.owner,
                        due=action.due,
                        priority_label=action.priority.label,
                        section_id=section_id,
                    ),
                    action.criterion_id,
                )
            )
        return rows

    def _follow_ups(self, shown: set[str]) -> list[tuple[FollowUpRow, str | None]]:
        """How earlier visits' actions stood, each with the criterion the action is about."""
        follow_ups = self.content.follow_ups
        if not follow_ups:
            return []
        actions = self.content.followed
        latest = {f.action_id: f for f in sorted(follow_ups, key=lambda f: f.recorded_at)}
        rows = []
        for action_id, follow_up in latest.items():
            action = actions.get(action_id)
            if action is None:
                continue
            rows.append(
                (
                    FollowUpRow(
                        action_text=action.text,
                        agreed_on=action.created_at.date(),
                        outcome_label=follow_up.outcome.label,
                        outcome_colour=_OUTCOME_COLOURS[follow_up.outcome],
                        evidence=follow_up.evidence,
                    ),
                    action.criterion_id,
                )
            )
        return rows

    def _appendix_notes(self, shown: set[str]) -> tuple[EvidenceNoteEntry, ...]:
        entries = []
        labels = {t.key: t.label for t in self.framework.evidence.tags}
        for note in self.notes:
            keep, section_id = self._note_section(note, shown)
            if not keep:
                continue
            entries.append(
                EvidenceNoteEntry(
                    captured_at=note.captured_at,
                    author=self._name(note.author_id),
                    text=note.text,
                    tags=tuple((labels.get(k, k), v) for k, v in sorted(note.tags.items())),
                    section_id=section_id,
                )
            )
        return tuple(entries)

    def _photos(self, shown: set[str]) -> tuple[Photo, ...]:
        photos = []
        for attachment, data in self.content.photos:
            notes = [n for n in self.notes if attachment.id in n.attachment_ids]
            keep, section_id = True, None
            caption = attachment.filename
            if notes:
                keep, section_id = self._note_section(notes[0], shown)
                caption = f"{attachment.filename}: {notes[0].text}"
            if not keep:
                continue
            photos.append(
                Photo(
                    caption=caption,
                    data=data,
                    section_id=section_id,
                )
            )
        return tuple(photos)

    # ------------------------------------------------------------ small parts

    def _section_for(self, criterion_id: str | None, shown: set[str]) -> tuple[bool, str | None]:
        """Whether an item about a criterion is shown at all, and the report section it
        follows (``None``: shown wherever the review is)."""
        if criterion_id is None:
            return True, None
        section_id = self.part_of_criterion.get(criterion_id)
        if section_id is None:
            try:
                self.framework.criterion(criterion_id)
            except KeyError:
                return True, None  # a criterion the framework does not have
            return False, None  # hidden by a condition, or withheld from this reader
        return True, (section_id if section_id in shown else None)

    def _note_section(self, note: EvidenceNote, shown: set[str]) -> tuple[bool, str | None]:
        if not note.criterion_ids:
            return True, None
        return self._section_for(note.criterion_ids[0], shown)

    def _note_text(self, note: EvidenceNote) -> str:
        labels = {t.key: t.label for t in self.framework.evidence.tags}
        tags = ", ".join(f"{labels.get(k, k)}: {v}" for k, v in sorted(note.tags.items()))
        return f"{note.text} ({tags})" if tags else note.text

    def _name(self, person_id: str) -> str:
        person = self.people.get(person_id)
        return person.name if person else "A former member of the trust"


def scale_legend(scale: RatingScale) -> ScaleLegend:
    """A rating scale as the report's key shows it."""
    return ScaleLegend(
        scale_id=scale.id,
        title=scale.title,
        levels=tuple(Rating(level.key, level.label, level.colour) for level in scale.levels),
        not_an_ofsted_grade=scale.not_an_ofsted_grade,
        note=scale.note,
    )


def sign_off_slots(
    framework: Framework, visit: Visit, people: Mapping[str, Person]
) -> tuple[SignOffSlot, ...]:
    """One slot per required signer in the framework's order (``who: each``: everyone on the
    team with the role, in team order; with ``order: any_order`` they share a step, so they may
    sign in any order among themselves). A required step nobody on the team can take is an
    error naming the role."""
    slots: list[SignOffSlot] = []
    for step in framework.sign_off:
        holders = [r for r in visit.reviewers if r.role is step.role]
        if step.who == "one":
            holders = holders[:1]
        if not holders:
            if step.required:
                raise ValidationError(
                    f"Nobody on this visit's team is the {step.role.label.lower()}, who must "
                    f"sign the {framework.title.lower()} as {step.label.lower()}.",
                    hint="Add them to the visit team before making the report.",
                )
            continue
        shared = step.order == "any_order" and len(holders) > 1
        first = len(slots) + 1
        for holder in holders:
            person = people.get(holder.person_id)
            if person is None:
                raise ValidationError("Someone on the visit team is not on this computer.")
            slots.append(
                SignOffSlot(len(slots) + 1, step.label, person.name, step=first if shared else 0)
            )
    return tuple(slots)


def format_value(spec: FieldSpec, value: JSONValue) -> str:
    """An answer as a reader sees it: choice labels, Yes/No, dates in words, table rows."""
    options = {o.key: o.label for o in spec.options}
    if spec.kind == "choice":
        return options.get(str(value), str(value))
    if spec.kind == "multi_choice" and isinstance(value, list):
        return ", ".join(options.get(str(v), str(v)) for v in value)
    if spec.kind == "yes_no":
        return "Yes" if value is True else "No" if value is False else str(value)
    if spec.kind == "date" and isinstance(value, str):
        return _date_words(value)
    if isinstance(value, list) and spec.kind == "table":
        return _table_text(spec, value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _table_text(spec: FieldSpec, rows: Iterable[JSONValue]) -> str:
    lines = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        cells = []
        for column in spec.columns:
            cell = row.get(column.id)
            if _blank(cell):
                continue
            if column.kind == "choice":
                cell = {o.key: o.label for o in column.options}.get(str(cell), str(cell))
            elif column.kind == "yes_no":
                cell = "Yes" if cell is True else "No"
            elif column.kind == "date" and isinstance(cell, str):
                cell = _date_words(cell)
            cells.append(f"{column.label} {cell}" if column.kind == "yes_no" else str(cell))
        if cells:
            lines.append(" · ".join(cells))
    return "\n" + "\n".join(lines) if lines else "none recorded"


def _date_words(value: str) -> str:
    try:
        return f"{date.fromisoformat(value):%-d %B %Y}"
    except ValueError:
        return value


def _field_role(field_id: str) -> str:
    if any(word in field_id for word in _STRENGTH_WORDS):
        return "strengths"
    if any(word in field_id for word in _DEVELOPMENT_WORDS):
        return "development"
    return "narrative"


def _lines(value: JSONValue) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if not _blank(v)]
    return [line.strip() for line in str(value).splitlines() if line.strip()]


def _blank(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}
