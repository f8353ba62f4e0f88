"""Importing people from a CSV a trust keeps (its HR or staff list).

Columns (a header row, any order, names as below, case ignored): ``name``, ``email``, and
optionally ``roles`` (role names or labels, separated by ``;`` or ``,``) and ``schools`` (URNs
separated by ``;``). Someone already held (same email) keeps their record: roles and schools in
the file are added to theirs. Each row that cannot be used is reported with its line number.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from reviewer_app.domain.errors import ReviewerError, ValidationError
from reviewer_app.domain.organisation import Role
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.audit import SYSTEM, Actor
from reviewer_app.server.staff_accounts import person_by_email

_ROLE_NAMES = {
    **{role.value: role for role in Role},
    **{role.label.lower(): role for role in Role},
    "dsl": Role.SAFEGUARDING_LEAD,
    "safeguarding lead": Role.SAFEGUARDING_LEAD,
}


@dataclass
class PeopleImportResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _role(value: str) -> Role | None:
    key = value.strip().lower()
    return _ROLE_NAMES.get(key) or _ROLE_NAMES.get(key.replace(" ", "_"))


def import_people(
    session: Session, trust: models.Trust, data: bytes, *, actor: Actor = SYSTEM
) -> PeopleImportResult:
    """Add or update the trust's people from CSV ``data``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower(): c for c in reader.fieldnames or []}
    if "name" not in columns or "email" not in columns:
        raise ValidationError(
            "The CSV needs a header row with at least the columns name and email.",
            hint="Optional columns: roles (e.g. lead_reviewer; safeguarding_lead) and schools "
            "(URNs separated by ;).",
        )
    schools = {
        s.urn: s
        for s in session.exec(select(models.School).where(models.School.trust_id == trust.id))
    }
    result = PeopleImportResult()
    for record in reader:
        line = reader.line_num

        def cell(name: str, record: dict[str, str | None] = record) -> str:
            key = columns.get(name)
            return (record.get(key) or "").strip() if key else ""

        name, email = cell("name"), cell("email")
        if not name and not email:
            continue
        roles: list[str] = []
        unknown: list[str] = []
        for part in re.split(r"[;,]", cell("roles")):
            if part.strip():
                role = _role(part)
                if role is None:
                    unknown.append(part.strip())
                else:
                    roles.append(role.value)
        if unknown:
            result.problems.append(
                f"Line {line}: {name or email}: {', '.join(unknown)} is not a role; the row was "
                "not imported."
            )
            continue
        urns = re.findall(r"\d{6}", cell("schools"))
        missing = [u for u in urns if u not in schools]
        if missing:
            result.problems.append(
                f"Line {line}: {name or email}: no school of the trust has URN "
                f"{', '.join(missing)}; the row was not imported."
            )
            continue
        try:
            person = person_by_email(session, email)
            if person is not None and person.trust_id != trust.id:
                raise ValidationError(f"{email} belongs to someone in another trust.")
            if person is None:
                person = adm.create_person(
                    session, trust.id, name=name, email=email, roles=roles, actor=actor
                )
                session.flush()
                result.added.append(person.name)
            else:
                for role_name in roles:
                    adm.grant_role(session, person.id, role_name, actor=actor)
                result.updated.append(person.name)
            for urn in urns:
                adm.assign(session, person.id, schools[urn].id, actor=actor)
        except ReviewerError as exc:
            result.problems.append(f"Line {line}: {exc}")
    return result
