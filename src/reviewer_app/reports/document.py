"""The report view model: exactly what a PDF report shows, as plain frozen dataclasses.

The reports layer renders, signs and verifies from this model only; it never reads the store or
framework files. The services layer builds a :class:`ReportDraft` from a review (every section
carrying the audiences the framework lets see it) and asks it for one audience's
:class:`ReportDocument` with :meth:`ReportDraft.for_audience`. Filtering happens there, once, so a
restricted section (safeguarding detail, single central record findings) can never reach a
renderer for an audience that may not see it.

:meth:`ReportDocument.data_hash` is the SHA-256 of the document's canonical JSON: the footer of
every page prints it and the signed PDF carries it, which ties a signature to the exact data
rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from reviewer_app.domain.canonical import canonical_text, sha256_hex
from reviewer_app.domain.errors import ValidationError
from reviewer_app.domain.safeguarding_reports import BOARD_SAFEGUARDING_LINE, HELD_BACK_SUFFIX
from reviewer_app.domain.wording import mid_sentence

# ---------------------------------------------------------------- audiences

FULL_INTERNAL = "full_internal"
SCHOOL_FACING = "school_facing"
BOARD_SUMMARY = "board_summary"


#: Field metadata: leave the field out of the canonical JSON while it is empty (a field added
#: after reports were signed, so their data hashes stay as they were).
OMIT_WHEN_EMPTY = "omit_when_empty"


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a report is for, and how much of the review they may read.

    ``allows_restricted``: restricted sections (safeguarding detail, single central record
    findings) may appear. ``shows_evidence``: findings quote evidence excerpts.
    ``shows_appendix``: the appendix of evidence notes and photos appears.
    """

    key: str
    label: str
    allows_restricted: bool
    shows_evidence: bool = True
    shows_appendix: bool = True
    shows_follow_up: bool = True
    description: str = ""


#: The three audiences every framework may name (``report_audiences`` in a framework file).
STANDARD_AUDIENCES: Mapping[str, Audience] = {
    FULL_INTERNAL: Audience(
        FULL_INTERNAL,
        "Full internal report",
        allows_restricted=True,
        description="The complete record of the visit, including restricted safeguarding "
        "detail. Keep it within the trust's review and safeguarding teams.",
    ),
    SCHOOL_FACING: Audience(
        SCHOOL_FACING,
        "Report for the school",
        allows_restricted=False,
        description="Written for the headteacher, staff and governors of the school. "
        "Restricted safeguarding detail is held separately by the trust.",
    ),
    BOARD_SUMMARY: Audience(
        BOARD_SUMMARY,
        "Summary for the trust board",
        allows_restricted=False,
        shows_evidence=False,
        shows_appendix=False,
        shows_follow_up=True,
        description="Judgements, agreed actions and progress on earlier actions, for the "
        "trust board. The full report is available to the board on request.",
    ),
}


def audience_named(key: str) -> Audience:
    """The standard audience called ``key``; a :class:`ValidationError` names the known ones."""
    try:
        return STANDARD_AUDIENCES[key]
    except KeyError:
        known = ", ".join(STANDARD_AUDIENCES)
        raise ValidationError(
            f"There is no report audience called '{key}'.", hint=f"Choose one of: {known}."
        ) from None


# ---------------------------------------------------------------- building blocks


@dataclass(frozen=True, slots=True)
class Branding:
    """The trust's look: name, two colours (``#RRGGBB``) and an optional logo file (PNG/JPEG)."""

    trust_name: str
    primary_colour: str = "#1F3A5F"
    accent_colour: str = "#2E7D6B"
    logo_path: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewerEntry:
    """A reviewer named on the cover."""

    name: str
    role_label: str
    organisation: str = ""


@dataclass(frozen=True, slots=True)
class Rating:
    """A level of a rating scale as shown in a report: label and colour chip (``#RRGGBB``)."""

    key: str
    label: str
    colour: str


