# Longer than 600 lines because export, import and their checks share one bundle format; apart they
# would repeat it.
"""Reviews as bundles: backup, and moving work between machines without a network.

A bundle is one UTF-8 JSON document::

    {"format": "reviewer-bundle", "version": 1, "exported_at": ..., "exported_by": person id,
     "trust": {...}, "trusts": [every trust of its schools], "schools": [...], "people": [...],
     "reviews": [{"review": {...}, "framework_snapshot": "...", "visit": {...},
                  "records": {"evidence_note": [...], "attachment": [...], "judgement": [...],
                              "action": [...], "action_follow_up": [...]},
                  "fields": [{..., "server_version": n}],
                  "operations": [unsent outbox operations with their op ids]}],
     "blobs": {"<sha256>": "<base64>"},
     "signed_reports": [{"id", "review_id", "report_id", "audience", "data_hash",
                         "signer_count", "required_count", "signer_name", "signed_at",
                         "pdf_sha256"}]}

Signed reports travel with their reviews (a restore keeps every signature): each version's PDF
is in ``blobs`` under its SHA-256. A version for an audience that shows restricted detail is left
out when its reader may not see all of the review's restricted parts, as PDF export refuses it.

Export follows the same rules as sync and PDF export
(:mod:`reviewer_app.services.local_visibility`): a review whose framework is for other roles is
left out, and within a review the restricted (safeguarding) records, fields, files and unsent
changes a reader may not see are withheld. The file is sealed
(:mod:`reviewer_app.sync.bundle_sealing`): encrypted with a passphrase or to the trust's key;
plaintext only for trust admins. Before anything is written, an imported bundle is checked
against :mod:`reviewer_app.services.bundle_schema`.

Importing is idempotent: records are added once by id, files once by content hash, and unsent
operations keep their op ids, so the server applies each exactly once whichever laptop sends it.
Operations are queued again only when the bundle was exported by the person using this laptop
(the server refuses one reviewer's operations from another reviewer's laptop), or when the bundle
restores a new, not yet enrolled store; someone else's records are imported for reading and
reach the trust from their own laptop.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from reviewer_app.domain.canonical import canonical_text, sha256_hex, to_json_value
from reviewer_app.domain.errors import (
    NotFoundError,
    PermissionDeniedError,
    ReviewerError,
    ValidationError,
)
from reviewer_app.domain.frameworks.framework import Framework
from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import Review, ReviewState
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.services.bundle_schema import MAX_BUNDLE_BYTES, checked_bundle, parse_bundle_text
from reviewer_app.services.local_visibility import LocalView, view_of
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
from reviewer_app.storage.signed_report_repository import (
    SignedReportRepository,
    SignedReportVersion,
)
from reviewer_app.storage.store import Store
from reviewer_app.storage.tables import FieldValueRow, OutboxRow, ReviewRow
from reviewer_app.storage.visit_repository import VisitRepository
from reviewer_app.sync.bundle_sealing import Sealing, is_sealed, seal, unseal

BUNDLE_FORMAT = "reviewer-bundle"
BUNDLE_VERSION = 1
#: The review records a bundle carries, in the order they are imported (the kinds of the one
#: vocabulary, :mod:`reviewer_app.domain.record_kinds`).
_RECORD_KINDS = (
    Entity.ATTACHMENT,
    Entity.EVIDENCE_NOTE,
    Entity.JUDGEMENT,
    Entity.ACTION,
    Entity.ACTION_FOLLOW_UP,
)


@dataclass(frozen=True, slots=True)
class ExportedBundle:
    """A bundle and what its author's roles kept out of it."""

    bundle: dict[str, Any]
    #: Reviews left out whole, in words ("St Aidan's: Safeguarding audit (safeguarding roles
    #: only)").
    left_out: tuple[str, ...] = ()
    #: Records, answers and unsent changes withheld from reviews that were exported.
    withheld: int = 0

    @property
    def review_ids(self) -> list[str]:
        return [entry["review"]["id"] for entry in self.bundle["reviews"]]


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import added (zero everywhere when the bundle was imported before)."""

    reviews: int
    records: int
    files: int
    queued: int
    not_queued: int
    signed_reports: int = 0


def export_bundle(
    store: Store, reader: Person, review_ids: list[str] | None = None
) -> ExportedBundle:
    """The bundle of the given reviews (every review on this laptop when ``None``) as ``reader``
    may carry it: reviews of frameworks for other roles left out (refused when named), restricted
    parts withheld."""
    from reviewer_app.storage.local_settings import CURRENT_TRUST, get_setting

    with store.reading() as session:
        named = bool(review_ids)
        ids = review_ids or list(session.exec(select(ReviewRow.id).order_by(col(ReviewRow.id))))
        organisation = OrganisationRepository(session)
        trust_id = get_setting(session, CURRENT_TRUST) or ""
        trust = organisation.get_trust(trust_id)
        reviews_out: list[dict[str, Any]] = []
        blobs: dict[str, bytes] = {}
        schools: dict[str, Any] = {}
        people: dict[str, Any] = {}
        trusts: dict[str, Any] = {trust.id: to_json_value(trust)} if trust else {}
        left_out: list[str] = []
        withheld = 0
        signed: list[dict[str, Any]] = []
        for review_id in ids:
            view = view_of(session, review_id, reader.roles)
            if not view.may_read:
                words = _review_words(session, review_id, view.framework_title)
                if named:
                    raise PermissionDeniedError(
                        f"{words} is for safeguarding roles only, so {reader.name} may not "
                        "export it.",
                        hint="Ask the school's designated safeguarding lead to export it.",
                    )
                left_out.append(words)
                continue
            entry, count = _export_review(session, review_id, blobs, view)
            withheld += count + _export_signed(session, review_id, view, blobs, signed)
            visit = entry["visit"]
            school = organisation.get_school(visit["school_id"])
            if school is not None:
                schools[school.id] = to_json_value(school)
                other = organisation.get_trust(school.trust_id)
                if other is not None:
                    trusts[other.id] = to_json_value(other)
            for member in visit["reviewers"]:
                person = organisation.get_person(member["person_id"])
                if person is not None:
                    people[person.id] = to_json_value(person)
            reviews_out.append(entry)
        people.setdefault(reader.id, to_json_value(reader))
        bundle = {
            "format": BUNDLE_FORMAT,
            "version": BUNDLE_VERSION,
            "exported_at": datetime.now().astimezone().isoformat(),
            "exported_by": reader.id,
            "trust": to_json_value(trust) if trust else None,
            "trusts": list(trusts.values()),
            "schools": list(schools.values()),
            "people": list(people.values()),
            "reviews": reviews_out,
            "blobs": {sha: base64.b64encode(data).decode("ascii") for sha, data in blobs.items()},
            "signed_reports": signed,
        }
        return ExportedBundle(bundle, tuple(left_out), withheld)


def _export_signed(
    session: Session,
    review_id: str,
    view: LocalView,
    blobs: dict[str, bytes],
    out: list[dict[str, Any]],
) -> int:
    """Add the review's signed report versions the reader may carry to ``out`` (their PDFs to
    ``blobs``); returns how many were withheld."""
    from reviewer_app.reports.document import STANDARD_AUDIENCES

    withheld = 0
    for version in SignedReportRepository(session).versions(review_id):
        audience = STANDARD_AUDIENCES.get(version.audience)
        restricted = audience is None or audience.allows_restricted
        if restricted and view.withholds_anything:
            withheld += 1
            continue
        sha = sha256_hex(version.pdf)
        blobs[sha] = version.pdf
        out.append({
            "id": version.id, "review_id": version.review_id, "report_id": version.report_id,
            "audience": version.audience, "data_hash": version.data_hash,
            "signer_count": version.signer_count, "required_count": version.required_count,
            "signer_name": version.signer_name, "signed_at": version.signed_at.isoformat(),
            "pdf_sha256": sha,
        })  # fmt: skip
    return withheld


def _review_words(session: Session, review_id: str, framework_title: str) -> str:
    """ "Ash Primary: Safeguarding audit" for a review (its id when its visit is unknown)."""
    review = ReviewRepository(session, record_ops=False).get_review(review_id)
    visit = VisitRepository(session).get_visit(review.visit_id) if review else None
    school = OrganisationRepository(session).get_school(visit.school_id) if visit else None
    if school is None:
        return f"Review {review_id} ({framework_title})"
    return f"{school.name}: {framework_title}"


def _export_review(
    session: Session, review_id: str, blobs: dict[str, bytes], view: LocalView
) -> tuple[dict[str, Any], int]:
    reviews = ReviewRepository(session, record_ops=False)
    review = reviews.get_review(review_id)
    if review is None:
        raise NotFoundError(f"There is no review with id {review_id} on this computer.")
    visit = VisitRepository(session).get_visit(review.visit_id)
    evidence = EvidenceRepository(session, record_ops=False)
    actions = ActionRepository(session, record_ops=False)
    withheld = 0

    def shown(entity: Entity, items: list[Any]) -> list[Any]:
        nonlocal withheld
        kept = [item for item in items if not view.hides(entity, item.id)]
        withheld += len(items) - len(kept)
        return kept

    attachments = shown(Entity.ATTACHMENT, evidence.attachments(review_id))
    for attachment in attachments:
        data = get_blob(session, attachment.sha256)
        if data is not None:
            blobs[attachment.sha256] = data
    fields = []
    for row in session.exec(select(FieldValueRow).where(FieldValueRow.review_id == review_id)):
        if view.hides_field(row.field_id):
            withheld += 1
            continue
        fields.append({
            "field_id": row.field_id, "value": json.loads(row.value), "version": row.version,
            "server_version": row.server_version, "author_id": row.author_id,
            "updated_at": row.updated_at,
        })  # fmt: skip
    operations = []
    for op in session.exec(
        select(OutboxRow)
        .where(OutboxRow.review_id == review_id, OutboxRow.state == OpState.PENDING.value)
        .order_by(col(OutboxRow.device_seq))
    ).all():
        if view.hides_operation(op.entity, op.entity_id, op.field):
            withheld += 1
            continue
        operations.append(op)
    notes = shown(Entity.EVIDENCE_NOTE, evidence.notes(review_id))
    judgements = shown(Entity.JUDGEMENT, reviews.judgements(review_id))
    next_steps = shown(Entity.ACTION, actions.actions(review_id))
    follow_ups = shown(Entity.ACTION_FOLLOW_UP, actions.follow_ups(review_id))
    entry = {
        "review": to_json_value(review),
        "framework_snapshot": reviews.framework_snapshot(review_id),
        "visit": to_json_value(visit),
        "records": {
            Entity.ATTACHMENT: [to_json_value(a) for a in attachments],
            Entity.EVIDENCE_NOTE: [to_json_value(n) for n in notes],
            Entity.JUDGEMENT: [to_json_value(j) for j in judgements],
            Entity.ACTION: [to_json_value(a) for a in next_steps],
            Entity.ACTION_FOLLOW_UP: [to_json_value(f) for f in follow_ups],
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
    return entry, withheld


def write_bundle(bundle: dict[str, Any], path: Path, sealing: Sealing | None) -> None:
    """Write a bundle file, sealed as ``sealing`` says (plaintext JSON when ``None``), replacing
    ``path`` only once the whole file is written. A full disk or a folder that cannot be written
    is a sentence, and leaves no partial file behind."""
    text = json.dumps(bundle, ensure_ascii=False, indent=None if sealing else 1)
    data = text.encode("utf-8")
    if sealing is not None:
        data = seal(data, sealing)
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ReviewerError(
            f"The bundle could not be written to {path} ({exc.strerror or exc}).",
            hint="Choose a folder you can write to, with enough free space.",
        ) from exc


def read_bundle(
    path: Path, *, passphrase: str | None = None, identities: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Read, open (when sealed) and check a bundle file. Raises
    :class:`~reviewer_app.sync.bundle_sealing.BundleLockedError` when it is sealed and the key
    given does not open it."""
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise ValidationError(
                f"{path} is larger than any Reviewer bundle ({size // (1024 * 1024)} MB), so it "
                "was not read.",
                hint="Export fewer reviews at a time.",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ReviewerError(
            f"The bundle {path} could not be read ({exc.strerror or exc}).",
            hint="Check the file name, and that you may read the file.",
        ) from exc
    if is_sealed(data):
        data = unseal(data, path.name, passphrase=passphrase, identities=identities)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{path} is not a Reviewer bundle (it is not text, nor an encrypted bundle)."
        ) from exc
    return parse_bundle_text(text, str(path))


