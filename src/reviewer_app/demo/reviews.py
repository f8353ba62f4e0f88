"""Review content for the demo trust: every visit marked signed is filled in as reviewers fill
one in, and signed.

Every signed visit (and Riverside's learning walk waiting for its signatures) has a complete
review: every criterion its framework shows is judged (each reviewer's proposal and the lead's
agreed view), every required answer given, evidence notes, next steps, and each visit follows up
the school's actions still open from its earlier visits (met, partly met or not met), as the
editor's ready-for-sign-off check asks. Levels follow each school's tier (``DEMO_TIERS``) with a
seeded drift, so the school journeys move and the demo is the same every time it is seeded.
Safeguarding audits tell one consistent story each: at schools needing support the filtering and
monitoring review is not recorded and an agency worker's confirmation is missing (those criteria
partly met, each with its action, the single central record sample showing the one gap it
counts, "Actions required"); elsewhere every criterion is met and the statement is "No concerns
identified". Visits in progress are left empty for trying the editor out. Everything is
invented.

Storage-free, so the laptop's demo store and the trust server's demo write the same reviews:
:func:`write_school_reviews` hands each record to a :class:`ReviewSink`; the laptop's writes
through its repositories, as if pulled from the trust server (``demo/store_reviews.py``), the
server's into its sync tables as a push stores them (``server/demo_history.py``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Protocol

from reviewer_app.demo.trust_data import DEMO_SUGGESTED, DEMO_TIERS
from reviewer_app.domain.frameworks import FieldSpec, Framework, FrameworkLibrary, visibility
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Role, School
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    EvidenceNote,
    FollowUpOutcome,
    JSONValue,
    Judgement,
    Priority,
    Review,
    ReviewState,
)
from reviewer_app.domain.visits import Visit, VisitStatus

_NOTES: dict[str, tuple[str, ...]] = {
    "learning-walk": (
        "Pupils settle within a minute; the do-now task is on the board #y5 #maths #room:5",
        "Teacher narrates the routine for handing out books; no time lost #y3 #english",
        "Two pupils with SEND use a word bank and join the whole-class discussion #y4 #send",
        "Pupils can say what they learned last lesson and how today builds on it #y6 #science",
        "Mini-whiteboards used by every pupil; misconception picked up and retaught #y2 #maths",
        "Transitions between tasks calm and quick; seating planned #reception #phonics",
    ),
    "safeguarding-audit": (
        "Visitors signed in, badges issued and the safeguarding leaflet given #site #site-walk",
        "Filtering reports reviewed termly by the DSL; the annual review is not yet recorded "
        "#online #document",
        "Staff asked could name the DSL and deputies and the reporting route #training #staff",
        "CP files kept apart from the pupil file; transfer log complete #records #document",
        "Single central record sample: one agency worker has no written confirmation of checks "
        "#safer #document",
    ),
    "two-day-peer-review": (
        "SENCO tracks every pupil on the register; plans reviewed each half term #day-1 #inclusion",
        "Year 6 pupils explain their reasoning using the sentence stems #day-1 #curriculum",
        "Lunchtime calm; older pupils lead games on the field #day-2 #attendance",
        "Governors' minutes challenge attendance of disadvantaged pupils #day-2 #leadership",
        "Pupils read fluently to the reviewer; books matched to their phonics #day-1 #achievement",
    ),
}

_NOTES.update(
    {
        "health-check": (
            "Leaders' self-evaluation matches what was seen in the three lessons visited",
            "Attendance of disadvantaged pupils reviewed weekly; first signs of improvement",
            "Governors' minutes show challenge on the improvement plan's priorities",
        ),
        "improvement-partner-visit": (
            "Head teacher's data return on time; Year 6 reading forecast above last year",
            "Staffing settled since September; one vacancy covered by the trust's maths lead",
            "Self-evaluation grades agreed with the head teacher after the joint walk",
        ),
        "half-termly-core-visit": (
            "Development plan milestones reviewed with the head teacher; two on track, one behind",
            "Joint learning walk in Key Stage 2 focused on reading fluency",
            "Single central record sample checked with the business manager",
        ),
        "book-look": (
            "Books show the sequence of the unit; prior learning revisited at the start",
            "Feedback acted on in most books; less so in Year 4",
            "Presentation consistent; pupils take pride in their work",
        ),
        "send-review": (
            "Provision map current; every pupil with an EHCP has a named key adult",
            "Annual reviews held on time this term; two from last year were late",
            "Pupils with SEND interviewed could say how they are helped in lessons",
        ),
    }
)

_ACTIONS: dict[str, tuple[tuple[str, str, Priority], ...]] = {
    "learning-walk": (
        ("Share the Year 5 do-now routine with the maths team", "Maths lead", Priority.HIGH),
        ("Plan word banks for pupils with SEND in science", "SENCO", Priority.MEDIUM),
    ),
    "safeguarding-audit": (
        ("Record the annual review of filtering and monitoring", "DSL", Priority.HIGH),
        ("Hold written agency confirmation for supply staff", "Business manager", Priority.HIGH),
    ),
    "two-day-peer-review": (
        ("Share the SEND tracking approach with partner schools", "SENCO", Priority.LOW),
        ("Extend reading-fluency checks to Year 7 transition", "English lead", Priority.MEDIUM),
    ),
    "health-check": (
        ("Target persistent absence of disadvantaged pupils", "Attendance lead", Priority.HIGH),
        ("Governors to scrutinise the pupil premium strategy", "Chair of governors",
         Priority.MEDIUM),
    ),
    "improvement-partner-visit": (
        ("Bring the self-evaluation up to date before the spring visit", "Head teacher",
         Priority.MEDIUM),
        ("Send the autumn data return by the trust's deadline", "Deputy head", Priority.LOW),
    ),
    "half-termly-core-visit": (
        ("Bring the improvement plan's reading milestone back on track", "English lead",
         Priority.HIGH),
        ("Publish the updated SEND information report on the website", "SENCO", Priority.LOW),
    ),
    "book-look": (
        ("Make sure feedback is acted on in every Year 4 book", "Year 4 team", Priority.MEDIUM),
    ),
    "send-review": (
        ("Bring every annual review of an EHCP within the statutory timescale", "SENCO",
         Priority.HIGH),
    ),
}  # fmt: skip
#: The next step of an audit with no concerns (kept short: it is good practice, not a gap).
_AUDIT_NO_CONCERNS_ACTION = (
    "Present the annual safeguarding report to governors in the spring term",
    "DSL",
    Priority.LOW,
)


#: Where the demo's answers say something particular (the rest come from :func:`_value_for`).
#: The safeguarding audit tells one story: the filtering and monitoring review is not recorded,
#: and an agency worker's written confirmation of checks is missing (a gap in the SCR sample,
#: and agency confirmations partly held): those criteria are partly met, each with an action,
#: so the overall statement is "Actions required".
_SCR_ROW: dict[str, JSONValue] = {
    "row-ref": "R7", "category": "employed", "checks-dated": True, "checks-before-start": True,
    "right-to-work-follow-up": "not-applicable", "overseas-checks": "not-applicable",
    "agency-confirmation": "not-applicable", "section-128": "not-applicable",
}  # fmt: skip
_ANSWERS: dict[str, dict[str, JSONValue]] = {
    "safeguarding-audit": {
        "overall": "actions-required",
        "scr-complete.records-sampled": 8,
        "scr-complete.records-with-gaps": 1,
        "scr-complete.sample": [
            _SCR_ROW,
            {
                **_SCR_ROW,
                "row-ref": "R12",
                "category": "supply-agency",
                "agency-confirmation": "missing",
            },
        ],
    },
}
#: Agreed levels by framework and criterion ("*": every other criterion).
_AGREED: dict[str, dict[str, str]] = {
    "safeguarding-audit": {
        "*": "met",
        "fm-review": "partially_met",
        "scr-complete": "partially_met",
        "third-parties": "partially_met",
    },
}
#: Northfield's peer review found gaps in the single central record for agency staff: the
#: reviewers' view of safeguarding there is "not met" (escalated the same day), so the trust's
#: overview has a safeguarding concern in its history.
_SCHOOL_AGREED: dict[tuple[str, str], dict[str, str]] = {
    ("144871", "two-day-peer-review"): {"safeguarding": "not_met"},
}
#: The criterion each demo action is about.
_ACTION_CRITERIA: dict[str, str] = {
    "Record the annual review of filtering and monitoring": "fm-review",
    "Hold written agency confirmation for supply staff": "third-parties",
    _AUDIT_NO_CONCERNS_ACTION[0]: "governor-reports",
    "Target persistent absence of disadvantaged pupils": "attendance-and-behaviour",
    "Governors to scrutinise the pupil premium strategy": "leadership-and-governance",
    "Share the SEND tracking approach with partner schools": "inclusion",
    "Extend reading-fluency checks to Year 7 transition": "achievement",
    "Bring the self-evaluation up to date before the spring visit": "self-evaluation-accuracy",
    "Send the autumn data return by the trust's deadline": "data-return",
    "Bring the improvement plan's reading milestone back on track": "development-plan-impact",
    "Make sure feedback is acted on in every Year 4 book": "feedback-policy",
    "Bring every annual review of an EHCP within the statutory timescale": "annual-reviews",
}
#: The audit of a school with no concerns: every criterion met, a sample without gaps.
_AUDIT_CLEAR: dict[str, JSONValue] = {
    "overall": "no-concerns",
    "scr-complete.records-sampled": 8,
    "scr-complete.records-with-gaps": 0,
    "scr-complete.sample": [_SCR_ROW, {**_SCR_ROW, "row-ref": "R12"}],
}
#: Where a school stands, 0 (urgent improvement) to 4 (exceptional), by tier.
_TIER_RANK = {"lead": 3, "grow": 2, "reinvent": 1, "stabilise": 0}
#: Scales on which the demo's reviews agree "met" (they are checks, not grades), unless the
#: audit's story says otherwise.
_CHECK_SCALES = frozenset({"compliance-check", "safeguarding-met"})


def _value_for(spec: FieldSpec, rng: random.Random, day: date) -> JSONValue:
    kind = spec.kind
    if kind in ("choice", "multi_choice"):
        key = spec.options[0].key if kind == "choice" else None
        return key if key is not None else [spec.options[0].key, spec.options[-1].key]
    if kind == "yes_no":
        return True
    if kind == "count":
        return rng.randrange(3, 12)
    if kind == "date":
        return day.isoformat()
    if kind == "time":
        return "10:30"
    if kind in ("row_reference", "row_references"):
        return "R12" if kind == "row_reference" else ["R4", "R12"]
    if kind == "table":
        row: dict[str, JSONValue] = {}
        defaults: dict[str, JSONValue] = {
            "date": day.isoformat(),
            "time": "09:00",
            "yes_no": True,
            "count": 1,
            "row_reference": "R7",
        }
        for column in spec.columns:
            if column.kind == "choice":
                row[column.id] = column.options[0].key
            else:
                row[column.id] = defaults.get(column.kind, "Meeting with leaders")
        return [row]
    return _demo_text(spec)


# What a reviewer would write in the demo's free-text answers, by field id (exact, then ending).
_TEXT_BY_ID: dict[str, str] = {
    "enquiry-question": "How consistently do pupils use subject vocabulary in their extended "
    "writing across Key Stage 2?",
    "desk-top-analysis": "Reading outcomes at the end of Key Stage 2 have been above national for "
    "two years; persistent absence of disadvantaged pupils is four points above the trust average.",
    "enquiry-answer": "In most classes, yes: vocabulary is taught explicitly and pupils use it in "
    "their writing. It is less secure in Year 3 and in foundation subjects.",
    "review-summary": "A calm, purposeful school where leaders' work on reading is paying off. "
    "The next step is to make adaptations for pupils with SEND as consistent as the routines.",
    "subject": "Mathematics",
    "year-group": "Year 5",
    "year-groups": "Years 4 to 6",
    "key-stages": "Key Stages 1 and 2",
    "school-priority": "Reading fluency in Key Stage 2",
    "accompanying-leader": "Deputy headteacher",
    "audit-team": "Trust safeguarding lead with the school's DSL",
    "senco-role": "SENCO (holds the NASENCO award)",
    "subject-leader-role": "Maths lead (two years in post)",
    "commissioned-expert": "Trust English lead",
    "survey-round": "Autumn survey",
    "escalated-role": "Trust safeguarding lead",
}
_TEXT_BY_ENDING: tuple[tuple[str, str], ...] = (
    (
        "strengths",
        "Consistent routines in every room visited; leaders know where practice is "
        "strongest and use it to coach others.",
    ),
    (
        "strengths-seen",
        "Pupils explained their reasoning using the vocabulary on the working wall.",
    ),
    (
        "even-better-if",
        "Adaptations for pupils with SEND are planned but not yet seen "
        "consistently in foundation subjects.",
    ),
    (
        "areas-for-development",
        "Make the checking of pupils' understanding as consistent in "
        "foundation subjects as it is in English and maths.",
    ),
    ("priorities", "Finish the filtering and monitoring review and share it with governors."),
    ("development-points", "Feedback is not yet acted on consistently in Year 4 books."),
)


def _demo_text(spec: FieldSpec) -> str:
    if spec.id in _TEXT_BY_ID:
        return _TEXT_BY_ID[spec.id]
    for ending, text in _TEXT_BY_ENDING:
        if spec.id.endswith(ending):
            return text
    if spec.kind == "text":
        return "Discussed with leaders"
    return "Discussed with leaders during the visit; examples are in the evidence notes."


class ReviewSink(Protocol):
    """Where the demo's review records go, one by one, in the order a laptop makes them."""

    def start(self, review: Review, framework_snapshot: str, author_id: str) -> None: ...

    def set_field(
        self, review_id: str, field_id: str, value: JSONValue, author_id: str, at: datetime
    ) -> None: ...

    def judgement(self, judgement: Judgement) -> None: ...

    def note(self, note: EvidenceNote) -> None: ...

    def action(self, action: Action) -> None: ...

    def follow_up(self, follow_up: ActionFollowUp) -> None: ...

    def set_state(
        self, review_id: str, state: ReviewState, author_id: str, at: datetime
    ) -> None: ...


