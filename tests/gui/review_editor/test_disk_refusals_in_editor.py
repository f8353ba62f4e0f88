"""A disk that refuses a write is a sentence on screen naming the store file (issue 20, item 5):
the editor's save indicator says the disk holding the store is full, and nothing was written.
The refusal is SQLite's own "database or disk is full" on the app's real SQLCipher writer
connection (a page limit set on it), not a stand-in."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.domain.visits import VisitStatus
from support.fixture_trust import CEDAR, LEAD

if TYPE_CHECKING:
    from conftest import ExpectedLog

SCHOOL = CEDAR


def test_a_full_disk_says_so_and_names_the_store(
    drive, tmp_path: Path, qtbot, expected_log: ExpectedLog
) -> None:
    expected_log(logging.WARNING, "The disk refused a write to the store")
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    editor = drive.open(shell, visit)
    review_id = editor.ctx.review.id
    records = shell.workspace.reviews
    before = len(records.attachments(review_id))
    store = shell.workspace.store

    # The disk fills: the writer may not grow the store file by one more page.
    with store.engines.write.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
    plan = tmp_path / "scanned-plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n" + os.urandom(2_000_000))
    drive.drop_on(editor.evidence.notes_view.viewport(), [plan])
    qtbot.waitUntil(lambda: editor.saved_indicator.property("state") == "failed", timeout=10_000)
    assert editor.saved_indicator.text() == (
        f"Not saved: The disk holding {store.path} is full, so nothing was written."
    )
    assert len(records.attachments(review_id)) == before