def bundle_is_sealed(path: Path) -> bool:
    """Whether the file at ``path`` is an encrypted bundle (False when it cannot be read)."""
    try:
        with path.open("rb") as file:
            return is_sealed(file.read(64))
    except OSError:
        return False


def import_bundle(
    store: Store, lane: WriterLane, bundle: dict[str, Any], person: Person, *, restore: bool = False
) -> ImportSummary:
    """Add a bundle's reviews, records and files to this store (one transaction), after checking
    the whole bundle (:func:`~reviewer_app.services.bundle_schema.checked_bundle`) and the
    importer's roles: a review of a framework for other roles is refused, as PDF export and sync
    refuse it.

    ``restore``: this store is new (not yet enrolled) and takes the bundle's author as the person
    using it, so the changes never sent are queued again (a restore after a lost or broken
    laptop)."""
    part = checked_bundle(bundle, "The bundle")
    files: dict[str, bytes] = {}
    for sha, text in part.blobs.items():
        try:
            data = base64.b64decode(text, validate=True)
        except binascii.Error as exc:
            raise ValidationError(
                f"An attached file in the bundle ({sha[:12]}…) is damaged."
            ) from exc
        if sha256_hex(data) != sha:
            raise ValidationError(f"An attached file in the bundle ({sha[:12]}…) is damaged.")
        files[sha] = data
    author = bundle.get("exported_by")
    if restore and not any(p.id == author for p in part.people):
        raise ValidationError(
            "The bundle does not say who exported it, so it cannot restore their unsent work.",
            hint="Import it into a laptop enrolled for that person instead.",
        )
    own = restore or author == person.id

    def write() -> ImportSummary:
        try:
            with store.writing() as session:
                importer = _adopt_author(session, bundle) if restore else person
                _refuse_unreadable(session, bundle, importer)
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


