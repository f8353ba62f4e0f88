"""Benchmark: the trust overview and the data API for 60 schools x 3 years of visits on
PostgreSQL, against a plain SQL query of the same rows, in the same run.

Seeds a throwaway database: 60 schools, 8 reviewed visits a year for 3 years (health checks and
peer reviews), each with the lead's agreed judgement of the six areas and safeguarding and two
actions (about 1,440 reviews, 10,000 judgements). Then times, for the central team:

* the overview: ``trust_picture.trust_overview`` plus rendering its page's template;
* the API: ``data_export.judgement_rows`` (every row the API's pages are cut from);
* the baseline: one plain SQL query fetching the same judgement records with their visits.

    uv run python bench/console.py --postgres postgresql+psycopg://root@/postgres?host=/var/run/postgresql

Target (issue 17): the page within 3x of the query, and under 300 ms server time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session

from reviewer_app.domain.canonical import canonical_json, sha256_hex
from reviewer_app.paths import frameworks_dir
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.data_export import judgement_rows
from reviewer_app.server.database import create_server_engine, insert_rows, migrate, write_session
from reviewer_app.server.trust_picture import AREA_COLUMNS, OverviewFilters, Viewer, trust_overview

SCHOOLS = 60
YEARS = 3
PER_YEAR = 8
LEVELS = ("urgent_improvement", "needs_attention", "expected_standard", "strong_standard",
          "exceptional")  # fmt: skip
TARGET_RATIO = 3.0
TARGET_MS = 300.0


def seed(engine: sa.Engine) -> str:
    """The trust; returns the central-team person's id."""
    with write_session(engine) as s:
        trust = adm.create_trust(s, "Bench Trust").id
        adm.import_frameworks(s, frameworks_dir())
        admin = adm.create_person(
            s, trust, name="Ada Admin", email="ada@bench.example", roles=["trust_admin"]
        ).id
        lead = adm.create_person(
            s, trust, name="Lee Lead", email="lee@bench.example", roles=["lead_reviewer"]
        ).id
        schools = [
            adm.create_school(s, trust, urn=f"{200000 + n}", name=f"School {n:02d}",
                              phase="primary", local_authority="Leeds").id
            for n in range(SCHOOLS)
        ]  # fmt: skip
    start = date(2024, 1, 8)
    visits, teams, reviews, records = [], [], [], []
    for n, school in enumerate(schools):
        for v in range(YEARS * PER_YEAR):
            day = start + timedelta(days=v * 45 + n % 7)
            framework = "two-day-peer-review" if v % 4 == 0 else "health-check"
            visit_id, review_id = str(uuid.uuid4()), str(uuid.uuid4())
            visits.append({"id": visit_id, "school_id": school, "framework_id": framework,
                           "planned_start": day, "planned_end": day,
                           "planned_by": None})  # fmt: skip
            teams.append({"visit_id": visit_id, "person_id": lead, "role": "lead_reviewer"})
            reviews.append({"id": review_id, "visit_id": visit_id, "framework_id": framework,
                            "framework_version": "1", "framework_hash": "", "last_seq": 0,
                            "locked": False, "created_by": lead})  # fmt: skip
            seq = 0
            payloads: list[tuple[str, dict[str, Any]]] = []
            for k, column in enumerate((*AREA_COLUMNS,)):
                payloads.append(("judgement", {
                    "id": str(uuid.uuid4()), "review_id": review_id,
                    "criterion_id": column.key, "author_id": lead,
                    "level_key": LEVELS[(n + v + k) % 5], "agreed": True,
                    "created_at": datetime.combine(day, datetime.min.time(), UTC).isoformat(),
                    "rationale": "Seen across the school."}))  # fmt: skip
            payloads.append(("judgement", {
                "id": str(uuid.uuid4()), "review_id": review_id, "criterion_id": "safeguarding",
                "author_id": lead, "level_key": "met", "agreed": True,
                "created_at": datetime.combine(day, datetime.min.time(), UTC).isoformat(),
                "rationale": "In order."}))  # fmt: skip
            for a in range(2):
                payloads.append(("action", {
                    "id": str(uuid.uuid4()), "review_id": review_id, "school_id": school,
                    "text": f"Action {a}", "owner": "Headteacher",
                    "due": (day + timedelta(weeks=8)).isoformat(), "priority": "medium",
                    "created_by": lead, "created_at": day.isoformat() + "T10:00:00+00:00",
                    "criterion_id": "inclusion", "retracted": False}))  # fmt: skip
            for entity, payload in payloads:
                seq += 1
                encoded = canonical_json(payload)
                records.append({"review_id": review_id, "entity": entity,
                                "entity_id": payload["id"], "author_id": lead,
                                "op_id": str(uuid.uuid4()), "payload_sha256": sha256_hex(encoded),
                                "payload": json.loads(encoded), "blob_sha256": None,
                                "retracted": False, "server_seq": seq})  # fmt: skip
            reviews[-1]["last_seq"] = seq
    with write_session(engine) as s:
        for name, rows in (("visit", visits), ("visit_reviewer", teams), ("review", reviews),
                           ("record", records)):  # fmt: skip
            table = models.SQLModel.metadata.tables[name]
            for i in range(0, len(rows), 2000):
                insert_rows(s.connection(), table, rows[i : i + 2000])
        for school in schools:
            adm.assign(s, lead, school)
    print(f"seeded {len(schools)} schools, {len(reviews)} reviews, {len(records)} records")
    return admin


