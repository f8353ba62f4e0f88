"""A backup bundle restores the reviews exactly: the store after a restore into a new folder
holds, record by record, what the store held before the backup, signed reports included (so no
signature is lost), and the restored reports still verify with poppler's ``pdfsig``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from reviewer_app.cli import main
from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.local_settings import CURRENT_PERSON, set_setting
from reviewer_app.storage.store import Store
from support.demo_reports import sign_featured_demo_reports

#: Every table that holds a review or what belongs to it, with the columns that name a row.
REVIEW_TABLES: dict[str, tuple[str, ...]] = {
    "visit": ("id",),
    "visit_reviewer": ("visit_id", "person_id"),
    "review": ("id",),
    "judgement": ("id",),
    "field_value": ("review_id", "field_id"),
    "attachment": ("id",),
    "evidence_note": ("id",),
    "note_criterion": ("note_id", "position"),
    "note_tag": ("note_id", "kind"),
    "note_attachment": ("note_id", "position"),
    "note_pupil": ("note_id", "position"),
    "action": ("id",),
    "action_follow_up": ("id",),
    "signed_report": ("id",),
}
#: The trust's records a bundle carries only as far as its reviews name them (the rest come
#: from the trust server at the first sync): each restored one must be as it was.
NAMED_TABLES: dict[str, tuple[str, ...]] = {
    "school": ("id",),
    "person": ("id",),
    "person_role": ("person_id", "role"),
}
#: Unsent changes: the same operations, though their place in this laptop's queue is new.
OUTBOX_COLUMNS = (
    "op_id", "review_id", "entity", "entity_id", "field", "kind", "payload", "base_version",
    "parent_op_id", "device_time", "state",
)  # fmt: skip


def _rows(store: Store, table: str, key: tuple[str, ...]) -> dict[tuple[Any, ...], dict[str, Any]]:
    with store.reading() as session:
        result = session.connection().execute(text(f"SELECT * FROM {table}"))
        rows = [dict(row._mapping) for row in result]
    return {tuple(row[k] for k in key): row for row in rows}


def _snapshot(store: Store) -> dict[str, Any]:
    tables = {name: _rows(store, name, key) for name, key in (REVIEW_TABLES | NAMED_TABLES).items()}
    reviewed = {row["visit_id"] for row in tables["review"].values()}
    tables["visit"] = {k: v for k, v in tables["visit"].items() if k[0] in reviewed}
    tables["visit_reviewer"] = {
        k: v for k, v in tables["visit_reviewer"].items() if v["visit_id"] in reviewed
    }
    outbox = _rows(store, "outbox", ("op_id",))
    tables["outbox"] = {k: {c: row[c] for c in OUTBOX_COLUMNS} for k, row in outbox.items()}
    attached = {row["sha256"] for row in tables["attachment"].values()}
    blobs = _rows(store, "blob", ("sha256",))
    tables["blob"] = {k: row for k, row in blobs.items() if k[0] in attached}
    return tables


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed")
def test_a_restore_holds_the_store_record_by_record_signed_reports_included(
    demo_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_demo_workspace(AppPaths.from_base(demo_base)) as workspace:
        dsl = next(p for p in workspace.list_people() if p.may_see_safeguarding)
        with workspace.store.writing() as session:
            set_setting(session, CURRENT_PERSON, dsl.id)
        assert sign_featured_demo_reports(workspace) > 0
        before = _snapshot(workspace.store)
    assert before["signed_report"], "the demo store has signed reports to keep"
    assert before["attachment"] or before["evidence_note"]

    secret = tmp_path / "pass.txt"
    secret.write_text("a backup passphrase for the test\n", encoding="utf-8")
    bundle = tmp_path / "backup.reviewer"
    base = ["--passphrase-file", str(secret)]
    exported = main(["export", str(bundle), *base, "--data-dir", str(demo_base), "--demo"])
    out, err = capsys.readouterr()
    assert exported == 0, err
    assert f"{len(before['signed_report'])} signed report(s)" in out

    fresh = tmp_path / "new laptop"
    imported = main(["import", str(bundle), *base, "--data-dir", str(fresh)])
    out, err = capsys.readouterr()
    assert imported == 0, err
    assert "(a restore)" in out
    assert f"{len(before['signed_report'])} signed report(s)" in out

    with Workspace.open(AppPaths.from_base(fresh)) as restored:
        assert restored.current_person.id == dsl.id
        after = _snapshot(restored.store)
        pdfs = [row["pdf"] for row in after["signed_report"].values()]
    for table in before:
        if table in NAMED_TABLES:  # (a new store also has its own placeholder person)
            kept = after[table].keys() & before[table].keys()
            assert kept, table
            for key in kept:
                assert after[table][key] == before[table][key], f"{table} {key} differs"
        else:
            assert after[table] == before[table], f"{table} differs after the restore"

    team = {row["person_id"] for row in before["visit_reviewer"].values()}
    assert team <= {key[0] for key in after["person"]}
    # The restored PDFs are the signed ones, byte for byte: their signatures still verify.
    report = tmp_path / "restored.pdf"
    report.write_bytes(pdfs[-1])
    checked = subprocess.run(["pdfsig", str(report)], capture_output=True, text=True, check=False)
    assert "Signature Validation: Signature is Valid." in checked.stdout, checked.stdout