def _adopt_author(session: Session, bundle: dict[str, Any]) -> Person:
    """Make the bundle's author the person using this new store (a restore)."""
    from reviewer_app.storage.local_settings import CURRENT_PERSON, CURRENT_TRUST, set_setting

    _save_organisation(session, bundle)
    organisation = OrganisationRepository(session)
    author = organisation.get_person(str(bundle["exported_by"]))
    if author is None:  # pragma: no cover - checked before the transaction
        raise ValidationError("The bundle's author is not in the bundle.")
    set_setting(session, CURRENT_TRUST, author.trust_id)
    set_setting(session, CURRENT_PERSON, author.id)
    return author


def _refuse_unreadable(session: Session, bundle: dict[str, Any], person: Person) -> None:
    """Refuse the whole import when the bundle holds a review the importer may not read."""
    for entry in bundle["reviews"]:
        if not entry["framework_snapshot"].strip():
            continue  # not frozen yet: its records came under the server's rules
        framework = Framework.from_snapshot(json.loads(entry["framework_snapshot"]))
        if not framework.may_be_seen_by(person.roles):
            raise PermissionDeniedError(
                f"The bundle holds a {framework.title} review, which is for safeguarding roles "
                f"only, so {person.name} may not import it. Nothing was imported.",
                hint="Ask the school's designated safeguarding lead to import it.",
            )


