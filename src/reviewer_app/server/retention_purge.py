"""The retention purge: what :func:`reviewer_app.server.retention.plan` lists as due leaves the
database (and its files the blob store), each visit leaving a signed tombstone.

A tombstone is minimal (ids, counts and file hashes, the rule, when and by whom; never content)
and signed with the server's tombstone key (Ed25519, :class:`TombstoneKey`), so that a later
reader can tell the record was not edited. Laptops receive the purged review ids in the
handshake (:func:`purged_reviews`) and remove their copies.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from reviewer_app.domain.canonical import canonical_json, sha256_hex
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.ids import new_id
from reviewer_app.server import audit, models
from reviewer_app.server.audit import SYSTEM, Actor
from reviewer_app.server.retention import DATED, REVIEW_TABLES, DueVisit, dated_rows, plan

log = logging.getLogger(__name__)

_MAX_TOMBSTONES_IN_HANDSHAKE = 5000


# ---------------------------------------------------------------------- the tombstone key


class TombstoneKey:
    """The server's Ed25519 key that signs tombstones, kept in ``folder`` (made on first use).

    The private key file is readable by its owner only; the public key beside it is what a
    DPO keeps to check tombstones elsewhere (``openssl pkeyutl -verify`` or this module).
    """

    NAME = "tombstone-signing-key.pem"
    PUBLIC_NAME = "tombstone-signing-key.pub.pem"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _private(self) -> Any:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        path = self.folder / self.NAME
        try:
            if path.is_file():
                key = serialization.load_pem_private_key(path.read_bytes(), password=None)
                if not isinstance(key, Ed25519PrivateKey):
                    raise ValueError("not an Ed25519 key")
                return key
            self.folder.mkdir(parents=True, exist_ok=True)
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
            (self.folder / self.PUBLIC_NAME).write_bytes(
                key.public_key().public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            )
            return key
        except OSError as exc:
            raise ReviewerError(
                f"The tombstone signing key {path} cannot be read or written ({exc.strerror}).",
                hint="Check the data folder's permissions; nothing was purged.",
            ) from exc
        except ValueError as exc:
            raise ReviewerError(
                f"The tombstone signing key {path} is not an Ed25519 private key in PEM.",
                hint="Restore it from the server's backup; nothing was purged.",
            ) from exc

    def public_key(self) -> Any:
        from cryptography.hazmat.primitives import serialization

        path = self.folder / self.PUBLIC_NAME
        if path.is_file():
            return serialization.load_pem_public_key(path.read_bytes())
        return self._private().public_key()

    def key_id(self) -> str:
        from cryptography.hazmat.primitives import serialization

        raw = self.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return sha256_hex(raw)[:32]

    def sign(self, content: dict[str, Any]) -> str:
        return base64.b64encode(self._private().sign(canonical_json(content))).decode("ascii")

    def verifies(self, tombstone: models.RetentionTombstone) -> bool:
        """Whether the tombstone's signature holds for its content (and its columns agree)."""
        from cryptography.exceptions import InvalidSignature

        content = tombstone.content
        if (
            content.get("id") != tombstone.id
            or content.get("review_ids") != tombstone.review_ids
            or content.get("rule") != tombstone.rule
            or content.get("subject_id") != tombstone.subject_id
            or tombstone.key_id != self.key_id()
        ):
            return False
        try:
            self.public_key().verify(base64.b64decode(tombstone.signature), canonical_json(content))
        except (InvalidSignature, ValueError):
            return False
        return True


# ---------------------------------------------------------------------- the purge


@dataclass(frozen=True, slots=True)
class Purged:
    tombstones: list[models.RetentionTombstone]
    #: Files to remove from the blob store once the transaction has committed.
    files: list[str]
    kept_by_holds: int


