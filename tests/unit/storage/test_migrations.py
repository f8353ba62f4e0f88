"""Schema migrations: empty store to head, an old-revision store upgraded with its data intact."""

from __future__ import annotations

import importlib.util
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.storage import schema
from reviewer_app.storage.engine import create_engines, probe_store
from reviewer_app.storage.keys import DEMO_KEY, new_store_key, write_key_info
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.store import open_store
from reviewer_app.storage.tables import StoreTable
from reviewer_app.storage.visit_repository import VisitRepository


def test_known_revisions_match_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(schema.MIGRATIONS_DIR))
    scripts = ScriptDirectory.from_config(config)
    assert tuple(reversed([s.revision for s in scripts.walk_revisions()])) == schema.REVISIONS
    assert schema.REVISIONS[-1] == schema.HEAD


def test_empty_store_upgrades_to_head_matching_the_tables(tmp_path: Path, prompt: Any) -> None:
    path = tmp_path / "reviewer.db"
    store = open_store(path, passphrase=prompt)
    with store.engines.write.connect() as conn:
        context = MigrationContext.configure(conn)
        assert context.get_current_revision() == schema.HEAD
        differences = compare_metadata(context, StoreTable.metadata)
    store.close()
    assert differences == []


def _store_at_revision(path: Path, prompt: Any, revision: str) -> bytes:
    """Create a real store file at an old ``revision``; return its key."""
    key, info = new_store_key(path, demo=False, prompt=prompt)
    write_key_info(path, info)
    engines = create_engines(path, key)
    schema.upgrade(engines.write, revision)
    engines.dispose()
    return key


