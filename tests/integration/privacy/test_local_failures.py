"""Local failures are one sentence naming the file at fault and what to do; the traceback goes
only to the log every command writes.

The disks here are real: a store file the operating system refuses to write (``chattr +i`` when
run as root, who ignores file modes; read-only mode otherwise), ``/dev/full`` for a full disk,
and SQLite's own "database or disk is full" from a page limit on a real SQLCipher connection.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlcipher3

from reviewer_app import logging_setup
from reviewer_app.cli import main
from reviewer_app.commands.workspace_opening import run_safely
from reviewer_app.paths import AppPaths
from reviewer_app.storage.disk_failures import disk_failure
from reviewer_app.storage.errors import TruncatedStoreError
from reviewer_app.storage.store_file import check_file_shape

if TYPE_CHECKING:
    from conftest import ExpectedLog


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture
def frozen_store(demo_base: Path) -> Iterator[Path]:
    """The demo store, which the operating system refuses to change."""
    store = demo_base / "data" / "demo.db"
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("chattr is needed to make a file read-only for root")
        done = subprocess.run(["chattr", "+i", str(store)], check=False, capture_output=True)
        if done.returncode:
            pytest.skip("this file system has no immutable attribute")
        try:
            yield store
        finally:
            subprocess.run(["chattr", "-i", str(store)], check=True)
    else:
        store.chmod(0o444)
        yield store
        store.chmod(0o644)


def test_a_read_only_store_is_a_sentence_and_the_traceback_is_in_the_log(
    frozen_store: Path,
    demo_base: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    expected_log: ExpectedLog,
) -> None:
    expected_log(logging.WARNING, "The disk refused a write to the store")
    secret = tmp_path / "pass.txt"
    secret.write_text("a long bundle passphrase\n", encoding="utf-8")
    bundle = tmp_path / "out.reviewer"
    status = main([
        "export", str(bundle), "--passphrase-file", str(secret), "--data-dir", str(demo_base),
        "--demo",
    ])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 1
    assert _lines(err) == [_lines(err)[0]], err  # one sentence, no traceback
    assert str(frozen_store) in err, err
    assert "read-only" in err, err
    assert "Traceback" not in err
    log = (demo_base / "logs" / "reviewer.log").read_text(encoding="utf-8")
    assert "Traceback" in log
    assert "The disk refused a write to the store" in log
    assert not bundle.exists()


def test_an_unexpected_failure_names_the_log_file_that_holds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expected_log: ExpectedLog
) -> None:
    expected_log(logging.ERROR, "sync failed")
    base = tmp_path / "base"
    logging_setup.configure(AppPaths.from_base(base).log_file)

    def body() -> int:
        raise RuntimeError("a fault no command expects")

    assert run_safely("sync", body) == 1
    err = capsys.readouterr().err
    log_file = base / "logs" / "reviewer.log"
    assert (
        err.strip()
        == f"Something went wrong during 'sync'; the details are in the log ({log_file})."
    )
    assert "RuntimeError: a fault no command expects" in log_file.read_text(encoding="utf-8")


def test_frameworks_check_writes_the_log(tmp_path: Path) -> None:
    base = tmp_path / "base"
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    assert main(["--data-dir", str(base), "frameworks", "check", str(bad)]) == 1
    assert (base / "logs" / "reviewer.log").exists()


def test_a_zero_filled_store_is_called_damaged_not_a_wrong_passphrase(tmp_path: Path) -> None:
    store = tmp_path / "reviewer.db"
    store.write_bytes(bytes(4096 * 8))  # what a crashed copy or a bad sector leaves
    with pytest.raises(TruncatedStoreError) as caught:
        check_file_shape(store)
    assert str(store) in str(caught.value)
    assert "The passphrase is not the problem" in str(caught.value)
    assert "filled with zeros" in str(caught.value)


def test_a_full_disk_and_a_read_only_database_are_named(tmp_path: Path) -> None:
    full_disk = os.open("/dev/full", os.O_WRONLY)
    with pytest.raises(OSError) as full:
        os.write(full_disk, b"x" * 65536)
    os.close(full_disk)
    failure = disk_failure(full.value, Path("/dev/full"))
    assert failure is not None
    assert "/dev/full is full" in str(failure)

    store = tmp_path / "small.db"
    conn = sqlcipher3.connect(str(store), isolation_level=None)
    conn.execute("CREATE TABLE t (x BLOB)")
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(sqlcipher3.DatabaseError) as sqlite_full:
        conn.execute("INSERT INTO t VALUES (zeroblob(1000000))")
    conn.close()
    failure = disk_failure(sqlite_full.value, store)
    assert failure is not None
    assert f"The disk holding {store} is full" in str(failure)

    read_only = sqlcipher3.connect(f"{store.as_uri()}?mode=ro", uri=True, isolation_level=None)
    with pytest.raises(sqlcipher3.DatabaseError) as refused:
        read_only.execute("INSERT INTO t VALUES (1)")
    read_only.close()
    failure = disk_failure(refused.value, store)
    assert failure is not None
    assert f"{store} is read-only" in str(failure)
    assert disk_failure(ValueError("something else")) is None