class _Writer:
    """Writes one visit's review into a sink, on one device clock."""

    def __init__(
        self,
        sink: ReviewSink,
        visit: Visit,
        framework: Framework,
        day: date,
        facts: dict[str, bool | str],
    ) -> None:
        self.facts = facts
        self.sink = sink
        self.visit = visit
        self.framework = framework
        self.clock = datetime.combine(day, time(9, 5)).astimezone()
        self.day = day
        self.review = Review(
            id=new_id(),
            visit_id=visit.id,
            framework_id=framework.id,
            framework_version=framework.version,
            framework_hash=framework.content_hash,
            created_at=self.tick(),
        )
        snapshot = json.dumps(framework.to_snapshot(), ensure_ascii=False)
        sink.start(self.review, snapshot, visit.lead.person_id)

    def tick(self, minutes: int = 3) -> datetime:
        self.clock += timedelta(minutes=minutes)
        return self.clock

    def fill(self, rng: random.Random, standing: _Standing) -> list[Action]:
        """Answer, judge, note and agree next steps: a complete review."""
        framework, lead = self.framework, self.visit.lead.person_id
        team = [r.person_id for r in self.visit.reviewers]
        answers: dict[str, JSONValue] = {}
        if framework.id == "learning-walk":
            answers["focus-strands"] = ["climate", "adaptive-and-responsive"]
        if framework.id == "two-day-peer-review":
            # Shared with the trust, so the console's oversight reaches its report too.
            answers["report-sharing"] = "school-and-trust"
        if framework.id == "health-check":
            answers["current-tier"] = standing.tier
        audit = framework.id == "safeguarding-audit"
        if audit:
            answers.update(_ANSWERS[framework.id] if standing.concerns else _AUDIT_CLEAR)
        for stored_id, spec in framework.all_fields():
            if stored_id in answers or ("." in stored_id and not spec.required):
                continue
            answers[stored_id] = _value_for(spec, rng, self.day)
        for stored_id, value in answers.items():
            if value is not None:
                self.sink.set_field(self.review.id, stored_id, value, lead, self.tick(1))
        shown = visibility(framework, answers, self.facts, set(Role))
        rated = [
            (criterion, scale)
            for _section, criterion, scale in framework.walk()
            # Parts only safeguarding roles see are left to them (this laptop's person is not
            # one), as a lead without that role leaves them.
            if scale is not None and criterion.id in shown.criteria and not criterion.visible_to
        ]
        chosen = _AGREED["safeguarding-audit"] if audit and standing.concerns else {}
        chosen = {**chosen, **_SCHOOL_AGREED.get((standing.urn, framework.id), {})}
        for criterion, scale in rated:
            ranked = scale.ranked_levels
            if criterion.id in chosen or scale.id in _CHECK_SCALES:
                agreed = chosen.get(criterion.id, chosen.get("*", ranked[-1].key))
            else:
                agreed = ranked[standing.level_on(len(ranked), criterion.id, rng)].key
            keys = [level.key for level in ranked]
            at = keys.index(agreed)
            for person in team if standing.proposals else ():
                # Each reviewer proposes the agreed level or one next to it.
                near = keys[max(0, at - 1) : at + 2]
                self._judge(criterion.id, person, rng.choice(near), agreed=False)
            self._judge(criterion.id, lead, agreed, agreed=True)
        criteria = [c.id for c, _sc in rated] or [c.id for c in framework.criteria()]
        for n, line in enumerate(_NOTES.get(framework.id, ())):
            text, _sep, _tokens = line.partition(" #")
            self.sink.note(
                EvidenceNote(
                    id=new_id(),
                    review_id=self.review.id,
                    author_id=team[n % len(team)],
                    text=text,
                    captured_at=self.tick(7),
                    criterion_ids=(criteria[n % len(criteria)],),
                    tags=_tags(framework, line),
                )
            )
        planned = _ACTIONS.get(framework.id, ())
        if audit and not standing.concerns:
            planned = (_AUDIT_NO_CONCERNS_ACTION,)
        actions = []
        for text, owner, priority in planned:
            action = Action(
                id=new_id(),
                review_id=self.review.id,
                school_id=self.visit.school_id,
                text=text,
                owner=owner,
                due=self.day + timedelta(days=42),
                priority=priority,
                created_by=lead,
                created_at=self.tick(),
                criterion_id=_ACTION_CRITERIA.get(text),
            )
            self.sink.action(action)
            actions.append(action)
        return actions

    def _judge(self, criterion_id: str, person: str, level: str, *, agreed: bool) -> None:
        self.sink.judgement(
            Judgement(
                new_id(), self.review.id, criterion_id, person, level, self.tick(1), agreed=agreed
            )
        )

    def follow_up(self, action: Action, outcome: FollowUpOutcome, evidence: str) -> None:
        self.sink.follow_up(
            ActionFollowUp(
                new_id(), action.id, self.review.id, outcome, evidence,
                self.visit.lead.person_id, self.tick(),
            )
        )  # fmt: skip

    def set_state(self, state: ReviewState) -> None:
        self.sink.set_state(self.review.id, state, self.visit.lead.person_id, self.tick())


