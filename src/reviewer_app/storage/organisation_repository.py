"""Trusts, schools and people in the local store, as domain objects."""

from __future__ import annotations

from sqlmodel import Session, col, or_, select

from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.storage.tables import PersonRoleRow, PersonRow, SchoolRow, TrustRow


def _school(row: SchoolRow) -> School:
    return School(
        id=row.id,
        trust_id=row.trust_id,
        urn=row.urn,
        name=row.name,
        phase=Phase(row.phase),
        local_authority=row.local_authority,
        has_early_years=row.has_early_years,
        has_sixth_form=row.has_sixth_form,
    )


class OrganisationRepository:
    """Reads and writes trusts, schools and people within the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # -- trusts
    def save_trust(self, trust: Trust) -> None:
        """Insert or update a trust."""
        self._session.merge(TrustRow(id=trust.id, name=trust.name, profile_id=trust.profile_id))
        self._session.flush()

    def get_trust(self, trust_id: str) -> Trust | None:
        row = self._session.get(TrustRow, trust_id)
        return None if row is None else Trust(id=row.id, name=row.name, profile_id=row.profile_id)

    # -- schools
    def save_school(self, school: School) -> None:
        """Insert or update a school."""
        self._session.merge(
            SchoolRow(
                id=school.id,
                trust_id=school.trust_id,
                urn=school.urn,
                name=school.name,
                phase=school.phase.value,
                local_authority=school.local_authority,
                has_early_years=school.has_early_years,
                has_sixth_form=school.has_sixth_form,
            )
        )
        self._session.flush()

    def get_school(self, school_id: str) -> School | None:
        row = self._session.get(SchoolRow, school_id)
        return None if row is None else _school(row)

    def list_schools(self, query: str = "", trust_id: str | None = None) -> list[School]:
        """Schools whose name contains ``query`` or whose URN starts with it, sorted by name."""
        statement = select(SchoolRow)
        if trust_id is not None:
            statement = statement.where(SchoolRow.trust_id == trust_id)
        query = query.strip()
        if query:
            escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            statement = statement.where(
                or_(
                    col(SchoolRow.name).ilike(f"%{escaped}%", escape="\\"),
                    col(SchoolRow.urn).like(f"{escaped}%", escape="\\"),
                )
            )
        rows = self._session.exec(statement).all()
        return sorted((_school(r) for r in rows), key=lambda s: (s.name.casefold(), s.urn))

    # -- people
    def save_person(self, person: Person) -> None:
        """Insert or update a person and replace their roles."""
        self._session.merge(
            PersonRow(id=person.id, trust_id=person.trust_id, name=person.name, email=person.email)
        )
        existing = self._session.exec(
            select(PersonRoleRow).where(PersonRoleRow.person_id == person.id)
        ).all()
        for row in existing:
            self._session.delete(row)
        self._session.flush()
        for role in sorted(person.roles):
            self._session.add(PersonRoleRow(person_id=person.id, role=role.value))
        self._session.flush()

    def get_person(self, person_id: str) -> Person | None:
        row = self._session.get(PersonRow, person_id)
        if row is None:
            return None
        return self._people([row])[0]

    def list_people(self, trust_id: str | None = None) -> list[Person]:
        """Everyone, sorted by name."""
        statement = select(PersonRow)
        if trust_id is not None:
            statement = statement.where(PersonRow.trust_id == trust_id)
        people = self._people(list(self._session.exec(statement).all()))
        return sorted(people, key=lambda p: (p.name.casefold(), p.id))

    def _people(self, rows: list[PersonRow]) -> list[Person]:
        ids = [r.id for r in rows]
        roles: dict[str, set[Role]] = {i: set() for i in ids}
        if ids:
            for role_row in self._session.exec(
                select(PersonRoleRow).where(col(PersonRoleRow.person_id).in_(ids))
            ):
                roles[role_row.person_id].add(Role(role_row.role))
        return [
            Person(
                id=r.id,
                trust_id=r.trust_id,
                name=r.name,
                email=r.email,
                roles=frozenset(roles[r.id]),
            )
            for r in rows
        ]