@dataclass(frozen=True, slots=True)
class ScaleLegend:
    """A rating scale's key, printed with the summary.

    ``not_an_ofsted_grade`` is the framework's flag that the scale records the reviewer's
    professional view; the report then prints ``note`` (or the standard sentence) beside it.
    """

    scale_id: str
    title: str
    levels: tuple[Rating, ...]
    not_an_ofsted_grade: bool = False
    note: str = ""

    @property
    def note_text(self) -> str:
        if self.note:
            return self.note
        if self.not_an_ofsted_grade:
            return (
                "These ratings are the reviewers' professional view for the school's own "
                "improvement work. They are not Ofsted grades and do not predict an inspection "
                "outcome."
            )
        return ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One criterion's findings: the prompt, the agreed rating, evidence and next steps."""

    criterion_id: str
    prompt: str
    rating: Rating | None = None
    evidence: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    development: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the report, from one framework section.

    ``audiences`` are the audience keys the framework lets see it; ``restricted`` marks
    safeguarding detail and single central record findings, shown only to audiences that allow
    restricted content whatever ``audiences`` says. ``summary_rating`` is the section's overall
    rating for the summary table (``None``: not rated as a whole).
    """

    section_id: str
    title: str
    findings: tuple[Finding, ...] = ()
    narrative: str = ""
    summary_rating: Rating | None = None
    scale_id: str = ""
    audiences: frozenset[str] = frozenset(STANDARD_AUDIENCES)
    restricted: bool = False
    strengths: tuple[str, ...] = ()
    development: tuple[str, ...] = ()
    strengths_label: str = "Strengths"
    development_label: str = "Areas for development"

    def visible_to(self, audience: Audience) -> bool:
        """Whether ``audience`` may read this section."""
        if self.restricted and not audience.allows_restricted:
            return False
        return audience.key in self.audiences


@dataclass(frozen=True, slots=True)
class ActionRow:
    """An action agreed at this visit. ``section_id`` ties it to a section's visibility."""

    text: str
    owner: str
    due: date | None
    priority_label: str
    section_id: str | None = None


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    """How an earlier visit's action stood at this visit."""

    action_text: str
    agreed_on: date | None
    outcome_label: str
    outcome_colour: str
    evidence: str
    section_id: str | None = None


@dataclass(frozen=True, slots=True)
class EvidenceNoteEntry:
    """An evidence note in the appendix (pupils appear only as pseudonymous references)."""

    captured_at: datetime
    author: str
    text: str
    tags: tuple[tuple[str, str], ...] = ()
    section_id: str | None = None


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo in the appendix: the image bytes (JPEG or PNG) and a caption."""

    caption: str
    data: bytes = field(repr=False)
    section_id: str | None = None


@dataclass(frozen=True, slots=True)
class SignOffSlot:
    """One required signature, from the framework's sign-off roles, in signing order.

    ``step``: slots sharing a step (the ``order`` of the first of them) may be signed in any
    order among themselves (a framework step with ``order: any_order``); 0, the default, is a
    step of its own. Left out of the canonical JSON while 0, so earlier reports keep their hash.
    """

    order: int
    role_label: str
    person_name: str
    step: int = field(default=0, metadata={OMIT_WHEN_EMPTY: True})

    @property
    def field_name(self) -> str:
        """The PDF signature field's name: stable, ASCII, and sorted by signing order."""
        return f"SignOff{self.order:02d}"

    @property
    def turn(self) -> int:
        """When this signature may be given: every slot of an earlier turn signs first."""
        return self.step or self.order


class _Turned(Protocol):
    @property
    def field_name(self) -> str: ...

    @property
    def turn(self) -> int: ...


_Slot = TypeVar("_Slot", bound=_Turned)


def next_to_sign(slots: Iterable[_Slot], signed: Container[str]) -> tuple[_Slot, ...]:
    """The slots that may be signed now (``signed``: the field names already signed): the
    unsigned ones of the earliest turn not complete. One slot, unless that turn's signers sign
    in any order among themselves; none when every slot is signed."""
    pending = [slot for slot in slots if slot.field_name not in signed]
    if not pending:
        return ()
    turn = min(slot.turn for slot in pending)
    return tuple(slot for slot in pending if slot.turn == turn)


def names_phrase(names: Sequence[str], joiner: str = "and") -> str:
    """ "Ann Lee", "Ann Lee and Bo Chan", "Ann Lee, Bo Chan and Cy Dee"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {joiner} {names[-1]}"


def who_signs(slots: Sequence[SignOffSlot]) -> str:
    """Who may sign now, as a sentence's subject: "Ann Lee (peer reviewer) signs", or "Ann Lee
    or Bo Chan (peer reviewers, in any order) sign" for signers sharing a turn."""
    role = mid_sentence(slots[0].role_label)
    if len(slots) == 1:
        return f"{slots[0].person_name} ({role}) signs"
    names = names_phrase([s.person_name for s in slots])
    return f"{names} ({role}s, in any order) sign"