def _save_organisation(session: Session, bundle: dict[str, Any]) -> None:
    """The bundle's trusts, schools and people this store lacks."""
    organisation = OrganisationRepository(session)
    trusts = list(bundle.get("trusts") or [])
    if bundle.get("trust"):
        trusts.append(bundle["trust"])
    for trust in trusts:
        if organisation.get_trust(trust["id"]) is None:
            profile = trust.get("profile_id", "generic")
            organisation.save_trust(Trust(id=trust["id"], name=trust["name"], profile_id=profile))
    for s in bundle["schools"]:
        if organisation.get_trust(s["trust_id"]) is None:
            raise ValidationError(
                f"The bundle holds {s['name']} but not its trust; nothing was imported.",
                hint="Export the bundle again with this version of Reviewer.",
            )
        if organisation.get_school(s["id"]) is None:
            organisation.save_school(School(
                id=s["id"], trust_id=s["trust_id"], urn=s["urn"], name=s["name"],
                phase=Phase(s["phase"]), local_authority=s.get("local_authority", ""),
                has_early_years=bool(s.get("has_early_years")),
                has_sixth_form=bool(s.get("has_sixth_form")),
            ))  # fmt: skip
    for p in bundle["people"]:
        if organisation.get_trust(p["trust_id"]) is None:
            raise ValidationError(
                f"The bundle holds {p['name']} but not their trust; nothing was imported.",
                hint="Export the bundle again with this version of Reviewer.",
            )
        if organisation.get_person(p["id"]) is None:
            roles = frozenset(Role(r) for r in p["roles"])
            organisation.save_person(
                Person(id=p["id"], trust_id=p["trust_id"], name=p["name"], email=p["email"],
                       roles=roles)
            )  # fmt: skip


