"""The first look at start-up agrees with the Workspace, and never touches the store file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import sqlcipher3

from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Phase, School
from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import DEMO_KEY, KeySource
from reviewer_app.storage.quick_read import (
    FirstLook,
    key_source,
    quick_key,
    read_first_look,
)
from reviewer_app.storage.store_file import key_pragma
from support.fixture_trust import SCHOOLS, open_fixture_workspace

DATA = Path(__file__).parent / "data"
Snapshot = Callable[[Path], dict[str, bytes]]


def _agrees(look: FirstLook | None, paths: AppPaths, *, demo: bool, passphrase=None) -> None:
    assert look is not None
    opened = open_fixture_workspace(paths) if demo else Workspace.open(paths, passphrase=passphrase)
    with opened as workspace:
        assert list(look.schools) == workspace.list_schools()
        assert look.trust == workspace.trust
        assert look.person == workspace.current_person


def _add_schools(workspace: Workspace) -> None:
    trust_id = workspace.trust.id
    for urn, name, phase in [
        ("140001", "zebra Crossing Primary", Phase.PRIMARY),
        ("140002", "Abbey Special School", Phase.SPECIAL),
        ("140003", "abbey Grange Academy", Phase.SECONDARY),
    ]:
        workspace.save_school(
            School(
                id=new_id(),
                trust_id=trust_id,
                urn=urn,
                name=name,
                phase=phase,
                local_authority="Leeds",
                has_sixth_form=phase is Phase.SECONDARY,
                has_early_years=phase is Phase.PRIMARY,
            )
        )


def test_the_demo_store_reads_as_the_workspace_lists_it(data_dir: Path) -> None:
    paths = AppPaths.from_base(data_dir).ensure()
    open_fixture_workspace(paths).close()
    store = paths.demo_store_file
    key = quick_key(store, demo=True)
    assert key == DEMO_KEY
    look = read_first_look(store, key)
    assert look is not None
    assert len(look.schools) == len(SCHOOLS)
    _agrees(look, paths, demo=True)


def test_a_passphrase_store_reads_with_the_passphrase_already_entered(
    data_dir: Path, prompt
) -> None:
    paths = AppPaths.from_base(data_dir).ensure()
    with Workspace.open(paths, passphrase=prompt) as workspace:
        _add_schools(workspace)
    store = paths.store_file
    assert key_source(store) is KeySource.PASSPHRASE
    assert quick_key(store, demo=False) is None  # nobody has entered it yet
    assert quick_key(store, demo=True, passphrase=prompt.passphrase) is None  # not the demo
    key = quick_key(store, demo=False, passphrase=prompt.passphrase)
    assert key is not None
    look = read_first_look(store, key)
    assert look is not None
    assert [s.name for s in look.schools] == [
        "abbey Grange Academy",
        "Abbey Special School",
        "zebra Crossing Primary",
    ]
    _agrees(look, paths, demo=False, passphrase=prompt)
    wrong = quick_key(store, demo=False, passphrase="not the passphrase")
    assert wrong is not None
    assert read_first_look(store, wrong) is None


def test_a_keyring_store_reads_with_the_key_from_the_keyring(
    data_dir: Path, memory_keyring
) -> None:
    paths = AppPaths.from_base(data_dir).ensure()
    with Workspace.open(paths) as workspace:
        _add_schools(workspace)
    key = quick_key(paths.store_file, demo=False)
    assert key is not None
    _agrees(read_first_look(paths.store_file, key), paths, demo=False)
    memory_keyring.secrets.clear()
    assert quick_key(paths.store_file, demo=False) is None


def test_reading_changes_no_file_and_creates_none(data_dir: Path, snapshot: Snapshot) -> None:
    paths = AppPaths.from_base(data_dir).ensure()
    open_fixture_workspace(paths).close()
    folder = paths.data
    assert not list(folder.glob("*-wal"))
    assert not list(folder.glob("*-shm"))
    before = snapshot(folder)
    times = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert read_first_look(paths.demo_store_file, DEMO_KEY) is not None
    assert read_first_look(paths.demo_store_file, b"\x01" * 32) is None  # a wrong key either
    assert snapshot(folder) == before
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == times


def test_a_store_in_use_with_a_write_ahead_log_is_left_to_the_normal_path(data_dir: Path) -> None:
    paths = AppPaths.from_base(data_dir).ensure()
    with open_fixture_workspace(paths) as workspace:
        school = workspace.list_schools()[0]
        workspace.save_school(
            School(
                id=school.id,
                trust_id=school.trust_id,
                urn=school.urn,
                name="Renamed While Open",
                phase=school.phase,
                local_authority=school.local_authority,
            )
        )
        wal = paths.demo_store_file.with_name("demo.db-wal")
        assert wal.stat().st_size > 0
        # Read without the log, the store would show the old name: so no quick read at all.
        assert read_first_look(paths.demo_store_file, DEMO_KEY) is None


def test_a_store_at_another_revision_is_left_to_the_normal_path(
    tmp_path: Path, data_dir: Path
) -> None:
    for name in ("store-0001.db", "store-0001.db.keyinfo.json"):
        shutil.copyfile(DATA / name, tmp_path / name)
    older = tmp_path / "store-0001.db"
    assert quick_key(older, demo=True) == DEMO_KEY
    assert read_first_look(older, DEMO_KEY) is None  # the Workspace would upgrade it first

    paths = AppPaths.from_base(data_dir).ensure()
    open_fixture_workspace(paths).close()
    newer = paths.demo_store_file
    conn = sqlcipher3.connect(str(newer), isolation_level=None)
    conn.execute(key_pragma(DEMO_KEY))
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    assert read_first_look(newer, DEMO_KEY) is None  # the Workspace refuses it, and says why


def test_no_store_and_not_a_store_read_as_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "reviewer.db"
    assert quick_key(missing, demo=False) is None
    assert read_first_look(missing, DEMO_KEY) is None
    missing.write_bytes(b"these are my notes, not a database" * 200)
    assert read_first_look(missing, DEMO_KEY) is None
    assert quick_key(missing, demo=True) is None  # no key information file
