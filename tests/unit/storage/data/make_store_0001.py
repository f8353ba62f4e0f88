"""Writes ``store-0001.db`` (+ key file): a real store at schema revision 0001, demo key.

Committed so the upgrade test opens a file made by an earlier build, not only one made in the
test. Regenerate only if revision 0001 itself changes (it must not): ``uv run python
tests/unit/storage/data/make_store_0001.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session

from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.storage import schema
from reviewer_app.storage.engine import create_engines
from reviewer_app.storage.keys import DEMO_KEY, KeyInfo, KeySource, write_key_info
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.visit_repository import VisitRepository

HERE = Path(__file__).resolve().parent
STORE = HERE / "store-0001.db"

TRUST = Trust(id="0190a1b2-0000-7000-8000-000000000001", name="Ashdown Schools Partnership")
SCHOOL = School(
    id="0190a1b2-0000-7000-8000-000000000002", trust_id=TRUST.id, urn="141592",
    name="Ashdown Church of England Primary School", phase=Phase.PRIMARY,
    local_authority="East Sussex", has_early_years=True,
)  # fmt: skip
PERSON = Person(
    id="0190a1b2-0000-7000-8000-000000000003", trust_id=TRUST.id, name="Grace Pemberton",
    email="grace.pemberton@ashdown.example",
    roles=frozenset({Role.LEAD_REVIEWER, Role.SAFEGUARDING_LEAD}),
)  # fmt: skip
VISIT = Visit(
    id="0190a1b2-0000-7000-8000-000000000004", school_id=SCHOOL.id,
    framework_id="safeguarding-audit", planned_start=date(2025, 3, 4),
    planned_end=date(2025, 3, 4), reviewers=(VisitReviewer(PERSON.id, Role.LEAD_REVIEWER),),
    status=VisitStatus.SIGNED, actual_start=date(2025, 3, 4), actual_end=date(2025, 3, 4),
    title="Spring safeguarding audit", extra={"room": "Library"},
)  # fmt: skip


def main() -> None:
    for old in HERE.glob("store-0001.db*"):
        old.unlink()
    write_key_info(STORE, KeyInfo("0190a1b2-0000-7000-8000-0000000000ff", KeySource.DEMO))
    engines = create_engines(STORE, DEMO_KEY)
    schema.upgrade(engines.write, "0001")
    with Session(engines.write) as session, session.begin():
        OrganisationRepository(session).save_trust(TRUST)
        OrganisationRepository(session).save_school(SCHOOL)
        OrganisationRepository(session).save_person(PERSON)
        VisitRepository(session).save_visit(VISIT)
    engines.dispose()


if __name__ == "__main__":
    main()
