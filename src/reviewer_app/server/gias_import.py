"""Importing a trust's schools from a Get Information About Schools (GIAS) establishment CSV.

GIAS (the DfE register) offers every establishment, or a search's results, as CSV with columns
such as ``URN``, ``EstablishmentName``, ``PhaseOfEducation (name)``, ``TypeOfEstablishment
(name)``, ``LA (name)``, ``EstablishmentStatus (name)`` and ``Trusts (name)``. The trust's rows
are picked by the URNs the admin lists or, with none listed, by the trust's name in ``Trusts
(name)``. A school already held (same URN) is updated; a new one is added; each row that cannot
be used is reported with its line number and why.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from reviewer_app.domain.errors import ReviewerError, ValidationError
from reviewer_app.domain.organisation import Phase
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.audit import SYSTEM, Actor

_NEEDED = ("URN", "EstablishmentName")
_PHASES = {
    "nursery": Phase.NURSERY,
    "primary": Phase.PRIMARY,
    "middle deemed primary": Phase.MIDDLE,
    "middle deemed secondary": Phase.MIDDLE,
    "secondary": Phase.SECONDARY,
    "all-through": Phase.ALL_THROUGH,
    "16 plus": Phase.POST_16,
}


@dataclass(frozen=True, slots=True)
class GiasRow:
    line: int
    urn: str
    name: str
    phase: Phase | None
    local_authority: str
    status: str
    trusts: str


@dataclass
class ImportResult:
    """What an import did: names of schools added and updated, and the rows it could not use."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _text(data: bytes) -> str:
    # GIAS files are Windows-1252; a file saved again by a spreadsheet may be UTF-8.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _phase(phase: str, kind: str) -> Phase | None:
    kind = kind.lower()
    if "special" in kind:
        return Phase.SPECIAL
    if "alternative provision" in kind or "pupil referral" in kind:
        return Phase.ALTERNATIVE_PROVISION
    return _PHASES.get(phase.strip().lower())


def read_gias_csv(data: bytes) -> list[GiasRow]:
    """The establishments in a GIAS CSV; refuses a file without the URN and name columns."""
    reader = csv.DictReader(io.StringIO(_text(data)))
    columns = reader.fieldnames or []
    missing = [c for c in _NEEDED if c not in columns]
    if missing:
        raise ValidationError(
            f"This file is not a GIAS establishment CSV: it has no {' or '.join(missing)} column.",
            hint="Download your schools from Get Information About Schools as CSV and try again.",
        )
    rows = []
    try:
        for record in reader:
            rows.append(
                GiasRow(
                    line=reader.line_num,
                    urn=(record.get("URN") or "").strip(),
                    name=(record.get("EstablishmentName") or "").strip(),
                    phase=_phase(
                        record.get("PhaseOfEducation (name)") or "",
                        record.get("TypeOfEstablishment (name)") or "",
                    ),
                    local_authority=(record.get("LA (name)") or "").strip(),
                    status=(record.get("EstablishmentStatus (name)") or "").strip(),
                    trusts=(record.get("Trusts (name)") or "").strip(),
                )
            )
    except csv.Error as exc:
        raise ValidationError(
            f"Line {reader.line_num} of the CSV cannot be read ({exc}).",
            hint="Download the file from GIAS again.",
        ) from exc
    return rows


def parse_urns(text: str) -> list[str]:
    """URNs typed or pasted by a person: six-digit numbers separated by anything."""
    return re.findall(r"\b\d{6}\b", text)


def import_schools(
    session: Session,
    trust: models.Trust,
    data: bytes,
    *,
    urns: list[str] | None = None,
    actor: Actor = SYSTEM,
) -> ImportResult:
    """Add or update the trust's schools from a GIAS CSV (rows by ``urns``, else by trust name)."""
    rows = read_gias_csv(data)
    result = ImportResult()
    if urns:
        wanted = set(urns)
        chosen = [r for r in rows if r.urn in wanted]
        found = {r.urn for r in chosen}
        result.problems.extend(f"URN {u} is not in the file." for u in urns if u not in found)
    else:
        chosen = [r for r in rows if r.trusts.lower() == trust.name.lower()]
        if not chosen:
            raise ValidationError(
                f"No school in the file belongs to a trust called {trust.name}.",
                hint="List your schools' URNs in the box, or check the trust's name.",
            )
    held = {
        s.urn: s
        for s in session.exec(select(models.School).where(models.School.trust_id == trust.id))
    }
    for row in chosen:
        if row.status.lower().startswith("closed"):
            result.problems.append(f"Line {row.line}: {row.name} (URN {row.urn}) is closed.")
            continue
        if row.phase is None:
            result.problems.append(
                f"Line {row.line}: the phase of {row.name} (URN {row.urn}) is not one Reviewer "
                "knows; add the school by hand."
            )
            continue
        school = held.get(row.urn)
        try:
            if school is None:
                adm.create_school(
                    session,
                    trust.id,
                    urn=row.urn,
                    name=row.name,
                    phase=row.phase.value,
                    local_authority=row.local_authority,
                    actor=actor,
                )
                result.added.append(row.name)
            elif (school.name, school.phase, school.local_authority) != (
                row.name,
                row.phase.value,
                row.local_authority,
            ):
                adm.update_school(
                    session,
                    school.id,
                    urn=row.urn,
                    name=row.name,
                    phase=row.phase.value,
                    local_authority=row.local_authority,
                    actor=actor,
                )
                result.updated.append(row.name)
            else:
                result.unchanged.append(row.name)
        except ReviewerError as exc:
            result.problems.append(f"Line {row.line}: {exc}")
    return result