def test_store_at_first_revision_upgrades_with_data_intact(tmp_path: Path, prompt: Any) -> None:
    path = tmp_path / "reviewer.db"
    key = _store_at_revision(path, prompt, "0001")
    trust = Trust(id="t1", name="Fenwick Trust")
    school = School(
        id="s1", trust_id="t1", urn="139876", name="Fenwick Primary", phase=Phase.PRIMARY
    )
    person = Person(
        id="p1", trust_id="t1", name="Ada Lister", email="ada@fenwick.example",
        roles=frozenset({Role.LEAD_REVIEWER, Role.SAFEGUARDING_LEAD}),
    )  # fmt: skip
    visit = Visit(
        id="v1",
        school_id="s1",
        framework_id="learning-walk",
        planned_start=date(2026, 3, 2),
        planned_end=date(2026, 3, 2),
        reviewers=(VisitReviewer("p1", Role.LEAD_REVIEWER),),
        status=VisitStatus.SIGNED,
    )
    # Write at revision 0001 with the engines of that time: only the 0001 tables exist.
    engines = create_engines(path, key)
    from sqlmodel import Session

    with Session(engines.write) as session, session.begin():
        OrganisationRepository(session).save_trust(trust)
        OrganisationRepository(session).save_school(school)
        OrganisationRepository(session).save_person(person)
        VisitRepository(session).save_visit(visit)
        tables = {
            row[0]
            for row in session.connection().exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
    engines.dispose()
    assert "visit" in tables
    assert "review" not in tables
    assert probe_store(path, key, passphrase=True) == "0001"

    store = open_store(path, passphrase=prompt)
    with store.reading() as session:
        assert OrganisationRepository(session).get_school("s1") == school
        assert OrganisationRepository(session).get_person("p1") == person
        assert VisitRepository(session).get_visit("v1") == visit
        review_rows = session.connection().exec_driver_sql("SELECT count(*) FROM review")
        assert review_rows.scalar_one() == 0
    store.close()
    assert probe_store(path, key, passphrase=True) == schema.HEAD


DATA = Path(__file__).resolve().parent / "data"


def test_committed_store_from_revision_0001_upgrades_with_data_intact(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_store_0001", DATA / "make_store_0001.py")
    assert spec is not None
    assert spec.loader is not None
    made = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(made)
    for name in ("store-0001.db", "store-0001.db.keyinfo.json"):
        shutil.copyfile(DATA / name, tmp_path / name)  # never upgrade the committed file itself
    path = tmp_path / "store-0001.db"
    assert probe_store(path, DEMO_KEY) == "0001"

    store = open_store(path)
    with store.reading() as session:
        organisation = OrganisationRepository(session)
        assert organisation.get_trust(made.TRUST.id) == made.TRUST
        assert organisation.list_schools() == [made.SCHOOL]
        assert organisation.list_people() == [made.PERSON]
        assert VisitRepository(session).visits_for_school(made.SCHOOL.id) == [made.VISIT]
    store.close()
    assert probe_store(path, DEMO_KEY) == schema.HEAD


def test_store_at_0003_upgrades_to_school_categorisation(tmp_path: Path, prompt: Any) -> None:
    from datetime import datetime

    from sqlmodel import Session

    from reviewer_app.domain.frameworks.categorisation import Outcome
    from reviewer_app.domain.school_category import BasisOutcome, SchoolCategory
    from reviewer_app.storage import outbox
    from reviewer_app.storage.school_category_repository import SchoolCategoryRepository

    path = tmp_path / "reviewer.db"
    key = _store_at_revision(path, prompt, "0003")
    trust = Trust(id="t1", name="Fenwick Trust", profile_id="owls")
    school = School(
        id="s1", trust_id="t1", urn="139876", name="Fenwick Primary", phase=Phase.PRIMARY
    )
    person = Person(
        id="p1", trust_id="t1", name="Ada Lister", email="ada@fenwick.example",
        roles=frozenset({Role.LEAD_REVIEWER}),
    )  # fmt: skip
    engines = create_engines(path, key)
    with Session(engines.write) as session, session.begin():
        OrganisationRepository(session).save_trust(trust)
        OrganisationRepository(session).save_school(school)
        OrganisationRepository(session).save_person(person)
        tables = {
            row[0]
            for row in session.connection().exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
    engines.dispose()
    assert "signed_report" in tables
    assert "school_category" not in tables
    assert probe_store(path, key, passphrase=True) == "0003"

    store = open_store(path, passphrase=prompt)
    category = SchoolCategory(
        id="c1", school_id="s1", scheme_id="owls-categories", scheme_version="1",
        level_key="2b", level_label="2b: Good, in line with the last inspection",
        agreed_on=date(2026, 11, 30), agreed_by="p1", rationale="Agreed with the head",
        recorded_at=datetime(2026, 11, 30, 16, 5).astimezone(), suggested_level_key="2b",
        suggestion="Suggested: 2b.",
        based_on=(BasisOutcome(Outcome("direction", "in_line", "half-termly-core-visit",
                                       "How the school is moving", "b: in line"),
                               review_id="r1", visit_date=date(2026, 11, 20)),),
    )  # fmt: skip
    with store.writing() as session:
        SchoolCategoryRepository(session).add(category)
    with store.reading() as session:
        assert OrganisationRepository(session).get_school("s1") == school
        assert SchoolCategoryRepository(session).latest("s1") == category
        assert [op.entity_id for op in outbox.pending_ops(session)] == ["c1"]
    store.close()
    assert probe_store(path, key, passphrase=True) == schema.HEAD
    assert schema.REVISIONS.index("0004") < schema.REVISIONS.index(schema.HEAD)


def test_store_at_0008_moves_the_carried_forward_mark_out_of_the_rationale(
    tmp_path: Path, prompt: Any
) -> None:
    from sqlmodel import Session

    from reviewer_app.storage.review_repository import ReviewRepository

    path = tmp_path / "reviewer.db"
    key = _store_at_revision(path, prompt, "0008")
    trust = Trust(id="t1", name="Fenwick Trust")
    school = School(
        id="s1", trust_id="t1", urn="139876", name="Fenwick Primary", phase=Phase.PRIMARY
    )
    person = Person(
        id="p1", trust_id="t1", name="Ada Lister", email="ada@fenwick.example",
        roles=frozenset({Role.LEAD_REVIEWER}),
    )  # fmt: skip
    visit = Visit(
        id="v1", school_id="s1", framework_id="our-audit", planned_start=date(2026, 9, 14),
        planned_end=date(2026, 9, 14), reviewers=(VisitReviewer("p1", Role.LEAD_REVIEWER),),
        status=VisitStatus.IN_PROGRESS,
    )  # fmt: skip
    engines = create_engines(path, key)
    with Session(engines.write) as session, session.begin():
        OrganisationRepository(session).save_trust(trust)
        OrganisationRepository(session).save_school(school)
        OrganisationRepository(session).save_person(person)
        VisitRepository(session).save_visit(visit)
        sql = session.connection().exec_driver_sql
        sql(
            "INSERT INTO review (id, visit_id, framework_id, framework_version, framework_hash, "
            "framework_snapshot, state, amendment_reason) VALUES "
            "('r1', 'v1', 'our-audit', '2', 'h', '{}', 'in_progress', '')"
        )
        for judgement_id, rationale in (
            ("carried", "Carried forward from the signed review of 15 September 2025: confirm."),
            ("own", "Seen in every class."),
            ("odd", "Carried forward from the signed review of last year: confirm."),
        ):
            sql(
                "INSERT INTO judgement (id, review_id, criterion_id, author_id, level_key, "
                "created_at, rationale, agreed) VALUES (?, 'r1', ?, 'p1', 'met', "
                "'2026-09-14T09:00:00+00:00', ?, 1)",
                (judgement_id, judgement_id, rationale),
            )
    engines.dispose()

    store = open_store(path, passphrase=prompt)
    with store.reading() as session:
        found = {j.id: j for j in ReviewRepository(session).judgements("r1")}
    store.close()
    assert found["carried"].carried_forward_from == date(2025, 9, 15)
    assert found["carried"].rationale == ""
    assert found["own"].carried_forward_from is None
    assert found["own"].rationale == "Seen in every class."
    assert found["odd"].carried_forward_from is None  # not a mark the app wrote: left as it is
    assert probe_store(path, key, passphrase=True) == schema.HEAD
