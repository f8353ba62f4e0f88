"""The demo trust's history on the server: what its laptops would have synced over a year and a
half, so the console's oversight pages (issue 17) show something real.

For every past visit of the demo schools that judges the evaluation areas (health checks, the
two-day peer review), audits safeguarding or reviews SEND, the server holds the review as a
laptop pushes it: the review's own record with its framework text, the lead reviewer's agreed
judgements, evidence notes, the actions agreed and, at the school's next such visit, how each
earlier action stood (met, partly met, not met). The schools' tiers
(``trust_data.DEMO_TIERS``) are agreed categories on the server too.

Written straight into the sync tables in the shapes the push writes (records and the change
log, numbered per review), so a laptop enrolled on the demo server pulls the same history.
Levels follow each school's tier with a seeded random drift, so the demo is the same every time
it is seeded. Everything is invented.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session

from reviewer_app.demo.trust_data import DEMO_SUGGESTED, DEMO_TIERS
from reviewer_app.domain.canonical import canonical_json, sha256_hex
from reviewer_app.domain.frameworks import FrameworkLibrary
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person, Role, School
from reviewer_app.domain.visits import Visit, VisitStatus
from reviewer_app.server import models
from reviewer_app.server.database import EncodedJSON
from reviewer_app.server.trust_picture import AREA_COLUMNS
from reviewer_app.sync.protocol import payload_sha256

#: The four-tier scheme the demo trust uses, and each tier's usual area level (0-4).
DEMO_SCHEME = "school-improvement-tiers"
_TIER_RANK = {"lead": 3, "grow": 2, "reinvent": 1, "stabilise": 1}
_FIVE_POINT = ("urgent_improvement", "needs_attention", "expected_standard", "strong_standard",
               "exceptional")  # fmt: skip
_SEND = ("emerging", "developing", "established", "enhanced")
#: The frameworks whose reviews the server's demo holds.
_JUDGING = ("health-check", "two-day-peer-review", "safeguarding-audit", "send-review")
_AUDIT_CRITERIA = ("dsl-senior", "culture", "cp-policy", "staff-training", "filtering-training")
_SEND_CRITERIA = ("senco", "early-identification", "adaptive-teaching", "annual-reviews")
#: A device id for the change log: the demo's history came from no real laptop.
_DEVICE = "demo-history"

# Next steps a visit agrees, by framework: (text, owner, priority, criterion or None).
_ACTIONS: dict[str, tuple[tuple[str, str, str, str | None], ...]] = {
    "health-check": (
        ("Target persistent absence of disadvantaged pupils in Years 7-9", "Attendance lead",
         "high", "attendance-and-behaviour"),
        ("Re-sequence the science curriculum so practical work builds year on year",
         "Curriculum deputy", "medium", "curriculum-and-teaching"),
        ("Governors to scrutinise the pupil premium strategy at the spring meeting",
         "Chair of governors", "medium", "leadership-and-governance"),
        ("Extend reading-fluency checks to every pupil below the expected standard",
         "English lead", "high", "achievement"),
    ),
    "two-day-peer-review": (
        ("Share the SEND tracking approach with partner schools", "SENCO", "low", "inclusion"),
        ("Plan the personal development programme across all year groups", "Deputy head",
         "medium", "personal-development-and-wellbeing"),
        ("Check that adaptive teaching reaches pupils with SEND in every subject",
         "SENCO", "high", "inclusion"),
    ),
    "safeguarding-audit": (
        ("Record the annual review of filtering and monitoring", "DSL", "high",
         "filtering-training"),
        ("Hold written agency confirmation for supply staff", "Business manager", "high",
         "cp-policy"),
    ),
    "send-review": (
        ("Bring every annual review of an EHCP within the statutory timescale", "SENCO", "high",
         "annual-reviews"),
    ),
}  # fmt: skip

_RATIONALE = {
    0: "Serious weaknesses seen across the sample; leaders have not yet acted.",
    1: "Improving, but inconsistent across classes and subjects.",
    2: "Consistent practice seen across the school; leaders know what to do next.",
    3: "Strong, consistent practice; leaders' evaluation is accurate.",
    4: "Among the best seen; worth sharing across the trust.",
}
_NOTES = (
    "Pupils settle quickly; routines are clear and consistent",
    "Leaders' monitoring records match what was seen in lessons",
    "Work in books shows the sequence of the curriculum",
)


class _ReviewWriter:
    """Records of one review, numbered as the push numbers them, with their change log."""

    def __init__(self, session: Session, review: models.Review) -> None:
        self.session = session
        self.review = review
        self.seq = 0

    def append(
        self, entity: str, entity_id: str, author_id: str, at: datetime, payload: Any
    ) -> None:
        self.seq += 1
        op_id = str(uuid.uuid4())
        encoded = canonical_json(payload)
        self.session.add(
            models.ChangeLog(
                review_id=self.review.id,
                server_seq=self.seq,
                kind="append",
                entity=entity,
                entity_id=entity_id,
                op_id=op_id,
                author_id=author_id,
                device_id=_DEVICE,
                device_time=at,
                payload=EncodedJSON(encoded.decode("utf-8")),
            )
        )
        self.session.add(
            models.Record(
                review_id=self.review.id,
                entity=entity,
                entity_id=entity_id,
                author_id=author_id,
                op_id=op_id,
                payload_sha256=sha256_hex(encoded),
                payload=EncodedJSON(encoded.decode("utf-8")),
                server_seq=self.seq,
            )
        )

    def finish(self) -> None:
        self.review.last_seq = self.seq
        self.session.add(self.review)


def seed_demo_history(
    session: Session,
    library: FrameworkLibrary,
    schools: dict[str, School],
    people: dict[str, Person],
    visits: Iterable[Visit],
    today: date,
) -> int:
    """Write the demo's reviews and categories; returns how many reviews were written."""
    by_school: dict[str, list[Visit]] = {}
    for visit in visits:
        happened = visit.status is VisitStatus.SIGNED and visit.planned_end < today
        if happened and visit.framework_id in _JUDGING:
            by_school.setdefault(visit.school_id, []).append(visit)
    written = 0
    for school in schools.values():
        rng = random.Random(int(school.urn))  # noqa: S311 - invented demo data
        tiers = DEMO_TIERS.get(school.urn, ())
        tier = (tiers[0][1] if tiers else None) or DEMO_SUGGESTED
        ranks = {c.key: _clamp(_TIER_RANK[tier] + rng.choice((-1, 0, 0, 1))) for c in AREA_COLUMNS}
        open_actions: list[tuple[str, date]] = []  # (action id, the day it was agreed)
        for visit in sorted(by_school.get(school.id, []), key=lambda v: v.planned_start):
            # Later tiers set the direction the school moves in.
            tier = _tier_on(tiers, today, visit.planned_end) or tier
            target = _TIER_RANK[tier]
            for key, rank in ranks.items():
                step = rng.choice((-1, 0, 0, 1))
                ranks[key] = _clamp(
                    rank + step + (1 if rank < target else -1 if rank > target + 1 else 0)
                )
            open_actions = _write_review(
                session, library, school, people, visit, ranks, rng, open_actions
            )
            written += 1
        _write_categories(session, library, school, people, today)
    return written


