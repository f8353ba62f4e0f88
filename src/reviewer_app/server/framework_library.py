"""The trust's framework library on the server: upload, check, publish, retire; and what each
laptop receives at sync.

The library holds the frameworks built into Reviewer (read from the installed frameworks
folder) and the trust's own documents: frameworks, rating scales, categorisation schemes, trust
profiles, overlays of built-in frameworks and the trust's vocabulary. Each version of a trust
document is a draft, published or retired:

* **upload** checks the file (YAML or a workbook) with the same checker the laptops use, against
  the built-in frameworks and the trust's other documents, and keeps it as a draft only when
  there is no problem; a refused upload changes nothing. A published version never changes:
  uploading it again is refused, a new version is the way.
* **publish** makes a draft available to every laptop that may use it (safeguarding frameworks
  to safeguarding roles only) and registers a framework for visits; **retire** stops laptops
  offering it for new visits (reviews keep the version they began on, as a snapshot).
* A trust admin may opt a laptop in to drafts, to try one in the real editor before publishing.

Laptops learn at the handshake whether their library is current (:func:`library_digest`) and
fetch it whole when it is not (:func:`library_for`); documents are few and small.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.domain.frameworks import (
    CategorisationScheme,
    Framework,
    FrameworkLibrary,
    FrameworkProblem,
    TrustProfile,
)
from reviewer_app.domain.frameworks.frozen_model import split_reference, version_key
from reviewer_app.domain.frameworks.library import (
    check_sources,
    parse_yaml,
    read_document_bytes,
    validate_source,
)
from reviewer_app.domain.frameworks.overlays import FrameworkOverlay
from reviewer_app.domain.frameworks.scales import RatingScale, RatingScaleSet
from reviewer_app.domain.frameworks.vocabulary import TrustVocabulary
from reviewer_app.domain.frameworks.yaml_writer import document_yaml
from reviewer_app.domain.organisation import SAFEGUARDING_ROLES
from reviewer_app.server import models
from reviewer_app.server.access import roles_of
from reviewer_app.server.administration import add_framework, register_restricted_parts
from reviewer_app.server.audit import SYSTEM, Actor
from reviewer_app.sync.library_protocol import FrameworkLibraryPage, LibraryEntry

log = logging.getLogger(__name__)

DRAFT, PUBLISHED, RETIRED = "draft", "published", "retired"

#: ``kind`` as the library stores it, for each kind of object a file may hold.
_KINDS: dict[type, str] = {
    Framework: "framework",
    RatingScale: "rating_scale",
    CategorisationScheme: "categorisation_scheme",
    TrustProfile: "trust_profile",
    FrameworkOverlay: "framework_overlay",
    TrustVocabulary: "trust_vocabulary",
}
_KIND_WORDS = {
    "framework": "framework",
    "rating_scale": "rating scale",
    "categorisation_scheme": "categorisation scheme",
    "trust_profile": "trust profile",
    "framework_overlay": "framework overlay",
    "trust_vocabulary": "vocabulary",
}


def built_in_library() -> FrameworkLibrary:
    """The frameworks built into Reviewer (the installed folder), loaded once per process (the
    same cache as the laptop's catalogue: :mod:`reviewer_app.domain.frameworks.loaded_once`)."""
    from reviewer_app.domain.frameworks.loaded_once import library_once
    from reviewer_app.paths import frameworks_dir

    return library_once(frameworks_dir())


@dataclass(frozen=True, slots=True)
class UploadOutcome:
    """What an upload kept (as drafts), or why nothing was kept."""

    kept: tuple[models.LibraryDocument, ...]
    problems: tuple[FrameworkProblem, ...]


def _now() -> datetime:
    return datetime.now(UTC)


def _stored_sources(
    session: Session,
    trust_id: str,
    states: Sequence[str],
    *,
    leave_out: Collection[tuple[str, str, str]] = (),
) -> list[Any]:
    rows = session.exec(
        select(models.LibraryDocument)
        .where(models.LibraryDocument.trust_id == trust_id)
        .where(col(models.LibraryDocument.state).in_(list(states)))
        .order_by(col(models.LibraryDocument.changed_seq))
    ).all()
    sources = []
    for row in rows:
        if (row.kind, row.doc_id, row.version) in leave_out:
            continue
        source = parse_yaml(Path(f"{row.doc_id}@{row.version}.yaml"), row.text, named=False)
        if not isinstance(source, list):
            sources.append(source)
    return sources


def trust_library(
    session: Session, trust_id: str, states: Sequence[str] = (DRAFT, PUBLISHED)
) -> FrameworkLibrary:
    """Built-in frameworks plus the trust's documents in these states, as one library."""
    library, _problems = check_sources(
        _stored_sources(session, trust_id, states), base=built_in_library()
    )
    return library


def _entries(obj: Any) -> list[tuple[str, Any]]:
    """(kind, object) for each library document a validated file holds (scales one by one)."""
    if isinstance(obj, RatingScaleSet):
        return [("rating_scale", scale) for scale in obj.scales]
    return [(_KINDS[type(obj)], obj)]


def _text(kind: str, obj: Any) -> str:
    if kind == "rating_scale":
        return document_yaml(RatingScaleSet(kind="rating_scales", scales=(obj,)))
    return document_yaml(obj)


def _title(obj: Any) -> str:
    return str(getattr(obj, "title", "") or "")


def _built_in_ids(library: FrameworkLibrary) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {
        "framework": set(library.framework_ids),
        "rating_scale": {s.id for s in library.scales},
        "categorisation_scheme": {s.id for s in library.schemes},
        "trust_profile": {p.id for p in library.profiles},
        "trust_vocabulary": {v.id for v in library.vocabularies},
    }
    ids["framework_overlay"] = ids["framework"]
    return ids


def upload(
    session: Session, trust_id: str, name: str, content: bytes, *, uploaded_by: str
) -> UploadOutcome:
    """Check a file and keep what it holds as drafts; with any problem, keep nothing."""
    path = Path(name)
    source = read_document_bytes(path, content)
    if isinstance(source, list):
        return UploadOutcome((), tuple(source))
    found = validate_source(source)
    if isinstance(found, list):
        return UploadOutcome((), tuple(found))
    entries = _entries(found.obj)
    built_in = built_in_library()
    reserved = _built_in_ids(built_in)
    problems: list[FrameworkProblem] = []
    replacing: set[tuple[str, str, str]] = set()
    for kind, obj in entries:
        word = _KIND_WORDS[kind]
        if obj.id in reserved[kind]:
            hint = (
                f" or extend it with an overlay (kind: framework_overlay, extends: {obj.id})"
                if kind in ("framework", "framework_overlay")
                else ""
            )
            problems.append(
                found.problem(
                    f"The id '{obj.id}' belongs to a {word} built into Reviewer; give yours "
                    f"another id{hint}.",
                    "id",
                )
            )
            continue
        if kind in ("framework", "framework_overlay"):
            other = "framework_overlay" if kind == "framework" else "framework"
            if session.exec(
                select(models.LibraryDocument).where(
                    models.LibraryDocument.trust_id == trust_id,
                    models.LibraryDocument.kind == other,
                    models.LibraryDocument.doc_id == obj.id,
                )
            ).first():
                problems.append(
                    found.problem(
                        f"The id '{obj.id}' is already used by one of the trust's "
                        f"{_KIND_WORDS[other]}s; give this one another id.",
                        "id",
                    )
                )
                continue
        rows = session.exec(
            select(models.LibraryDocument).where(
                models.LibraryDocument.trust_id == trust_id,
                models.LibraryDocument.kind == kind,
                models.LibraryDocument.doc_id == obj.id,
            )
        ).all()
        fixed = [r for r in rows if r.state != DRAFT]
        newest = max((r.version for r in fixed), key=version_key, default=None)
        if newest is not None and version_key(obj.version) <= version_key(newest):
            problems.append(
                found.problem(
                    f"Version {newest} of the {word} '{obj.id}' is published already, and a "
                    f"published version never changes; give this one a later version than "
                    f"{newest}.",
                    "version",
                )
            )
            continue
        if any(r.version == obj.version for r in rows):
            replacing.add((kind, obj.id, obj.version))
    if problems:
        return UploadOutcome((), tuple(problems))
    base, _ = check_sources(
        _stored_sources(session, trust_id, (DRAFT, PUBLISHED), leave_out=replacing),
        base=built_in,
    )
    checked, found_problems = check_sources([source], base=base)
    if found_problems:
        return UploadOutcome((), tuple(found_problems))
    seq = _next_seq(session, trust_id)
    kept = []
    for kind, obj in entries:
        text = _text(kind, obj)
        row = session.get(models.LibraryDocument, (trust_id, kind, obj.id, obj.version))
        if row is None:
            row = models.LibraryDocument(
                trust_id=trust_id, kind=kind, doc_id=obj.id, version=obj.version, state=DRAFT,
                text=text, content_sha256="", uploaded_at=_now(),
            )  # fmt: skip
        row.text = text
        row.content_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        row.title = _title(obj)[:200]
        row.safeguarding = _safeguarding(kind, obj, checked)
        row.source_name = path.name[:200]
        row.uploaded_by = uploaded_by[:200]
        row.uploaded_at = _now()
        row.changed_seq = seq
        session.add(row)
        kept.append(row)
    session.flush()
    log.info("Library upload %s kept %d draft(s) for trust %s", path.name, len(kept), trust_id)
    return UploadOutcome(tuple(kept), ())


def _safeguarding(kind: str, obj: Any, library: FrameworkLibrary) -> bool:
    if kind == "framework":
        return bool(obj.visible_to)
    if kind == "framework_overlay":
        try:
            return bool(library.get(obj.id, obj.version).visible_to)
        except NotFoundError:
            return False
    return False


def _next_seq(session: Session, trust_id: str) -> int:
    last = session.exec(
        select(models.LibraryDocument.changed_seq)
        .where(models.LibraryDocument.trust_id == trust_id)
        .order_by(col(models.LibraryDocument.changed_seq).desc())
        .limit(1)
    ).first()
    return (last or 0) + 1


def _document(session: Session, trust_id: str, reference: str) -> models.LibraryDocument:
    doc_id, version = split_reference(reference)
    if not version:
        raise ValidationError(
            f"'{reference}' names no version.", hint="Write it as ID@VERSION, e.g. our-walk@2."
        )
    rows = session.exec(
        select(models.LibraryDocument).where(
            models.LibraryDocument.trust_id == trust_id,
            models.LibraryDocument.doc_id == doc_id,
            models.LibraryDocument.version == version,
        )
    ).all()
    if not rows:
        raise NotFoundError(
            f"The trust's library has no version {version} of '{doc_id}'.",
            hint="Run 'reviewer-app-server admin frameworks list' to see what it holds.",
        )
    if len(rows) > 1:  # a scale and a scheme may share an id; prefer the framework
        rows = sorted(rows, key=lambda r: r.kind != "framework")
    return rows[0]


def publish(
    session: Session, trust_id: str, reference: str, *, actor: Actor = SYSTEM
) -> models.LibraryDocument:
    """Publish a draft: laptops that may use it receive it at their next sync. A framework is
    registered for visits too (by ``actor``, in the audit log)."""
    row = _document(session, trust_id, reference)
    if row.state != DRAFT:
        raise ValidationError(
            f"{_KIND_WORDS[row.kind].capitalize()} '{row.doc_id}' version {row.version} is "
            f"{row.state}, not a draft; only a draft can be published.",
            hint="Upload a new version to change it.",
        )
    # Published documents may refer only to what laptops will have: published documents.
    published = _stored_sources(session, trust_id, (PUBLISHED,))
    base, _ = check_sources(published, base=built_in_library())
    own = parse_yaml(Path(f"{row.doc_id}@{row.version}.yaml"), row.text, named=False)
    assert not isinstance(own, list)
    library, problems = check_sources([own], base=base)
    if problems:
        raise ValidationError(
            f"'{row.doc_id}' version {row.version} cannot be published yet: {problems[0].message}",
            hint="If it uses another of the trust's drafts (a scale, the framework an overlay "
            "extends), publish that first.",
        )
    row.state = PUBLISHED
    row.published_at = _now()
    row.changed_seq = _next_seq(session, trust_id)
    session.add(row)
    session.flush()
    if row.kind in ("framework", "framework_overlay"):
        framework = library.get(row.doc_id, row.version)
        add_framework(
            session, row.doc_id, title=framework.title,
            safeguarding=bool(framework.visible_to), actor=actor,
        )  # fmt: skip
        session.flush()
        register_restricted_parts(
            session,
            row.doc_id,
            list(trust_library(session, trust_id).versions(row.doc_id)),
        )
    log.info("Published %s %s@%s for trust %s", row.kind, row.doc_id, row.version, trust_id)
    return row


def retire(session: Session, trust_id: str, reference: str) -> models.LibraryDocument:
    """Retire a version: laptops stop offering it for new visits (reviews keep theirs)."""
    row = _document(session, trust_id, reference)
    if row.state == RETIRED:
        raise ValidationError(f"'{row.doc_id}' version {row.version} is already retired.")
    row.state = RETIRED
    row.retired_at = _now()
    row.changed_seq = _next_seq(session, trust_id)
    session.add(row)
    session.flush()
    log.info("Retired %s %s@%s for trust %s", row.kind, row.doc_id, row.version, trust_id)
    return row


def documents(session: Session, trust_id: str) -> list[models.LibraryDocument]:
    """The trust's documents, by kind, id and version."""
    rows = session.exec(
        select(models.LibraryDocument).where(models.LibraryDocument.trust_id == trust_id)
    ).all()
    return sorted(rows, key=lambda r: (r.kind, r.doc_id, version_key(r.version)))


def set_drafts(session: Session, device_id: str, on: bool) -> None:
    """Opt a laptop in to (or out of) draft frameworks."""
    if session.get(models.Device, device_id) is None:
        raise NotFoundError(
            f"There is no device {device_id}.",
            hint="Run 'reviewer-app-server admin list-devices' to see the enrolled laptops.",
        )
    row = session.get(models.LibraryDraftDevice, device_id)
    if on and row is None:
        session.add(models.LibraryDraftDevice(device_id=device_id, opted_in_at=_now()))
    elif not on and row is not None:
        session.delete(row)
    session.flush()


def _visible(
    session: Session, person: models.Person, device_id: str
) -> list[models.LibraryDocument]:
    """The trust's documents this person's laptop receives (text or, retired, only the name)."""
    drafts = session.get(models.LibraryDraftDevice, device_id) is not None
    safeguarding = bool(roles_of(session, person.id) & SAFEGUARDING_ROLES)
    return [
        row
        for row in documents(session, person.trust_id)
        if (row.state != DRAFT or drafts) and (not row.safeguarding or safeguarding)
    ]


def library_digest(session: Session, person: models.Person, device_id: str) -> str:
    """A short digest of what :func:`library_for` would send: a laptop holding the same need
    not ask. Empty when the trust has no documents of its own."""
    rows = _visible(session, person, device_id)
    if not rows:
        return ""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(
            f"{row.kind}\0{row.doc_id}\0{row.version}\0{row.state}\0{row.content_sha256}\n".encode()
        )
    return digest.hexdigest()


def library_for(session: Session, person: models.Person, device_id: str) -> FrameworkLibraryPage:
    """Everything from the trust's library this laptop receives."""
    rows = _visible(session, person, device_id)
    return FrameworkLibraryPage(
        digest=library_digest(session, person, device_id),
        documents=[
            LibraryEntry(
                kind=row.kind,
                id=row.doc_id,
                version=row.version,
                state=row.state,
                title=row.title,
                sha256=row.content_sha256,
                text=row.text if row.state != RETIRED else "",
            )
            for row in rows
        ],
    )
