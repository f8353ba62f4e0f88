"""Property tests: whatever a reviewer types comes back exactly, from store and from payload."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer_app.domain.canonical import canonical_text, to_json_value
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.review import EvidenceNote, Review
from reviewer_app.domain.visits import Visit, VisitReviewer
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.outbox import pending_ops
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import Store, open_store
from reviewer_app.storage.visit_repository import VisitRepository

words = st.text(max_size=300)
short = st.text(min_size=1, max_size=30)
offsets = st.builds(
    timezone, st.timedeltas(min_value=timedelta(hours=-12), max_value=timedelta(hours=14))
)
times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=offsets
)
notes = st.builds(
    EvidenceNote,
    id=st.just(""),
    review_id=st.just("r1"),
    author_id=st.just("p1"),
    text=words,
    captured_at=times,
    criterion_ids=st.lists(short, max_size=4, unique=True).map(tuple),
    tags=st.dictionaries(short, short, max_size=4),
    attachment_ids=st.just(()),
    pupil_refs=st.lists(short, max_size=4).map(tuple),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store for every example (the demo key: no passphrase derivation per example)."""
    opened = open_store(tmp_path_factory.mktemp("properties") / "demo.db", demo=True)
    today = datetime.now().date()
    with opened.writing() as session:
        org = OrganisationRepository(session)
        org.save_trust(Trust(id="t1", name="Trust"))
        org.save_school(School(id="s1", trust_id="t1", urn="100000", name="S", phase=Phase.PRIMARY))
        org.save_person(Person(id="p1", trust_id="t1", name="P", email="p@x.example"))
        VisitRepository(session).save_visit(
            Visit(id="v1", school_id="s1", framework_id="f", planned_start=today,
                  planned_end=today, reviewers=(VisitReviewer("p1", Role.LEAD_REVIEWER),))
        )  # fmt: skip
        ReviewRepository(session).add_review(
            Review(id="r1", visit_id="v1", framework_id="f", framework_version="1",
                   framework_hash="h", created_at=datetime.now(UTC)), "snapshot"
        )  # fmt: skip
    yield opened
    opened.close()


@settings(max_examples=80, deadline=None)
@given(note=notes)
def test_any_note_round_trips_through_the_store_and_its_payload(
    store: Store, note: EvidenceNote
) -> None:
    note = replace(note, id=new_id())
    with store.writing() as session:
        EvidenceRepository(session).add_note(note)
    with store.reading() as session:
        stored = EvidenceRepository(session).get_note(note.id)
        (op,) = [o for o in pending_ops(session, review_id="r1") if o.entity_id == note.id]
    assert stored == note
    assert stored is not None
    assert stored.text == note.text
    assert json.loads(op.payload) == to_json_value(note)
    assert op.payload == canonical_text(to_json_value(note))