def _clamp(rank: int) -> int:
    return max(0, min(4, rank))


def _tier_on(
    tiers: tuple[tuple[int, str | None, str, str], ...], today: date, day: date
) -> str | None:
    found = None
    for days_ago, tier, _who, _why in tiers:
        if today - timedelta(days=days_ago) <= day + timedelta(days=60):
            found = tier or DEMO_SUGGESTED
    return found


def _write_review(
    session: Session,
    library: FrameworkLibrary,
    school: School,
    people: dict[str, Person],
    visit: Visit,
    ranks: dict[str, int],
    rng: random.Random,
    open_actions: list[tuple[str, date]],
) -> list[tuple[str, date]]:
    framework = library.latest(visit.framework_id)
    lead = next(
        (r.person_id for r in visit.reviewers if r.role is Role.LEAD_REVIEWER),
        visit.reviewers[0].person_id,
    )
    started = datetime.combine(visit.planned_start, time(8, 40), tzinfo=UTC)
    review = models.Review(
        id=new_id(),
        visit_id=visit.id,
        framework_id=framework.id,
        framework_version=framework.version,
        framework_hash=framework.content_hash,
        created_by=lead,
    )
    session.add(review)
    session.flush()
    writer = _ReviewWriter(session, review)
    writer.append(
        "review",
        review.id,
        lead,
        started,
        {
            "review": {
                "id": review.id,
                "visit_id": visit.id,
                "framework_id": framework.id,
                "framework_version": framework.version,
                "framework_hash": framework.content_hash,
                "created_at": started.isoformat(),
            },
            "framework_snapshot": json.dumps(framework.to_snapshot(), ensure_ascii=False),
        },
    )
    tick = [started]

    def at() -> datetime:
        tick[0] += timedelta(minutes=7)
        return tick[0]

    judged: list[tuple[str, str, str]] = []  # criterion, level, rationale
    if visit.framework_id in ("health-check", "two-day-peer-review"):
        for column in AREA_COLUMNS:
            rank = ranks[column.key]
            judged.append((column.key, _FIVE_POINT[rank], _RATIONALE[rank]))
        concern = school.urn == "144871" and visit.framework_id == "two-day-peer-review"
        judged.append(
            (
                "safeguarding",
                "not_met" if concern else "met",
                "The single central record had gaps for agency staff; escalated the same day."
                if concern
                else "An open culture of vigilance; records and training are in order.",
            )
        )
    elif visit.framework_id == "safeguarding-audit":
        for criterion in _AUDIT_CRITERIA:
            level = "met" if rng.random() < 0.75 else "partially_met"
            judged.append((criterion, level, "Checked against the school's records on the day."))
    elif visit.framework_id == "send-review":
        for criterion in _SEND_CRITERIA:
            rank = max(0, min(3, ranks["inclusion"] - 1 + rng.choice((0, 0, 1))))
            judged.append((criterion, _SEND[rank], "Seen in the case sample and provision map."))
    for criterion, level, rationale in judged:
        judgement_id = new_id()
        writer.append(
            "judgement",
            judgement_id,
            lead,
            started,
            {
                "id": judgement_id,
                "review_id": review.id,
                "criterion_id": criterion,
                "author_id": lead,
                "level_key": level,
                "created_at": at().isoformat(),
                "rationale": rationale,
                "agreed": True,
            },
        )
    for text, (criterion, _level, _why) in zip(_NOTES, judged, strict=False):
        note_id = new_id()
        writer.append(
            "evidence_note",
            note_id,
            lead,
            started,
            {
                "id": note_id,
                "review_id": review.id,
                "author_id": lead,
                "text": text,
                "captured_at": at().isoformat(),
                "criterion_ids": [criterion],
                "tags": {},
                "attachment_ids": [],
                "pupil_refs": [],
                "supersedes": None,
                "retracted": False,
            },
        )
    # How the school's earlier actions stood at this visit.
    still_open: list[tuple[str, date]] = []
    for action_id, agreed in open_actions:
        if agreed >= visit.planned_start:  # agreed at a visit the same day: not yet due a check
            still_open.append((action_id, agreed))
            continue
        outcome = rng.choice(("met", "met", "partly_met", "not_met"))
        follow_id = new_id()
        writer.append(
            "action_follow_up",
            follow_id,
            lead,
            started,
            {
                "id": follow_id,
                "action_id": action_id,
                "review_id": review.id,
                "outcome": outcome,
                "evidence": {
                    "met": "Seen in place at this visit.",
                    "partly_met": "Started; not yet in every class.",
                    "not_met": "Not started; leaders have a new plan and date.",
                }[outcome],
                "author_id": lead,
                "recorded_at": at().isoformat(),
            },
        )
        if outcome != "met":
            still_open.append((action_id, agreed))
    options = _ACTIONS.get(visit.framework_id, ())
    for text, owner, priority, about in rng.sample(options, k=min(2, len(options))):
        action_id = new_id()
        weeks = rng.choice((4, 6, 8, 12))
        writer.append(
            "action",
            action_id,
            lead,
            started,
            {
                "id": action_id,
                "review_id": review.id,
                "school_id": school.id,
                "text": text,
                "owner": owner,
                "due": (visit.planned_end + timedelta(weeks=weeks)).isoformat(),
                "priority": priority,
                "created_by": lead,
                "created_at": at().isoformat(),
                "criterion_id": about,
                "retracted": False,
            },
        )
        still_open.append((action_id, visit.planned_end))
    writer.finish()
    return still_open


