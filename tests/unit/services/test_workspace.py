"""The Workspace the GUI uses: schools, people, visits, validation, and the demo trust."""

from __future__ import annotations

import shutil
import threading
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from reviewer_app.demo import trust as demo
from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.errors import LockedError, NotFoundError, ValidationError
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person, Phase, Role, School
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace


@pytest.fixture(scope="module")
def seeded_demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store seeded once for the module: seeding is the slow part of opening it, and
    the tests below that take ``workspace`` are about the workspace, not the seeding."""
    seeded = AppPaths.from_base(tmp_path_factory.mktemp("seeded-demo"))
    open_demo_workspace(seeded).close()
    assert not seeded.demo_store_file.with_name(seeded.demo_store_file.name + "-wal").exists()
    return seeded.demo_store_file


@pytest.fixture
def workspace(paths: AppPaths, seeded_demo_store: Path) -> Any:
    """The demo workspace on this test's own copy of the seeded store (writes stay here)."""
    target = paths.ensure().demo_store_file
    for part in seeded_demo_store.parent.glob(seeded_demo_store.name + "*"):  # its key file too
        shutil.copyfile(
            part, target.with_name(part.name.replace(seeded_demo_store.name, target.name))
        )
    ws = open_demo_workspace(paths)
    yield ws
    ws.close()


def _visit(ws: Workspace, **changes: Any) -> Visit:
    school = ws.list_schools("Oakfield")[0]
    visit = Visit(
        id=new_id(),
        school_id=school.id,
        framework_id="learning-walk",
        planned_start=date.today() + timedelta(days=60),
        planned_end=date.today() + timedelta(days=60),
        reviewers=(VisitReviewer(ws.current_person.id, Role.LEAD_REVIEWER),),
    )
    return replace(visit, **changes)


# ---------------------------------------------------------------- demo trust


def test_demo_trust_has_the_promised_schools_people_and_visits(workspace: Workspace) -> None:
    schools = workspace.list_schools()
    assert len(schools) >= 6
    assert [s.name for s in schools] == sorted((s.name for s in schools), key=str.casefold)
    phases = {s.phase for s in schools}
    assert {Phase.PRIMARY, Phase.SECONDARY, Phase.SPECIAL} <= phases
    assert any(s.has_sixth_form for s in schools)
    assert any(s.has_early_years for s in schools)
    assert all(len(s.urn) == 6 and s.urn.isdigit() and s.local_authority for s in schools)
    assert len({s.urn for s in schools}) == len(schools)

    people = workspace.list_people()
    assert {role for p in people for role in p.roles} == set(Role)
    assert workspace.current_person.has_role(Role.LEAD_REVIEWER)
    assert workspace.trust.name == demo.DEMO_TRUST_NAME

    visits = [v for s in schools for v in workspace.visits_for_school(s.id)]
    today = date.today()
    past = [v for v in visits if v.start < today]
    future = [v for v in visits if v.start > today]
    assert {v.framework_id for v in visits} == set(demo.DEMO_FRAMEWORKS)
    # A year and a half of history (issue 17: the trust's overview compares over time).
    assert min(v.start for v in past) >= today - timedelta(days=600)
    assert min(v.start for v in past) <= today - timedelta(days=500)
    assert max(v.start for v in past) >= today - timedelta(days=31)
    assert min(v.start for v in past) <= today - timedelta(days=300)
    assert len(future) >= 2
    assert all(v.status is VisitStatus.PLANNED for v in future)
    assert {v.status for v in past} >= {VisitStatus.SIGNED, VisitStatus.CANCELLED}
    assert {v.status for v in visits} >= {VisitStatus.IN_PROGRESS, VisitStatus.READY_FOR_SIGN_OFF}
    for v in visits:  # every demo team obeys the rules save_visit enforces
        for member in v.reviewers:
            person = next(p for p in people if p.id == member.person_id)
            assert member.role is not Role.SAFEGUARDING_LEAD or person.may_see_safeguarding


