"""Reviews as JSON bundles: backup, and moving work between machines without a network.

A bundle is one UTF-8 JSON file::

    {"format": "reviewer-bundle", "version": 1, "exported_at": ..., "exported_by": person id,
     "trust": {...}, "schools": [...], "people": [...],
     "reviews": [{"review": {...}, "framework_snapshot": "...", "visit": {...},
                  "records": {"evidence_note": [...], "attachment": [...], "judgement": [...],
                              "action": [...], "action_follow_up": [...]},
                  "fields": [{..., "server_version": n}],
                  "operations": [unsent outbox operations with their op ids]}],
     "blobs": {"<sha256>": "<base64>"},
     "signed_reports": []}

Importing is idempotent: records are added once by id, files once by content hash, and unsent
operations keep their op ids, so the server applies each exactly once whichever laptop sends it.
Operations are queued again only when the bundle was exported by the person using this laptop
(the server refuses one reviewer's operations from another reviewer's laptop); someone else's
records are imported for reading and reach the trust from their own laptop.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from reviewer_app.domain.canonical import canonical_text, sha256_hex, to_json_value
from reviewer_app.domain.errors import NotFoundError, ReviewerError, ValidationError
from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.review import Review, ReviewState
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.services.sync_apply import ChangeApplier
from reviewer_app.services.sync_records import (
    action_from_json,
    attachment_from_json,
    follow_up_from_json,
    judgement_from_json,
    note_from_json,
)
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.blobs import get_blob, has_blob, put_blob
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.outbox import OpState
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.tables import FieldValueRow, OutboxRow, ReviewRow
from reviewer_app.storage.visit_repository import VisitRepository

BUNDLE_FORMAT = "reviewer-bundle"
BUNDLE_VERSION = 1
_RECORD_KINDS = ("attachment", "evidence_note", "judgement", "action", "action_follow_up")


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import added (zero everywhere when the bundle was imported before)."""

    reviews: int
    records: int
    files: int
    queued: int
    not_queued: int


def export_bundle(store: Store, review_ids: list[str] | None = None) -> dict[str, Any]:
    """The bundle of the given reviews (every review on this laptop when ``None``)."""
    from reviewer_app.storage.local_settings import CURRENT_PERSON, CURRENT_TRUST, get_setting

    with store.reading() as session:
        ids = review_ids or list(session.exec(select(ReviewRow.id).order_by(col(ReviewRow.id))))
        organisation = OrganisationRepository(session)
        trust_id = get_setting(session, CURRENT_TRUST) or ""
        trust = organisation.get_trust(trust_id)
        reviews_out: list[dict[str, Any]] = []
        blobs: dict[str, bytes] = {}
        schools: dict[str, Any] = {}
        people: dict[str, Any] = {}
        for review_id in ids:
            entry = _export_review(session, review_id, blobs)
            visit = entry["visit"]
            school = organisation.get_school(visit["school_id"])
            if school is not None:
                schools[school.id] = to_json_value(school)
            for member in visit["reviewers"]:
                person = organisation.get_person(member["person_id"])
                if person is not None:
                    people[person.id] = to_json_value(person)
            reviews_out.append(entry)
        return {
            "format": BUNDLE_FORMAT,
            "version": BUNDLE_VERSION,
            "exported_at": datetime.now().astimezone().isoformat(),
            "exported_by": get_setting(session, CURRENT_PERSON),
            "trust": to_json_value(trust) if trust else None,
            "schools": list(schools.values()),
            "people": list(people.values()),
            "reviews": reviews_out,
            "blobs": {sha: base64.b64encode(data).decode("ascii") for sha, data in blobs.items()},
            "signed_reports": [],
        }