def _tags(framework: Framework, line: str) -> dict[str, str]:
    from reviewer_app.domain.quick_capture import CaptureVocabulary, parse_capture

    parsed = parse_capture(line, CaptureVocabulary.for_framework(framework))
    return dict(parsed.tags)


class _Standing:
    """Where a school stands at one visit: its tier, and a level (0-4) per area that drifts
    towards what its tier implies from one visit to the next."""

    def __init__(self, urn: str, tier: str, rng: random.Random) -> None:
        self.urn = urn
        self.tier = tier
        self.concerns = False
        #: Whether the team's own proposals are written beside the agreed view: at the featured
        #: school and on a review waiting for signatures (the agreed view is what the record
        #: of a signed review needs; every proposal too made the demo's first start slow).
        self.proposals = False
        self.areas: dict[str, int] = {}
        self._rng = rng

    def move_to(self, tier: str) -> None:
        """A new visit: each area moves a step at most, staying within the two levels its tier
        implies, so the scheme's suggestion on the reviews agrees with the tier the trust gave
        the school (a change of tier moves the areas the next visits)."""
        self.tier = tier
        low = _TIER_RANK[tier]
        for key, rank in self.areas.items():
            if rank < low or rank > low + 1:
                self.areas[key] = rank + (1 if rank < low else -1)
            else:
                self.areas[key] = max(low, min(low + 1, rank + self._rng.choice((-1, 0, 1))))
        self.concerns = low <= 1

    def rank(self, criterion_id: str, rng: random.Random) -> int:
        """The area's level (0-4): on the five-point scale as it is."""
        if criterion_id not in self.areas:
            self.areas[criterion_id] = _TIER_RANK[self.tier] + rng.choice((0, 1))
        return self.areas[criterion_id]

    def level_on(self, scale_levels: int, criterion_id: str, rng: random.Random) -> int:
        """The index of the agreed level on a scale of ``scale_levels`` ranked levels: the
        area's level on the five-point scale; on shorter scales (confirmed, seen, on track),
        the top for a school at the expected standard or above, one below for one that needs
        attention, the bottom for urgent improvement."""
        rank = self.rank(criterion_id, rng)
        top = scale_levels - 1
        if scale_levels == 5:
            return rank
        return max(0, min(top, top - max(0, 2 - rank)))