def test_demo_seeding_is_idempotent(paths: AppPaths) -> None:
    with open_demo_workspace(paths) as first:
        counts = (len(first.list_schools()), len(first.list_people()))
        visits = sum(len(first.visits_for_school(s.id)) for s in first.list_schools())
        person = first.current_person
        assert first.lane.call(demo.seed_demo, first.store) is False
    with open_demo_workspace(paths) as second:
        assert (len(second.list_schools()), len(second.list_people())) == counts
        assert sum(len(second.visits_for_school(s.id)) for s in second.list_schools()) == visits
        assert second.current_person == person


def test_demo_store_is_kept_apart_from_real_work(paths: AppPaths, prompt: Any) -> None:
    open_demo_workspace(paths).close()
    with Workspace.open(paths, passphrase=prompt) as real:
        assert real.list_schools() == []
        assert real.needs_setup
    assert paths.store_file.exists()
    assert paths.demo_store_file.exists()


# ---------------------------------------------------------------- schools and visits


def test_schools_filter_by_name_or_urn(workspace: Workspace) -> None:
    oakfield = workspace.list_schools("oakFIELD")
    assert [s.name for s in oakfield] == ["Oakfield Primary Academy"]
    assert workspace.list_schools(oakfield[0].urn) == oakfield
    assert workspace.list_schools(oakfield[0].urn[:3]) != []
    assert workspace.list_schools("no such school") == []
    assert workspace.list_schools("%") == []
    assert workspace.get_school(oakfield[0].id) == oakfield[0]
    with pytest.raises(NotFoundError):
        workspace.get_school("missing")


def test_visits_are_newest_first(workspace: Workspace) -> None:
    school = workspace.list_schools("Northfield")[0]
    starts = [v.start for v in workspace.visits_for_school(school.id)]
    assert starts == sorted(starts, reverse=True)


def test_saved_visit_is_there_after_reopening(paths: AppPaths) -> None:
    with open_demo_workspace(paths) as ws:
        visit = ws.save_visit(_visit(ws, title="Year 5 reading"))
        school_visits = ws.visits_for_school(visit.school_id)
        assert school_visits[0] == visit  # the newest (it is in the future)
    with open_demo_workspace(paths) as ws:
        assert ws.get_visit(visit.id) == visit
        changed = ws.save_visit(replace(visit, status=VisitStatus.IN_PROGRESS, reviewers=(
            VisitReviewer(ws.current_person.id, Role.LEAD_REVIEWER),
            VisitReviewer(ws.list_people()[0].id, Role.PEER_REVIEWER),
        )))  # fmt: skip
        assert ws.get_visit(visit.id) == changed


def test_save_visit_checks_school_team_and_lock(workspace: Workspace) -> None:
    with pytest.raises(ValidationError, match="school"):
        workspace.save_visit(_visit(workspace, school_id="missing"))
    stranger = VisitReviewer("nobody", Role.PEER_REVIEWER)
    with pytest.raises(ValidationError, match="team"):
        workspace.save_visit(_visit(workspace, reviewers=(stranger,)))
    no_dsl = next(p for p in workspace.list_people() if not p.may_see_safeguarding)
    with pytest.raises(ValidationError, match="safeguarding lead"):
        workspace.save_visit(
            _visit(workspace, reviewers=(VisitReviewer(no_dsl.id, Role.SAFEGUARDING_LEAD),))
        )
    admin = next(p for p in workspace.list_people() if p.has_role(Role.TRUST_ADMIN))
    with pytest.raises(ValidationError, match="visit team"):
        workspace.save_visit(
            _visit(workspace, reviewers=(VisitReviewer(admin.id, Role.TRUST_ADMIN),))
        )
    signed = next(
        v
        for s in workspace.list_schools()
        for v in workspace.visits_for_school(s.id)
        if v.status is VisitStatus.SIGNED
    )
    with pytest.raises(LockedError):
        workspace.save_visit(replace(signed, title="changed"))
    assert workspace.get_visit(signed.id) == signed


def test_writes_run_on_the_writer_lane_and_submit_does_not_wait(workspace: Workspace) -> None:
    release = threading.Event()
    threads: list[str] = []

    def slow_write(visit: Visit) -> Visit:
        threads.append(threading.current_thread().name)
        release.wait(timeout=120)
        return workspace.save_visit(visit)  # nested call: runs inline on the lane

    first = workspace.submit(slow_write, _visit(workspace))
    second = workspace.submit(workspace.save_visit, _visit(workspace))
    assert not first.done()
    assert not second.done()
    release.set()
    saved = first.result(timeout=120)
    assert second.result(timeout=120).id != saved.id
    assert workspace.get_visit(saved.id) == saved
    assert threads
    assert threads[0].startswith("reviewer-writer")
    assert threads[0] != threading.current_thread().name