def apply(
    session: Session,
    trust_id: str,
    key: TombstoneKey,
    *,
    today: date | None = None,
    actor: Actor = SYSTEM,
) -> Purged:
    """Purge what :func:`plan` lists as due, in the caller's transaction; one signed tombstone
    per visit (and one for audit log entries). The caller removes :attr:`Purged.files` from
    the blob store after committing (:func:`remove_files`)."""
    todo = plan(session, trust_id, today)
    key.key_id()  # a key that cannot be read or made stops the purge before anything goes
    when = datetime.now(UTC)
    tombstones: list[models.RetentionTombstone] = []
    files: list[str] = []
    for item in todo.due:
        _purge_visit(session, item)
        files.extend(item.files)
        tombstones.append(
            _tombstone(
                session,
                key,
                trust_id,
                "visit",
                item.visit_id,
                list(item.review_ids),
                item.why,
                when,
                actor,
                {
                    "school_id": item.school_id,
                    "framework_id": item.framework_id,
                    "last_day": item.last_day.isoformat(),
                    "due_since": item.due_since.isoformat(),
                    "rows": item.rows,
                    "files": list(item.files),
                },
            )
        )
    for records in todo.dated:
        before = datetime.combine(records.before, time(), tzinfo=UTC)
        for table, column in DATED[records.scope][1]:
            session.execute(delete(table).where(dated_rows(trust_id, table, column, before)))
        tombstones.append(
            _tombstone(
                session,
                key,
                trust_id,
                records.scope,
                f"before {records.before}",
                [],
                records.why,
                when,
                actor,
                {"rows": records.rows, "before": records.before.isoformat()},
            )
        )
    if tombstones:
        audit.record(
            session,
            actor,
            "retention.purged",
            f"Purged {len(todo.due)} visit(s) and their reviews, {len(files)} file(s) and "
            f"{sum(d.count for d in todo.dated)} old audit log entries and sign-in records "
            "under the retention schedule",
            trust_id=trust_id,
        )
    session.flush()
    return Purged(tombstones, files, len(todo.held))


def _purge_visit(session: Session, item: DueVisit) -> None:
    reviews = list(item.review_ids)
    for table in REVIEW_TABLES:
        session.execute(delete(table).where(col(table.review_id).in_(reviews)))
    session.execute(delete(models.Review).where(col(models.Review.id).in_(reviews)))
    session.execute(
        delete(models.VisitReviewer).where(col(models.VisitReviewer.visit_id) == item.visit_id)
    )
    session.execute(
        delete(models.AppliedVisitOp).where(col(models.AppliedVisitOp.visit_id) == item.visit_id)
    )
    session.execute(delete(models.Visit).where(col(models.Visit.id) == item.visit_id))
    if item.files:
        session.execute(delete(models.Blob).where(col(models.Blob.sha256).in_(item.files)))


def _tombstone(
    session: Session,
    key: TombstoneKey,
    trust_id: str,
    kind: str,
    subject_id: str,
    review_ids: list[str],
    why: str,
    when: datetime,
    actor: Actor,
    extra: dict[str, Any],
) -> models.RetentionTombstone:
    tombstone_id = new_id()
    content: dict[str, Any] = {
        "id": tombstone_id,
        "trust_id": trust_id,
        "kind": kind,
        "subject_id": subject_id,
        "review_ids": review_ids,
        "rule": why[:500],
        "purged_at": when.isoformat(),
        "purged_by": actor.name[:200],
        **extra,
    }
    row = models.RetentionTombstone(
        id=tombstone_id,
        trust_id=trust_id,
        kind=kind,
        subject_id=subject_id[:128],
        review_ids=review_ids,
        rule=why[:500],
        purged_at=when,
        purged_by=actor.name[:200],
        content=content,
        key_id=key.key_id(),
        signature=key.sign(content),
    )
    session.add(row)
    return row


def remove_files(blob_root: Path, files: Iterable[str]) -> list[str]:
    """Remove purged files from the blob store; returns sentences for any that could not go."""
    from reviewer_app.server.blob_store import BlobStore

    store = BlobStore(blob_root)
    problems: list[str] = []
    for sha256 in files:
        path = store.path(sha256)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("A purged file could not be removed: %s", path)
            problems.append(
                f"The purged file {path} could not be removed ({exc.strerror}); remove it by hand."
            )
    return problems


def tombstones(session: Session, trust_id: str) -> list[models.RetentionTombstone]:
    return list(
        session.exec(
            select(models.RetentionTombstone)
            .where(models.RetentionTombstone.trust_id == trust_id)
            .order_by(col(models.RetentionTombstone.purged_at), col(models.RetentionTombstone.id))
        )
    )


def purged_reviews(session: Session, trust_id: str) -> list[tuple[str, str, str]]:
    """(review id, visit id, rule) of every purged review of the trust, newest first, for the
    handshake (laptops remove their copies)."""
    rows = session.exec(
        select(models.RetentionTombstone)
        .where(
            models.RetentionTombstone.trust_id == trust_id,
            models.RetentionTombstone.kind == "visit",
        )
        .order_by(col(models.RetentionTombstone.purged_at).desc())
        .limit(_MAX_TOMBSTONES_IN_HANDSHAKE)
    )
    return [(r, t.subject_id, t.rule) for t in rows for r in t.review_ids]