def _write_categories(
    session: Session,
    library: FrameworkLibrary,
    school: School,
    people: dict[str, Person],
    today: date,
) -> None:
    scheme = library.scheme(DEMO_SCHEME)
    by_email = {p.email.split("@")[0]: p for p in people.values()}
    for seq, (days_ago, tier, who, rationale) in enumerate(DEMO_TIERS.get(school.urn, ()), 1):
        level = scheme.level(tier or DEMO_SUGGESTED)
        agreed_on = today - timedelta(days=days_ago)
        person = by_email[who]
        category_id = new_id()
        payload: dict[str, Any] = {
            "id": category_id,
            "school_id": school.id,
            "scheme_id": scheme.id,
            "scheme_version": scheme.version,
            "level_key": level.key,
            "level_label": level.label,
            "agreed_on": agreed_on.isoformat(),
            "agreed_by": person.id,
            "rationale": rationale,
            "recorded_at": datetime.combine(agreed_on, time(16, 30), tzinfo=UTC).isoformat(),
            "suggested_level_key": level.key if tier is None else None,
            "suggestion": "",
            "based_on": [],
        }
        session.add(
            models.SchoolCategory(
                school_id=school.id,
                server_seq=seq,
                id=category_id,
                op_id=str(uuid.uuid4()),
                author_id=person.id,
                device_id=_DEVICE,
                payload_sha256=payload_sha256(payload),
                payload=payload,
                stored_at=datetime.combine(agreed_on, time(16, 30), tzinfo=UTC),
            )
        )
