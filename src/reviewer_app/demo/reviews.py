"""Review content for the demo trust: a few visits filled in as reviewers would fill them.

St Aidan's CE Primary School's signed two-day peer review, safeguarding audit and learning walk,
and Riverside All-Through Academy's learning walk waiting for signatures, carry judgements (the
team's proposals and the lead's agreed view), answers, tagged evidence notes and next steps, and
each later visit follows up the earlier visits' actions. Other schools' visits are left empty for
trying the editor out. Everything is invented. Written in one transaction through the
repositories, as if pulled from the trust server (nothing is queued).
"""

from __future__ import annotations

import json
import logging
import random
from datetime import date, datetime, time, timedelta

from reviewer_app.domain.frameworks import FieldSpec, Framework, FrameworkLibrary, visibility
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Role
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
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.visit_repository import VisitRepository

log = logging.getLogger(__name__)

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
}


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
#: The criterion each demo action is about.
_ACTION_CRITERIA: dict[str, str] = {
    "Record the annual review of filtering and monitoring": "fm-review",
    "Hold written agency confirmation for supply staff": "third-parties",
}


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


class _Writer:
    """Writes one visit's review through the repositories, on one device clock."""

    def __init__(
        self,
        session: object,
        visit: Visit,
        framework: Framework,
        day: date,
        facts: dict[str, bool | str],
    ) -> None:
        self.facts = facts
        # Demo content stands for work already on the trust server: nothing is queued for sync.
        self.reviews = ReviewRepository(session, record_ops=False)  # type: ignore[arg-type]
        self.evidence = EvidenceRepository(session, record_ops=False)  # type: ignore[arg-type]
        self.actions = ActionRepository(session, record_ops=False)  # type: ignore[arg-type]
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
        self.reviews.add_review(self.review, snapshot)

    def tick(self, minutes: int = 3) -> datetime:
        self.clock += timedelta(minutes=minutes)
        return self.clock

    def fill(self, rng: random.Random, *, complete: bool) -> list[Action]:
        framework, lead = self.framework, self.visit.lead.person_id
        team = [r.person_id for r in self.visit.reviewers]
        answers: dict[str, JSONValue] = {}
        if framework.id == "learning-walk":
            answers["focus-strands"] = ["climate", "adaptive-and-responsive"]
        if complete:
            answers.update(_ANSWERS.get(framework.id, {}))
        for stored_id, spec in framework.all_fields():
            if stored_id in answers or not (spec.required or complete):
                continue
            if "." in stored_id and not spec.required:
                continue
            answers[stored_id] = _value_for(spec, rng, self.day)
        if not complete:
            answers = dict(list(answers.items())[:4])
        for stored_id, value in answers.items():
            if value is not None:
                self.reviews.set_field(self.review.id, stored_id, value, lead, self.tick(1))
        shown = visibility(framework, answers, self.facts, set(Role))
        rated = [
            (section, criterion, scale)
            for section, criterion, scale in framework.walk()
            if scale is not None and criterion.id in shown.criteria and not criterion.visible_to
        ]
        if not complete:
            rated = rated[:3]
        chosen = _AGREED.get(framework.id, {})
        for _section, criterion, scale in rated:
            ranked = scale.ranked_levels
            # Second best on a graded scale; the better of two on a met / not met scale.
            agreed = ranked[-2].key if len(ranked) > 2 else ranked[-1].key
            agreed = chosen.get(criterion.id, chosen.get("*", agreed))
            for person in team:
                level = rng.choice(ranked[-2:])
                self._judge(criterion.id, person, level.key, agreed=False)
            self._judge(criterion.id, lead, agreed, agreed=True)
        criteria = [c.id for _s, c, _sc in rated] or [c.id for c in framework.criteria()]
        for n, line in enumerate(_NOTES.get(framework.id, ())):
            text, _sep, _tokens = line.partition(" #")
            self.evidence.add_note(
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
        actions = []
        if complete:
            for text, owner, priority in _ACTIONS.get(framework.id, ()):
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
                self.actions.add_action(action)
                actions.append(action)
        return actions

    def _judge(self, criterion_id: str, person: str, level: str, *, agreed: bool) -> None:
        self.reviews.add_judgement(
            Judgement(
                new_id(), self.review.id, criterion_id, person, level, self.tick(1), agreed=agreed
            )
        )

    def follow_up(self, action: Action, outcome: FollowUpOutcome, evidence: str) -> None:
        self.actions.add_follow_up(
            ActionFollowUp(
                new_id(), action.id, self.review.id, outcome, evidence,
                self.visit.lead.person_id, self.tick(),
            )
        )  # fmt: skip

    def set_state(self, state: ReviewState) -> None:
        self.reviews.set_state(self.review.id, state, self.tick())


def _tags(framework: Framework, line: str) -> dict[str, str]:
    from reviewer_app.domain.quick_capture import CaptureVocabulary, parse_capture

    parsed = parse_capture(line, CaptureVocabulary.for_framework(framework))
    return dict(parsed.tags)


def seed_demo_reviews(store: Store, library: FrameworkLibrary) -> int:
    """Fill the demo visits described above; returns how many reviews were written."""
    rng = random.Random(2026)  # noqa: S311 - invented demo data, not security
    written = 0
    with store.writing() as session:
        organisation = OrganisationRepository(session)
        visits_repo = VisitRepository(session)
        schools = {s.name: s for s in organisation.list_schools("")}
        reviews = ReviewRepository(session)

        def visits(school: str, framework_id: str) -> list[Visit]:
            found = visits_repo.visits_for_school(schools[school].id)
            return sorted(
                (v for v in found if v.framework_id == framework_id), key=lambda v: v.start
            )

        open_actions: list[Action] = []
        plan = (
            ("St Aidan's CE Primary School", "two-day-peer-review", 0, True),
            # The latest audit (index -1): the one before it is from the year before last.
            ("St Aidan's CE Primary School", "safeguarding-audit", -1, True),
            ("St Aidan's CE Primary School", "learning-walk", 0, True),
            ("St Aidan's CE Primary School", "learning-walk", 1, False),
            # Filled in and waiting for its reviewers' signatures (index -1: the latest walk).
            ("Riverside All-Through Academy", "learning-walk", -1, False),
        )
        for school, framework_id, index, signed in plan:
            candidates = visits(school, framework_id)
            if not -len(candidates) <= index < len(candidates):
                continue
            visit = candidates[index]
            if reviews.reviews_for_visit(visit.id):
                continue
            writer = _Writer(
                session, visit, library.latest(framework_id), visit.start, schools[school].facts()
            )
            complete = signed or visit.status is VisitStatus.READY_FOR_SIGN_OFF
            actions = writer.fill(rng, complete=complete)
            # Each visit follows up the school's earlier open actions: the first met, the
            # rest partly met, so later visits still see those.
            featured = visit.school_id == schools["St Aidan's CE Primary School"].id
            for number, action in enumerate(list(open_actions) if featured else []):
                if number == 0:
                    writer.follow_up(action, FollowUpOutcome.MET, "Seen in place at this visit.")
                    open_actions.remove(action)
                else:
                    writer.follow_up(
                        action, FollowUpOutcome.PARTLY_MET, "Started; not yet in every class."
                    )
            if featured:
                open_actions.extend(actions)
            if signed:
                writer.set_state(ReviewState.SIGNED)
            elif complete:
                writer.set_state(ReviewState.READY_FOR_SIGN_OFF)
            written += 1
    log.info("demo reviews seeded (%d)", written)
    return written
