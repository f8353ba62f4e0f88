"""bench/store: what the encrypted store costs, as ratios against baselines run in the same process.

1. Write latency: saving one evidence note through ``Workspace.reviews.add_note`` (writer lane,
   SQLCipher, outbox row, ``synchronous=FULL`` commit) against inserting and committing a row of
   the same size with the standard library's plain ``sqlite3`` in WAL + ``synchronous=FULL``.
2. Reading a big review: every record of a review with 1,500 evidence notes and 40 photos
   (notes with criteria, tags and pupil references; attachment metadata, not photo bytes)
   against reading an empty review.
3. Opening the demo store again (probe, engines, identity) against opening a plain sqlite3 file.

Run: ``uv run python bench/store.py``. Prints medians in milliseconds and the ratios.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.review import Attachment, EvidenceNote
from reviewer_app.paths import AppPaths
from reviewer_app.storage.blobs import put_blob
from reviewer_app.storage.evidence_repository import EvidenceRepository

NOTE = "Pupils in Year 5 explained their method for comparing fractions using bar models; " * 3
RUNS = 7


def median_ms(fn: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def plain_sqlite_write(folder: Path, count: int) -> Callable[[], None]:
    conn = sqlite3.connect(folder / "plain.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE note (id TEXT PRIMARY KEY, text TEXT, at TEXT)")

    def write() -> None:
        for _ in range(count):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO note VALUES (?, ?, ?)", (new_id(), NOTE, datetime.now().isoformat())
            )
            conn.execute("COMMIT")

    return write


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = AppPaths.from_base(folder / "app")
        ws = open_demo_workspace(paths)
        me = ws.current_person.id
        visits = [
            v
            for s in ws.list_schools()
            for v in ws.visits_for_school(s.id)
            if v.lead.person_id == me and v.status.value != "cancelled"
        ]
        big_visit, empty_visit, write_visit = visits[:3]

        def start(visit_id: str) -> str:
            return ws.reviews.start_review(
                visit_id, framework_id="two-day-peer-review", framework_version="1.0.0",
                framework_hash="ab" * 32, framework_snapshot="id: two-day-peer-review\n" * 200,
            ).id  # fmt: skip

        big, empty, writes = start(big_visit.id), start(empty_visit.id), start(write_visit.id)

        # -- 1. write latency
        per_batch = 20
        ours = median_ms(lambda: [ws.reviews.add_note(writes, NOTE) for _ in range(per_batch)])
        plain = median_ms(plain_sqlite_write(folder, per_batch))
        print(f"note write: {ours / per_batch:.2f} ms each through the Workspace, "
              f"{plain / per_batch:.2f} ms plain sqlite3 -> ratio {ours / plain:.2f}")  # fmt: skip

        # -- 2. a big review (seeded directly through the repository, in one transaction)
        base = datetime.now().astimezone() - timedelta(days=1)

        def seed_big_review() -> None:
            with ws.store.writing() as session:
                evidence = EvidenceRepository(session)
                photos = []
                for i in range(40):
                    data = os.urandom(200_000)
                    photo = Attachment(
                        id=new_id(), review_id=big, sha256=put_blob(session, data),
                        filename=f"photo-{i}.jpg", media_type="image/jpeg", size=len(data),
                        author_id=me, added_at=base,
                    )  # fmt: skip
                    evidence.add_attachment(photo)
                    photos.append(photo.id)
                for i in range(1500):
                    evidence.add_note(
                        EvidenceNote(
                            id=new_id(), review_id=big, author_id=me, text=f"{NOTE} ({i})",
                            captured_at=base + timedelta(seconds=i),
                            criterion_ids=(f"criterion-{i % 12}", f"criterion-{(i + 5) % 12}"),
                            tags={"year_group": f"Year {i % 6 + 1}", "subject": "Maths"},
                            attachment_ids=(photos[i % 40],) if i % 30 == 0 else (),
                            pupil_refs=(f"P-{i % 90:04d}",),
                        )
                    )  # fmt: skip

        ws.lane.call(seed_big_review)

        def read(review_id: str) -> None:
            ws.reviews.notes(review_id)
            ws.reviews.attachments(review_id)
            ws.reviews.judgements(review_id)
            ws.reviews.field_values(review_id)

        big_ms = median_ms(lambda: read(big))
        empty_ms = median_ms(lambda: read(empty))
        print(f"read review: 1,500 notes + 40 photos {big_ms:.1f} ms, empty {empty_ms:.1f} ms "
              f"-> ratio {big_ms / empty_ms:.1f}")  # fmt: skip
        ws.close()

        # -- 3. reopening
        def reopen() -> None:
            open_demo_workspace(paths).close()

        def plain_open() -> None:
            conn = sqlite3.connect(folder / "plain.db")
            conn.execute("SELECT count(*) FROM note").fetchone()
            conn.close()

        ours_open = median_ms(reopen)
        plain_open_ms = median_ms(plain_open)
        size_mb = paths.demo_store_file.stat().st_size >> 20
        print(f"open store: {ours_open:.1f} ms (demo, {size_mb} MB), plain sqlite3 "
              f"{plain_open_ms:.2f} ms -> ratio {ours_open / plain_open_ms:.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