def signed_too_early(slots: Iterable[_Slot], signed: Container[str]) -> _Slot | None:
    """An unsigned slot some signature was given before (a later turn signed), or ``None``."""
    listed = list(slots)
    latest = max((slot.turn for slot in listed if slot.field_name in signed), default=0)
    return next(
        (s for s in listed if s.field_name not in signed and s.turn < latest),
        None,
    )


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One section's line in the summary on the first page.

    ``rating`` is the section's agreed judgement as a whole; when it has none, ``counts`` gives
    how many criteria were agreed at each level (in the scale's order) and ``unrated`` how many
    criteria carry no agreed judgement yet, so nothing partly met or not met is hidden.
    """

    section: Section
    rating: Rating | None
    counts: tuple[tuple[Rating, int], ...] = ()
    unrated: int = 0


#: Suffix of the criterion id of a finding that only carries answers shown to fewer readers
#: (the services layer's "detail" findings): not a criterion, so never counted as unrated.
DETAIL_SUFFIX = ".detail"


# ---------------------------------------------------------------- the document


@dataclass(frozen=True, slots=True)
class ReportDocument:
    """Everything one audience's report shows, already filtered, ready to render and hash."""

    report_id: str
    audience: Audience
    branding: Branding
    school_name: str
    school_urn: str
    visit_kind_title: str
    visit_dates: tuple[date, ...]
    reviewers: tuple[ReviewerEntry, ...]
    framework_id: str
    framework_version: str
    framework_hash: str
    scales: tuple[ScaleLegend, ...] = ()
    sections: tuple[Section, ...] = ()
    actions: tuple[ActionRow, ...] = ()
    follow_ups: tuple[FollowUpRow, ...] = ()
    evidence_notes: tuple[EvidenceNoteEntry, ...] = ()
    photos: tuple[Photo, ...] = ()
    sign_off: tuple[SignOffSlot, ...] = ()
    focus: str = ""
    notices: tuple[str, ...] = ()
    #: Who may see the report and who chose it ("The school only, chosen by …"), on the cover.
    #: Left out of the canonical JSON while empty, so reports without one keep their hash.
    sharing: str = field(default="", metadata={OMIT_WHEN_EMPTY: True})
    #: What a board summary says in place of the safeguarding judgement it holds back
    #: (:mod:`reviewer_app.domain.safeguarding_reports`). Left out of the canonical JSON while
    #: empty, so every other report keeps its hash.
    safeguarding_line: str = field(default="", metadata={OMIT_WHEN_EMPTY: True})

    def __post_init__(self) -> None:
        orders = [slot.order for slot in self.sign_off]
        if len(set(orders)) != len(orders):
            raise ValidationError(
                f"Report {self.report_id} has two sign-off slots with the same order.",
                hint="Give each required signer a distinct place in the signing order.",
            )
        if not self.visit_dates:
            raise ValidationError(f"Report {self.report_id} has no visit date.")

    @property
    def summary(self) -> tuple[tuple[Section, Rating], ...]:
        """The summary of judgements: every shown section that has an overall rating."""
        return tuple((s, s.summary_rating) for s in self.sections if s.summary_rating is not None)

    @property
    def summary_rows(self) -> tuple[SummaryRow, ...]:
        """Every shown section with its judgement, or the count of criteria at each level."""
        order = {level.key: n for legend in self.scales for n, level in enumerate(legend.levels)}
        rows = []
        for section in self.sections:
            if section.summary_rating is not None:
                rows.append(SummaryRow(section, section.summary_rating))
                continue
            tally: dict[str, tuple[Rating, int]] = {}
            unrated = 0
            for finding in section.findings:
                if finding.rating is None:
                    unrated += not finding.criterion_id.endswith(DETAIL_SUFFIX)
                    continue
                rating, count = tally.get(finding.rating.key, (finding.rating, 0))
                tally[finding.rating.key] = (rating, count + 1)
            counts = sorted(tally.values(), key=lambda item: order.get(item[0].key, len(order)))
            rows.append(SummaryRow(section, None, tuple(counts), unrated))
        return tuple(rows)

    @property
    def signing_order(self) -> tuple[SignOffSlot, ...]:
        return tuple(sorted(self.sign_off, key=lambda slot: slot.order))

    def canonical_json(self) -> str:
        """The document as canonical JSON (sorted keys, no spaces); photos as their SHA-256."""
        return canonical_text(_plain(self))

    def data_hash(self) -> str:
        """SHA-256 (hex) of :meth:`canonical_json`: the hash printed in every footer."""
        return sha256_hex(self.canonical_json().encode("utf-8"))


def _plain(value: Any) -> Any:
    """Turn dataclasses, dates, bytes and sets into JSON values, deterministically."""
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in fields(value)
            if not (f.metadata.get(OMIT_WHEN_EMPTY) and not getattr(value, f.name))
        }
    if isinstance(value, bytes):
        return {"sha256": sha256_hex(value), "size": len(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- the draft


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """A review's whole report content before audience filtering.

    Build one per review (the services layer does, from the store and the framework), then call
    :meth:`for_audience` for each document to render. Actions, follow-ups, notes and photos that
    carry a ``section_id`` appear only where that section does.
    """

    report_id: str
    branding: Branding
    school_name: str
    school_urn: str
    visit_kind_title: str
    visit_dates: tuple[date, ...]
    reviewers: tuple[ReviewerEntry, ...]
    framework_id: str
    framework_version: str
    framework_hash: str
    scales: tuple[ScaleLegend, ...] = ()
    sections: tuple[Section, ...] = ()
    actions: tuple[ActionRow, ...] = ()
    follow_ups: tuple[FollowUpRow, ...] = ()
    evidence_notes: tuple[EvidenceNoteEntry, ...] = ()
    photos: tuple[Photo, ...] = ()
    sign_off: tuple[SignOffSlot, ...] = ()
    focus: str = ""
    notices: tuple[str, ...] = ()
    sharing: str = ""
    #: The criteria that judge safeguarding, when the framework has any: the board summary
    #: holds them back (with the sections that hold nothing else, and the actions and
    #: follow-ups about them, by position in ``actions`` and ``follow_ups``) and says
    #: :data:`BOARD_SAFEGUARDING_LINE` instead.
    safeguarding_criteria: frozenset[str] = frozenset()
    safeguarding_actions: frozenset[int] = frozenset()
    safeguarding_follow_ups: frozenset[int] = frozenset()

    def for_audience(self, audience: Audience | str) -> ReportDocument:
        """The document ``audience`` may read. The report id gains the audience as a suffix."""
        if isinstance(audience, str):
            audience = audience_named(audience)
        sections = tuple(s for s in self.sections if s.visible_to(audience))
        actions, follow_ups = self.actions, self.follow_ups
        report_id = f"{self.report_id}-{audience.key.replace('_', '-')}"
        line = ""
        if audience.key == BOARD_SUMMARY and self.safeguarding_criteria:
            sections = _without_criteria(sections, self.safeguarding_criteria)
            actions = _but(actions, self.safeguarding_actions)
            follow_ups = _but(follow_ups, self.safeguarding_follow_ups)
            report_id, line = f"{self.report_id}{HELD_BACK_SUFFIX}", BOARD_SAFEGUARDING_LINE
        shown = {s.section_id for s in sections}

        def allowed(section_id: str | None) -> bool:
            return section_id is None or section_id in shown

        if not audience.shows_evidence:
            sections = tuple(
                replace(s, findings=tuple(replace(f, evidence=()) for f in s.findings))
                for s in sections
            )
        used_scales = {s.scale_id for s in sections}
        return ReportDocument(
            report_id=report_id,
            audience=audience,
            branding=self.branding,
            school_name=self.school_name,
            school_urn=self.school_urn,
            visit_kind_title=self.visit_kind_title,
            visit_dates=self.visit_dates,
            reviewers=self.reviewers,
            framework_id=self.framework_id,
            framework_version=self.framework_version,
            framework_hash=self.framework_hash,
            scales=tuple(sc for sc in self.scales if sc.scale_id in used_scales),
            sections=sections,
            actions=_keep(actions, allowed),
            follow_ups=_keep(follow_ups, allowed) if audience.shows_follow_up else (),
            evidence_notes=_keep(self.evidence_notes, allowed) if audience.shows_appendix else (),
            photos=_keep(self.photos, allowed) if audience.shows_appendix else (),
            sign_off=self.sign_off,
            focus=self.focus,
            notices=self.notices,
            sharing=self.sharing,
            safeguarding_line=line,
        )


def _without_criteria(sections: Iterable[Section], criteria: frozenset[str]) -> tuple[Section, ...]:
    """``sections`` without the findings on ``criteria`` (and their detail), and without a
    section that held findings and none other, nor its further parts (ids ``<id>~<n>``): what
    it has left is about them."""
    kept, dropped = [], set()
    for section in sections:
        findings = tuple(
            f
            for f in section.findings
            if f.criterion_id.removesuffix(DETAIL_SUFFIX) not in criteria
        )
        if findings or not section.findings:
            kept.append(replace(section, findings=findings))
        else:
            dropped.add(section.section_id.split("~")[0])
    return tuple(s for s in kept if s.section_id.split("~")[0] not in dropped)


_Row = TypeVar("_Row", ActionRow, FollowUpRow)


def _but(items: tuple[_Row, ...], positions: frozenset[int]) -> tuple[_Row, ...]:
    return tuple(item for n, item in enumerate(items) if n not in positions)


_Item = TypeVar("_Item", ActionRow, FollowUpRow, EvidenceNoteEntry, Photo)


def _keep(items: Iterable[_Item], allowed: Callable[[str | None], bool]) -> tuple[_Item, ...]:
    return tuple(item for item in items if allowed(item.section_id))