def _export_review(session: Session, review_id: str, blobs: dict[str, bytes]) -> dict[str, Any]:
    reviews = ReviewRepository(session, record_ops=False)
    review = reviews.get_review(review_id)
    if review is None:
        raise NotFoundError(f"There is no review with id {review_id} on this computer.")
    visit = VisitRepository(session).get_visit(review.visit_id)
    evidence = EvidenceRepository(session, record_ops=False)
    actions = ActionRepository(session, record_ops=False)
    attachments = evidence.attachments(review_id)
    for attachment in attachments:
        data = get_blob(session, attachment.sha256)
        if data is not None:
            blobs[attachment.sha256] = data
    fields = []
    for row in session.exec(select(FieldValueRow).where(FieldValueRow.review_id == review_id)):
        fields.append({
            "field_id": row.field_id, "value": json.loads(row.value), "version": row.version,
            "server_version": row.server_version, "author_id": row.author_id,
            "updated_at": row.updated_at,
        })  # fmt: skip
    operations = session.exec(
        select(OutboxRow)
        .where(OutboxRow.review_id == review_id, OutboxRow.state == OpState.PENDING.value)
        .order_by(col(OutboxRow.device_seq))
    ).all()
    return {
        "review": to_json_value(review),
        "framework_snapshot": reviews.framework_snapshot(review_id),
        "visit": to_json_value(visit),
        "records": {
            "attachment": [to_json_value(a) for a in attachments],
            "evidence_note": [to_json_value(n) for n in evidence.notes(review_id)],
            "judgement": [to_json_value(j) for j in reviews.judgements(review_id)],
            "action": [to_json_value(a) for a in actions.actions(review_id)],
            "action_follow_up": [to_json_value(f) for f in actions.follow_ups(review_id)],
        },
        "fields": fields,
        "operations": [
            {
                "op_id": op.op_id, "entity": op.entity, "entity_id": op.entity_id,
                "field": op.field, "kind": op.kind, "payload": op.payload,
                "base_version": op.base_version, "parent_op_id": op.parent_op_id,
                "device_time": op.device_time,
            }
            for op in operations
        ],
    }  # fmt: skip


def write_bundle(bundle: dict[str, Any], path: Path) -> None:
    """Write a bundle file (replacing ``path`` only once the whole file is written)."""
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        raise ReviewerError(
            f"The bundle could not be written to {path} ({exc.strerror}).",
            hint="Choose a folder you can write to, with enough free space.",
        ) from exc


def read_bundle(path: Path) -> dict[str, Any]:
    """Read and check a bundle file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReviewerError(f"The bundle {path} could not be read ({exc.strerror}).") from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path} is not a Reviewer bundle (it is not text).") from exc
    try:
        bundle = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{path} is not a Reviewer bundle: line {exc.lineno}, column {exc.colno} is not "
            f"valid JSON ({exc.msg}).",
            hint="Export the bundle again; the file may have been cut short.",
        ) from exc
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        raise ValidationError(f"{path} is not a Reviewer bundle.")
    if bundle.get("version") != BUNDLE_VERSION:
        raise ValidationError(
            f"The bundle {path} was written by another version of Reviewer "
            f"(bundle version {bundle.get('version')}).",
            hint="Update Reviewer on both computers, then export again.",
        )
    return bundle


def import_bundle(
    store: Store, lane: WriterLane, bundle: dict[str, Any], person_id: str
) -> ImportSummary:
    """Add a bundle's reviews, records and files to this store (one transaction)."""
    try:
        files = {
            sha: base64.b64decode(data, validate=True) for sha, data in bundle["blobs"].items()
        }
    except (binascii.Error, AttributeError, KeyError, TypeError) as exc:
        raise ValidationError("The bundle's attached files are damaged.") from exc
    for sha, data in files.items():
        if sha256_hex(data) != sha:
            raise ValidationError(f"An attached file in the bundle ({sha[:12]}…) is damaged.")
    own = bundle.get("exported_by") == person_id

    def write() -> ImportSummary:
        try:
            with store.writing() as session:
                return _import(session, bundle, files, own=own)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ReviewerError):
                raise
            raise ValidationError(
                f"The bundle is not complete or not consistent ({type(exc).__name__}: {exc}); "
                "nothing was imported.",
                hint="Export the bundle again.",
            ) from exc

    return lane.call(write)