def _tier_on(urn: str, day: date, today: date) -> str:
    """The school's tier on ``day``: the newest agreed by then, else the first it had."""
    tiers = DEMO_TIERS.get(urn, ())
    found = None
    for days_ago, tier, _who, _why in tiers:
        if found is None or today - timedelta(days=days_ago) <= day:
            found = tier or DEMO_SUGGESTED
    return found or DEMO_SUGGESTED


#: St Aidan's safeguarding audits tell the story of the filtering review and the agency
#: confirmation (the desktop's featured school), whatever its tier.
_FEATURED = "142663"
_AUDIT = "safeguarding-audit"
_AUDIT_PENDING = (
    FollowUpOutcome.PARTLY_MET,
    "Started; the trust's safeguarding lead checks it at the next audit.",
)
_FILLED = frozenset({VisitStatus.SIGNED, VisitStatus.READY_FOR_SIGN_OFF})
_OUTCOMES = (
    (FollowUpOutcome.MET, "Seen in place at this visit."),
    (FollowUpOutcome.MET, "Done, and leaders have checked it is working."),
    (FollowUpOutcome.PARTLY_MET, "Started; not yet in every class."),
    (FollowUpOutcome.NOT_MET, "Not started; leaders have a new plan and date."),
)


def write_school_reviews(
    sink: ReviewSink,
    library: FrameworkLibrary,
    school: School,
    visits: Iterable[Visit],
    today: date,
    reviewed: frozenset[str] = frozenset(),
) -> int:
    """Fill the school's signed visits (and those ready for sign-off), oldest first, each
    following up the actions still open from the visits before it, except the visits whose ids
    are ``reviewed`` (they have a review already); returns how many reviews were written."""
    rng = random.Random(int(school.urn))  # noqa: S311 - invented demo data, not security
    ordered = sorted(visits, key=lambda v: (v.start, v.id))
    first = _tier_on(school.urn, ordered[0].start, today) if ordered else "grow"
    standing = _Standing(school.urn, first, rng)
    open_actions: list[Action] = []
    #: Actions of a safeguarding audit: only the next audit checks them done.
    audit_actions: set[str] = set()
    written = 0
    for visit in ordered:
        if visit.status not in _FILLED or visit.id in reviewed:
            continue
        standing.move_to(_tier_on(school.urn, visit.start, today))
        standing.concerns = standing.concerns or school.urn == _FEATURED
        standing.proposals = (
            school.urn == _FEATURED or visit.status is VisitStatus.READY_FOR_SIGN_OFF
        )
        writer = _Writer(
            sink, visit, library.latest(visit.framework_id), visit.start, school.facts()
        )
        actions = writer.fill(rng, standing)
        # The school's earlier open actions, followed up at this visit.
        for action in list(open_actions):
            outcome, evidence = rng.choice(_OUTCOMES)
            if action.id in audit_actions and visit.framework_id != _AUDIT:
                outcome, evidence = _AUDIT_PENDING
            writer.follow_up(action, outcome, evidence)
            if outcome is FollowUpOutcome.MET:
                open_actions.remove(action)
        open_actions.extend(actions)
        if visit.framework_id == _AUDIT:
            audit_actions.update(a.id for a in actions)
        writer.set_state(
            ReviewState.SIGNED
            if visit.status is VisitStatus.SIGNED
            else ReviewState.READY_FOR_SIGN_OFF
        )
        written += 1
    return written