def _import(
    session: Session, bundle: dict[str, Any], files: dict[str, bytes], *, own: bool
) -> ImportSummary:
    _save_organisation(session, bundle)
    organisation = OrganisationRepository(session)
    for entry in bundle["reviews"]:
        school_id = entry["visit"]["school_id"]
        if organisation.get_school(school_id) is None:
            raise ValidationError(
                f"Review {entry['review']['id']} in the bundle is of a school the bundle does "
                f"not hold ({school_id}); nothing was imported.",
                hint="Export the bundle again from the laptop that made it.",
            )
    report_pdfs = {report["pdf_sha256"] for report in bundle.get("signed_reports") or ()}
    attached = {
        record["sha256"]
        for entry in bundle["reviews"]
        for record in entry["records"].get(Entity.ATTACHMENT, [])
    }
    new_files = 0
    for sha, data in files.items():
        if sha in report_pdfs and sha not in attached:
            continue  # a signed report's PDF: kept with its version below, not as a file
        if not has_blob(session, sha):
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
    signed = _import_signed(session, bundle, files)
    return ImportSummary(reviews_added, records_added, new_files, queued, not_queued, signed)


def _import_signed(session: Session, bundle: dict[str, Any], files: dict[str, bytes]) -> int:
    """The bundle's signed report versions this store lacks; returns how many were added."""
    from reviewer_app.storage.tables import SignedReportRow

    repository = SignedReportRepository(session)
    added = 0
    for r in bundle.get("signed_reports") or ():
        if session.get(SignedReportRow, r["id"]) is not None:
            continue
        repository.add(SignedReportVersion(
            id=r["id"], review_id=r["review_id"], report_id=r["report_id"],
            audience=r["audience"], data_hash=r["data_hash"], signer_count=r["signer_count"],
            required_count=r["required_count"], signer_name=r["signer_name"],
            signed_at=datetime.fromisoformat(r["signed_at"]), pdf=files[r["pdf_sha256"]],
        ))  # fmt: skip
        added += 1
    return added


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
            if kind is Entity.ATTACHMENT:
                if evidence.get_attachment(payload["id"]) is None:
                    evidence.add_attachment(attachment_from_json(payload))
                    added += 1
            elif kind is Entity.EVIDENCE_NOTE:
                if evidence.get_note(payload["id"]) is None:
                    evidence.add_note(note_from_json(payload))
                    added += 1
            elif kind is Entity.JUDGEMENT:
                known = {j.id for j in reviews.judgements(payload["review_id"])}
                if payload["id"] not in known:
                    reviews.add_judgement(judgement_from_json(payload))
                    added += 1
            elif kind is Entity.ACTION:
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