def test_person_and_school_edits(workspace: Workspace) -> None:
    school = School(
        id=new_id(), trust_id=workspace.trust.id, urn="150001", name="Ashgrove Infant School",
        phase=Phase.PRIMARY, local_authority="York", has_early_years=True,
    )  # fmt: skip
    workspace.save_school(school)
    assert workspace.list_schools("Ashgrove") == [school]
    with pytest.raises(ValidationError, match="URN"):
        workspace.save_school(replace(school, id=new_id(), name="Another"))
    person = Person(
        id=new_id(), trust_id=workspace.trust.id, name="Zoe Quarry",
        email="zoe@northfield-trust.example", roles=frozenset({Role.PEER_REVIEWER}),
    )  # fmt: skip
    workspace.save_person(person)
    assert workspace.get_person(person.id) == person


@pytest.mark.parametrize("today", [date(2026, 1, 6), date(2026, 9, 8), date(2026, 12, 4)])
def test_demo_visits_are_seeded_in_term_time(paths: AppPaths, today: date) -> None:
    from reviewer_app.storage.store import open_store

    store = open_store(paths.ensure().demo_store_file, demo=True)
    assert demo.seed_demo(store, today=today)
    with Workspace(store, _lane(), demo=True) as ws:
        visits = [v for s in ws.list_schools() for v in ws.visits_for_school(s.id)]
    days = [
        v.planned_start + timedelta(days=d)
        for v in visits
        for d in range((v.planned_end - v.planned_start).days + 1)
    ]
    assert days
    assert not [d for d in days if d.weekday() >= 5]
    christmas = [d for d in days if (d.month, d.day) >= (12, 20) or (d.month, d.day) <= (1, 4)]
    summer = [d for d in days if (7, 22) <= (d.month, d.day) <= (9, 2)]
    assert christmas == []
    assert summer == []


def test_demo_visits_fall_on_weekdays_and_keep_up_with_the_calendar(paths: AppPaths) -> None:
    from reviewer_app.storage.store import open_store

    seeded_on = date(2026, 3, 4)  # a Wednesday
    store = open_store(paths.ensure().demo_store_file, demo=True)
    assert demo.seed_demo(store, today=seeded_on)
    assert demo.refresh_demo_dates(store, today=seeded_on + timedelta(days=6)) == 0
    with Workspace(store, _lane(), demo=True) as ws:
        before = {v.id: v for s in ws.list_schools() for v in ws.visits_for_school(s.id)}
    assert all(v.start.weekday() < 5 and v.planned_end.weekday() < 5 for v in before.values())

    store = open_store(paths.demo_store_file, demo=True)
    assert demo.refresh_demo_dates(store, today=seeded_on + timedelta(days=30)) == 28
    assert demo.refresh_demo_dates(store, today=seeded_on + timedelta(days=30)) == 0
    with Workspace(store, _lane(), demo=True) as ws:
        after = {v.id: v for s in ws.list_schools() for v in ws.visits_for_school(s.id)}
    assert after.keys() == before.keys()
    for visit_id, visit in after.items():
        old = before[visit_id]
        assert visit.planned_start == old.planned_start + timedelta(days=28)
        assert visit.planned_end == old.planned_end + timedelta(days=28)
        assert visit.actual_start == (old.actual_start and old.actual_start + timedelta(days=28))
        assert visit.status is old.status


def _lane() -> Any:
    from reviewer_app.services.writer_lane import WriterLane

    return WriterLane()


def test_a_bad_store_is_refused_without_leaving_threads_behind(
    paths: AppPaths, prompt: Any
) -> None:
    from reviewer_app.storage.errors import NotAStoreError, StoreError

    paths.ensure().store_file.write_text("these are the governors' minutes\n" * 50)
    threads = threading.active_count()
    with pytest.raises(StoreError) as caught:
        Workspace.open(paths, passphrase=prompt)
    assert isinstance(caught.value, NotAStoreError)
    assert str(paths.store_file) in str(caught.value)
    assert threading.active_count() == threads