def _import(
    session: Session, bundle: dict[str, Any], files: dict[str, bytes], *, own: bool
) -> ImportSummary:
    organisation = OrganisationRepository(session)
    trust = bundle.get("trust")
    if trust and organisation.get_trust(trust["id"]) is None:
        organisation.save_trust(Trust(id=trust["id"], name=trust["name"],
                                      profile_id=trust.get("profile_id", "generic")))  # fmt: skip
    for s in bundle["schools"]:
        if organisation.get_school(s["id"]) is None:
            organisation.save_school(School(
                id=s["id"], trust_id=s["trust_id"], urn=s["urn"], name=s["name"],
                phase=Phase(s["phase"]), local_authority=s.get("local_authority", ""),
                has_early_years=bool(s.get("has_early_years")),
                has_sixth_form=bool(s.get("has_sixth_form")),
            ))  # fmt: skip
    for p in bundle["people"]:
        if organisation.get_person(p["id"]) is None:
            roles = frozenset(Role(r) for r in p["roles"])
            organisation.save_person(
                Person(id=p["id"], trust_id=p["trust_id"], name=p["name"], email=p["email"],
                       roles=roles)
            )  # fmt: skip
    new_files = 0
    for data in files.values():
        if not has_blob(session, sha256_hex(data)):
            new_files += 1
        put_blob(session, data)
    reviews_added = records_added = queued = not_queued = 0
    for entry in bundle["reviews"]:
        reviews_added += _import_review_header(session, entry)
        review_id = entry["review"]["id"]
        applier = ChangeApplier(session, review_id)
        records_added += _import_records(applier, entry["records"])
        _import_fields(session, review_id, entry["fields"])
        for op in entry["operations"]:
            if session.get(OutboxRow, op["op_id"]) is not None:
                continue
            if not own:
                not_queued += 1
                continue
            highest = session.exec(select(func.max(OutboxRow.device_seq))).one() or 0
            session.add(OutboxRow(
                op_id=op["op_id"], device_seq=highest + 1, review_id=review_id,
                entity=op["entity"], entity_id=op["entity_id"], field=op["field"],
                kind=op["kind"], payload=op["payload"], base_version=op["base_version"],
                parent_op_id=op["parent_op_id"], device_time=op["device_time"],
                state=OpState.PENDING.value, attempts=0, last_error=None,
            ))  # fmt: skip
            session.flush()
            queued += 1
    return ImportSummary(reviews_added, records_added, new_files, queued, not_queued)


def _import_review_header(session: Session, entry: dict[str, Any]) -> int:
    v = entry["visit"]
    visits = VisitRepository(session)
    if visits.get_visit(v["id"]) is None:
        visits.save_visit(Visit(
            id=v["id"], school_id=v["school_id"], framework_id=v["framework_id"],
            planned_start=date.fromisoformat(v["planned_start"]),
            planned_end=date.fromisoformat(v["planned_end"]),
            reviewers=tuple(VisitReviewer(r["person_id"], Role(r["role"])) for r in v["reviewers"]),
            status=VisitStatus(v["status"]),
            actual_start=date.fromisoformat(v["actual_start"]) if v.get("actual_start") else None,
            actual_end=date.fromisoformat(v["actual_end"]) if v.get("actual_end") else None,
            title=v.get("title", ""), extra=dict(v.get("extra") or {}),
        ))  # fmt: skip
    r = entry["review"]
    reviews = ReviewRepository(session, record_ops=False)
    if reviews.get_review(r["id"]) is not None:
        return 0
    reviews.add_review(
        Review(
            id=r["id"], visit_id=r["visit_id"], framework_id=r["framework_id"],
            framework_version=r["framework_version"], framework_hash=r["framework_hash"],
            state=ReviewState(r["state"]),
            created_at=datetime.fromisoformat(r["created_at"]) if r.get("created_at") else None,
            amends=r.get("amends"), amendment_reason=r.get("amendment_reason", ""),
        ),
        entry["framework_snapshot"],
    )  # fmt: skip
    return 1


def _import_records(applier: ChangeApplier, records: dict[str, list[dict[str, Any]]]) -> int:
    added = 0
    evidence, actions, reviews = applier.evidence, applier.actions, applier.reviews
    for kind in _RECORD_KINDS:
        for payload in records.get(kind, []):
            if kind == "attachment":
                if evidence.get_attachment(payload["id"]) is None:
                    evidence.add_attachment(attachment_from_json(payload))
                    added += 1
            elif kind == "evidence_note":
                if evidence.get_note(payload["id"]) is None:
                    evidence.add_note(note_from_json(payload))
                    added += 1
            elif kind == "judgement":
                known = {j.id for j in reviews.judgements(payload["review_id"])}
                if payload["id"] not in known:
                    reviews.add_judgement(judgement_from_json(payload))
                    added += 1
            elif kind == "action":
                if actions.get_action(payload["id"]) is None:
                    actions.add_action(action_from_json(payload))
                    added += 1
            else:
                known = {f.id for f in actions.follow_ups(payload["review_id"])}
                if payload["id"] not in known:
                    actions.add_follow_up(follow_up_from_json(payload))
                    added += 1
    return added


def _import_fields(session: Session, review_id: str, fields: list[dict[str, Any]]) -> None:
    for f in fields:
        row = session.get(FieldValueRow, (review_id, f["field_id"]))
        if row is not None and row.version >= f["version"]:
            continue
        row = row or FieldValueRow(
            review_id=review_id, field_id=f["field_id"], value="", version=0, server_version=0,
            author_id="", updated_at="",
        )  # fmt: skip
        row.value = canonical_text(f["value"])
        row.version = f["version"]
        row.server_version = max(row.server_version, f["server_version"])
        row.author_id = f["author_id"]
        row.updated_at = f["updated_at"]
        session.add(row)
        session.flush()