def baseline(engine: sa.Engine) -> int:
    """The same judgement records and their visits, by one plain query."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT r.review_id, r.payload, v.school_id, v.planned_end FROM record r "
                "JOIN review w ON w.id = r.review_id JOIN visit v ON v.id = w.visit_id "
                "WHERE r.entity = 'judgement' AND NOT r.retracted ORDER BY v.planned_end"
            )
        ).all()
    return len(rows)


#: The fastest run of each measurement, by name: on a loaded machine the median measures the
#: load as much as the code; the fastest run is the nearest to the page's own cost.
FASTEST: dict[str, float] = {}


def timed(function: Any, runs: int, name: str = "") -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    if name:
        FASTEST[name] = min(times)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", required=True, help="PostgreSQL server URL")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile's top functions of the overview"
    )
    args = parser.parse_args()
    name = f"reviewer_bench_{uuid.uuid4().hex[:8]}"
    admin_engine = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    engine = create_server_engine(url)
    try:
        migrate(engine)
        admin_id = seed(engine)
        from reviewer_app.server.console.web import templates

        template = templates.get_template("oversight/overview.html")

        def overview() -> None:
            with Session(engine) as session:
                person = session.get(models.Person, admin_id)
                assert person is not None
                found = trust_overview(session, Viewer.of(session, person), OverviewFilters())
                assert len(found.rows) == SCHOOLS
                template.render(overview=found, filters=OverviewFilters(), filtered=False,
                                arrows={"up": ("▲", ""), "down": ("▼", ""), "same": ("▶", ""),
                                        "new": ("", "")}, phase_label=str,
                                safeguarding=False, nav=[], flashes=[], user=None)  # fmt: skip

        def api() -> None:
            with Session(engine) as session:
                person = session.get(models.Person, admin_id)
                assert person is not None
                rows = judgement_rows(session, Viewer.of(session, person), None, None)
                assert rows

        count = baseline(engine)
        overview()  # warm: frameworks and scales loaded once per process
        api()
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(overview)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            import gc

            gc.disable()
            print(f"overview with the garbage collector off: {timed(overview, args.runs):.1f} ms")
            gc.enable()
        base = timed(lambda: baseline(engine), args.runs, "query")
        page = timed(overview, args.runs, "overview")
        data = timed(api, args.runs, "api")
        print(f"plain SQL query of the {count} judgement rows: {base:.1f} ms (median)")
        print(f"overview (data + page): {page:.1f} ms, {page / base:.2f}x the query "
              f"(target {TARGET_RATIO}x and {TARGET_MS:.0f} ms)")  # fmt: skip
        print(f"API rows (judgements): {data:.1f} ms, {data / base:.2f}x the query")
        fast = FASTEST
        print(f"fastest runs: query {fast['query']:.1f} ms, overview {fast['overview']:.1f} ms "
              f"({fast['overview'] / fast['query']:.2f}x), API {fast['api']:.1f} ms")  # fmt: skip
        try:
            load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
            print(f"load average (1, 5, 15 min): {load} on {os.cpu_count()} CPUs")
        except OSError:
            pass
    finally:
        engine.dispose()
        with admin_engine.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


if __name__ == "__main__":
    main()
