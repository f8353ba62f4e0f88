"""Data out agrees with the signed reports (issue 17, Proof): a review's agreed judgements and
its fully signed reports reach the server the way laptops push them (three reviewers sign every
audience, each copy checked on arrival by the trust CA), on SQLite and PostgreSQL; the console's
CSV and XLSX downloads and the ``/api/v1/`` rows of that review agree with each other row by row,
and each agreed level in them is the level every fully signed PDF the reader may download from
the console (full internal, for the school, for the board) states for that criterion.

The summary for the board never states the safeguarding judgement (one neutral line instead), and
it is the only version a reader without a safeguarding role may download of a review that judges
safeguarding: the others are refused, with the reason, and no PDF they get states it.

The lead changes one judgement before signing and withdraws another: data out must give the
level the reviewers signed, not an earlier one, and nothing where the report says "Not rated".
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from openpyxl import load_workbook
from sqlmodel import Session, select
from sync_world import Laptop, LiveServer, World, ca_live_server

from console_support import ConsoleServer, Staff, enrol_staff, signed_in
from reviewer_app.domain.safeguarding_reports import BOARD_SAFEGUARDING_LINE, SAFEGUARDING_CRITERIA
from reviewer_app.reports.ca import CaFolder
from reviewer_app.reports.verification import verify_report
from reviewer_app.server import models
from reviewer_app.server.data_export import DATASETS, create_token
from reviewer_app.server.database import write_session
from reviewer_app.server.framework_criteria import built_in_framework
from reviewer_app.services.report_service import ReportService
from support.throwaway_postgres import BACKENDS, ThrowawayPostgres, postgres_base_url

#: What the rows must agree on: the school, the visit, the framework, the criterion, the level.
AGREED = ("school_urn", "school_name", "visit_id", "visit_start", "visit_end", "review_id",
          "framework_id", "framework_version", "criterion_id", "criterion", "level_key",
          "level")  # fmt: skip
#: The lead's agreed judgements, in order; the last one per criterion is what is signed.
JUDGEMENTS = (
    ("inclusion", "strong_standard"),
    ("achievement", "needs_attention"),
    ("safeguarding", "met"),
    ("self-evaluation-validated", "partly_confirmed"),
    ("leadership-and-governance", "exceptional"),
    ("inclusion", "expected_standard"),  # changed on reflection: the signed level
    ("leadership-and-governance", None),  # withdrawn: the report says "Not rated"
)


@pytest.fixture(scope="module", params=BACKENDS)
def ca_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The server with the trust CA (as the sync tests' own), on SQLite and on PostgreSQL."""
    server = ca_live_server(tmp_path_factory.mktemp("ca-server"))
    postgres = None
    if request.param == "postgres":
        postgres = ThrowawayPostgres(postgres_base_url())
        postgres.create()
        server.database_url = postgres.url
    server.start()
    try:
        yield server
    finally:
        server.stop()
        if postgres is not None:
            postgres.drop()


def _console(server: LiveServer) -> ConsoleServer:
    """The console helpers' view of the live server (same app, same database)."""
    view = ConsoleServer(str(server.engine.url), server.folder, url=server.base_url)
    view.engine = server.engine
    return view


def _reader(server: LiveServer, email: str, roles: list[str]) -> tuple[Staff, str]:
    """A central-team console user of the trust (no school assigned) and an API token of theirs."""
    staff = enrol_staff(_console(server), email, roles)
    with write_session(server.engine) as s:
        person = s.get(models.Person, staff.person_id)
        assert person is not None
        _row, token = create_token(s, person, "Power BI")
    return staff, token


def _api(server: LiveServer, token: str) -> list[dict[str, str]]:
    rows: list[dict[str, Any]] = []
    url: str | None = "/api/v1/judgements"
    query: dict[str, str] | None = {"page_size": "2"}  # several pages for a few rows
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as http:
        while url:
            page = http.get(url, params=query)
            assert page.status_code == 200, page.text
            body = page.json()
            rows.extend(body["data"])
            url, query = body["next"], None
    return [{c: str(row.get(c, "")) for c in DATASETS["judgements"].columns} for row in rows]


def _table(header: list[str], body: list[list[str]]) -> list[dict[str, str]]:
    assert header == list(DATASETS["judgements"].columns)
    return [dict(zip(header, row, strict=True)) for row in body]


def _downloads(console: httpx.Client) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    got = console.get("/console/data/judgements.csv")
    assert got.status_code == 200, got.text
    table = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    book = console.get("/console/data/judgements.xlsx")
    assert book.status_code == 200, book.text
    sheet = load_workbook(io.BytesIO(book.content), read_only=True).active
    assert sheet is not None
    cells = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    return _table(table[0], table[1:]), _table(cells[0], cells[1:])


def _fully_signed(server: LiveServer, world: World, audience: str) -> list[str]:
    """The server's records of the review's fully signed copies for ``audience`` (the last
    signer's, and the long-term version the server adds with the trust CA)."""
    with Session(server.engine) as s:
        done = [
            r.entity_id
            for r in s.exec(
                select(models.Record).where(
                    models.Record.entity == "signed_report",
                    models.Record.review_id == world.review,
                )
            )
            if r.payload["audience"] == audience
            and r.payload["signer_count"] == r.payload["required_count"] == 3
        ]
    assert done
    return done


def _pdf_text(pdf: bytes, folder: Path, name: str) -> str:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _stated(text: str) -> dict[str, str]:
    """Area -> what the signed report's "Summary of judgements" (its first page) states."""
    first = text.split("\f")[0]
    table = first.split("Agreed judgement", 1)[1]
    found = {}
    for line in table.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == 2 and not line.strip().startswith(("Reviewer's", "Ash Primary")):
            found[cells[0]] = cells[1]
    return found


def _beside(text: str, opening: str) -> str:
    """The level printed at the right of the report's line that starts with ``opening``."""
    lines = [line for line in text.splitlines() if line.strip().startswith(opening)]
    assert len(lines) == 1, (opening, lines)
    return re.split(r"\s{2,}", lines[0].strip())[-1]


def _agree_with_the_report(rows: list[dict[str, str]], text: str) -> set[str]:
    """Each row's level is the signed report's for its criterion; the areas the rows cover."""
    framework = built_in_framework("two-day-peer-review", "3")
    assert framework is not None
    where = {c.id: (section.title, c.prompt or c.title) for section, c, _ in framework.walk()}
    flat = " ".join(text.split())
    covered = set()
    for row in rows:
        assert f"{row['school_name']}, URN {row['school_urn']}" in flat, row
        assert f"{row['framework_id']}, version {row['framework_version']}" in flat, row
        assert (row["visit_start"], row["visit_end"]) == ("2026-03-02", "2026-03-03"), row
        assert "2 to 3 March 2026" in flat
        area, prompt = where[row["criterion_id"]]
        assert row["level"], row
        assert _stated(text)[area] == row["level"], (row, _stated(text))
        assert _beside(text, " ".join(prompt.split()[:6])) == row["level"], row
        covered.add(area)
    return covered


def test_csv_xlsx_and_the_api_agree_with_each_other_and_with_the_signed_reports(
    ca_server: LiveServer, team: tuple[World, Laptop, Laptop, Laptop], tmp_path: Path
) -> None:
    world, lee, pat, sam = team
    for criterion, level in JUDGEMENTS:
        lee.reviews.agree_judgement(world.review, criterion, level, f"Seen: {level}")
    lee.sync.sync_now()
    for device in (pat, sam, lee):  # each signs every audience on their own laptop, in order
        device.sync.sync_now()
        ReportService(device.workspace, device.paths).sign_every_audience(world.visit)
        device.sync.sync_now()
    root = CaFolder(ca_server.folder / "ca").root_certificate()
    crl = x509.load_pem_x509_crl(CaFolder(ca_server.folder / "ca").crl_path.read_bytes())

    everyone = ("full_internal", "school_facing", "board_summary")
    for email, roles, audiences in (
        ("sasha@oak.example", ["trust_admin", "safeguarding_lead"], everyone),
        # The full report and the school's carry the safeguarding judgement: not hers.
        ("ada@oak.example", ["trust_admin"], everyone[2:]),
    ):
        staff, token = _reader(ca_server, email, roles)
        api = _api(ca_server, token)
        with closing(signed_in(_console(ca_server), staff)) as console:
            from_csv, from_xlsx = _downloads(console)
            pdfs = []
            for audience in everyone:
                for report in _fully_signed(ca_server, world, audience):
                    got = console.get(f"/console/reports/{world.review}/{report}")
                    if audience not in audiences:
                        assert got.status_code == 403, got.text
                        assert "a safeguarding lead can download it" in got.text
                        continue
                    assert got.status_code == 200, got.text
                    pdfs.append((audience, got.content))
        # The three agree row by row.
        assert from_csv == api, email
        assert from_xlsx == api, email
        ours = [{c: r[c] for c in AGREED} for r in api if r["review_id"] == world.review]
        assert len(ours) == len(api)  # the trust has no other review
        safeguarding = "safeguarding_lead" in roles
        for n, (audience, pdf) in enumerate(pdfs):
            # Each PDF handed out is fully signed, intact, by the trust's CA.
            verdict = verify_report(pdf, trust_roots=[root], crls=[crl])
            assert verdict.passed, verdict.sentences()
            assert len([s for s in verdict.signatures if s.signed]) == 3
            text = _pdf_text(pdf, tmp_path, f"{email}-{n}")
            assert "Oak Learning Trust" in text  # the trust's name, as its server knows it
            assert "My trust" not in text
            stated = _stated(text).items()
            board = audience == "board_summary"
            if board:  # one neutral line in place of the safeguarding judgement
                assert BOARD_SAFEGUARDING_LINE in " ".join(text.split())
                assert "Safeguarding" not in dict(stated)
            if not safeguarding:  # no PDF she gets states it
                assert "Safeguarding: reviewers" not in text
                assert not re.search(r"^\s*Safeguarding\s{2,}", text, re.MULTILINE), text
            in_it = [r for r in ours if not board or r["criterion_id"] not in SAFEGUARDING_CRITERIA]
            covered = _agree_with_the_report(in_it, text)
            rated = {area for area, said in stated if "not rated" not in said.lower()}
            # Every level the report states is in data out, the signed one and no other;
            # without a safeguarding role, data out leaves the safeguarding view out.
            assert covered == (rated if safeguarding else rated - {"Safeguarding"})
        assert len(pdfs) >= len(audiences)
        expected = {
            "inclusion": "expected_standard",
            "achievement": "needs_attention",
            "safeguarding": "met",
            "self-evaluation-validated": "partly_confirmed",
        }
        if not safeguarding:
            del expected["safeguarding"]
        assert {r["criterion_id"]: r["level_key"] for r in ours} == expected
