"""The trust gets what it was promised (issue 13, item 4), in-process against the real server
with a trust CA on loopback; each laptop its own store, the admin's driven through the CLI.

A trust admin not assigned to the school reads its *fully signed* reviews as oversight: the
visit, the judgement summary and the signed reports, nothing of the review before its last
signature, never its body or evidence. With "the school only" sharing they get the summary and
no signed report (the console shows the same); without a safeguarding role they never get the
full internal report of a framework that judges safeguarding.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select
from sync_world import Laptop, LiveServer, World

from reviewer_app.cli import main
from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.safeguarding_reports import BOARD_SAFEGUARDING_LINE
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.database import write_session
from reviewer_app.server.trust_picture import Viewer, signed_reports
from reviewer_app.services.enrolment import device_token
from reviewer_app.services.report_service import ReportService
from reviewer_app.services.report_sign_off import report_audiences

AUDIENCE = "school_facing"


def _admin(server: LiveServer, world: World, key: str, roles: list[str]) -> str:
    """A trust admin of the school's trust, assigned to no school."""
    with write_session(server.engine) as s:
        return adm.create_person(
            s, world.trust, name=f"{key.title()} Central", email=f"{key}@oak.example", roles=roles
        ).id


def _sign_every_audience(visit: str, *signers: Laptop) -> None:
    for device in signers:
        device.sync.sync_now()
        ReportService(device.workspace, device.paths).sign_every_audience(visit)
        device.sync.sync_now()


def _signed_audiences(device: Laptop, world: World) -> set[str]:
    service = ReportService(device.workspace, device.paths)
    return {v.audience for v in service.signed_versions(world.visit) if v.complete}


def _server_pdfs(server: LiveServer, world: World) -> set[str]:
    with Session(server.engine) as s:
        return {
            sha
            for sha in s.exec(
                select(models.Record.blob_sha256).where(
                    models.Record.entity == "signed_report",
                    models.Record.review_id == world.review,
                )
            ).all()
            if sha
        }


def _held_pdfs(device: Laptop, world: World) -> set[str]:
    """The SHA-256 of every signed version the laptop holds of the visit's review."""
    service = ReportService(device.workspace, device.paths)
    return {hashlib.sha256(v.pdf).hexdigest() for v in service.signed_versions(world.visit)}


def _get(device: Laptop, path: str) -> httpx.Response:
    url, device_id = device.sync.enrolled()  # type: ignore[misc]
    token = device_token(url, device_id)
    return httpx.get(f"{url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_a_trust_admin_off_the_school_receives_its_fully_signed_reports_and_no_more(
    ca_server: LiveServer,
    team: tuple[World, Laptop, Laptop, Laptop],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world, lee, pat, sam = team
    lee.reviews.add_note(world.review, "Phonics is taught with real consistency")
    lee.reviews.agree_judgement(world.review, "inclusion", "strong_standard", "Known early")
    lee.reviews.agree_judgement(world.review, "safeguarding", "met", "Culture of vigilance")
    lee.sync.sync_now()
    ada = Laptop(tmp_path / "ada", ca_server)
    sasha = Laptop(tmp_path / "sasha", ca_server)
    try:
        ada.enrol(_admin(ca_server, world, "ada", ["trust_admin"]))
        sasha.enrol(_admin(ca_server, world, "sasha", ["trust_admin", "safeguarding_lead"]))
        # Before the last signature the review is the team's: nothing reaches the trust admin.
        _sign_every_audience(world.visit, pat)
        ada.sync.sync_now()
        with pytest.raises(NotFoundError):
            ada.workspace.get_visit(world.visit)
        with pytest.raises(NotFoundError):
            ada.reviews.get_review(world.review)

        _sign_every_audience(world.visit, sam, lee)
        audiences = set(ReportService(lee.workspace, lee.paths).source(world.visit).audience_keys)
        assert "full_internal" in audiences
        for device in (ada, sasha):
            device.sync.sync_now()
            review = device.reviews.get_review(world.review)
            assert review is not None
            assert review.state is ReviewState.SIGNED
            assert device.reviews.notes(world.review) == []  # the body stays with the team
            assert not device.sync.needs_attention()
        # The full internal report and the school's carry the safeguarding judgement: for
        # safeguarding roles only, and so is the safeguarding judgement of the summary; the
        # summary for the board holds it back, so it is the admin's.
        assert _signed_audiences(sasha, world) == audiences
        assert _signed_audiences(ada, world) == {"board_summary"}
        # Her export and sign-off windows say so before she asks for the others.
        choices = report_audiences(ReportService(ada.workspace, ada.paths), world.visit)
        refusals = {c.key: c.refusal for c in choices}
        assert refusals["board_summary"] == ""
        assert refusals["school_facing"].startswith("The school's report carries the safeguard")
        assert refusals["full_internal"]
        assert {j.criterion_id: j.rationale for j in ada.reviews.judgements(world.review)} == {
            "inclusion": ""
        }
        held = _held_pdfs(ada, world)
        withheld = _server_pdfs(ca_server, world) - held
        assert withheld
        assert all(_get(ada, f"/blobs/{sha}").status_code == 404 for sha in withheld)
        assert _get(sasha, f"/blobs/{next(iter(withheld))}").status_code == 200
    finally:
        ada.close()
        sasha.close()

    # The admin exports the board's summary and verifies it, with the documented commands.
    data_dir = str(tmp_path / "ada")
    assert main(["sync", "--data-dir", data_dir, "--quiet"]) == 0
    out = tmp_path / "ash-primary.pdf"
    assert main(["report", "export", world.visit, "--audience", "board_summary", "--out",
                 str(out), "--data-dir", data_dir]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["verify", str(out), "--data-dir", data_dir]) == 0, capsys.readouterr()
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    assert BOARD_SAFEGUARDING_LINE in " ".join(text.split())
    assert not re.search(r"Safeguarding.*\bMet\b", text), text
    # Not the school's report, and the admin is told why.
    school = tmp_path / "school.pdf"
    assert main(["report", "export", world.visit, "--audience", AUDIENCE, "--out", str(school),
                 "--data-dir", data_dir]) != 0  # fmt: skip
    said = " ".join(capsys.readouterr().err.split())
    assert "The school's report carries the safeguarding judgement: a safeguarding lead can " \
        "download it." in said, said  # fmt: skip
    assert not school.exists()
    full_internal = tmp_path / "full.pdf"
    assert main(["report", "export", world.visit, "--audience", "full_internal",
                 "--out", str(full_internal), "--data-dir", data_dir]) != 0  # fmt: skip
    assert not full_internal.exists()
    # A bundle of the admin's copy carries the signed reports it holds, each with its PDF.
    bundle = tmp_path / "ash-primary.json"
    assert main(["export", str(bundle), "--plaintext", "--review", world.review,
                 "--data-dir", data_dir]) == 0  # fmt: skip
    carried = json.loads(bundle.read_text(encoding="utf-8"))
    shas = {entry["pdf_sha256"] for entry in carried["signed_reports"]}
    assert shas == held
    assert all(
        hashlib.sha256(base64.b64decode(carried["blobs"][sha])).hexdigest() == sha for sha in shas
    )


def test_shared_with_the_school_only_the_trust_admin_gets_the_summary_and_no_report(
    ca_server: LiveServer,
    team: tuple[World, Laptop, Laptop, Laptop],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world, lee, pat, sam = team
    lee.reviews.agree_judgement(world.review, "inclusion", "strong_standard", "Known early")
    lee.reviews.set_field(world.review, "report-sharing", "school")
    lee.sync.sync_now()
    admin = _admin(ca_server, world, "ada", ["trust_admin"])
    for device in (pat, sam, lee):
        device.sync.sync_now()
        assert ReportService(device.workspace, device.paths).sign(world.visit, AUDIENCE).queued
        device.sync.sync_now()
    ada = Laptop(tmp_path / "ada", ca_server)
    try:
        ada.enrol(admin)
        ada.sync.sync_now()
        assert ada.reviews.get_review(world.review) is not None
        assert [(j.criterion_id, j.rationale) for j in ada.reviews.judgements(world.review)] == [
            ("inclusion", "")
        ]
        assert _signed_audiences(ada, world) == set()
        # Nor does a signed PDF come by its address.
        pdfs = _server_pdfs(ca_server, world)
        assert pdfs
        assert all(_get(ada, f"/blobs/{sha}").status_code == 404 for sha in pdfs)
    finally:
        ada.close()
    # The console says the same: no signed report of it for the central team.
    with Session(ca_server.engine) as s:
        person = s.get(models.Person, admin)
        assert person is not None
        assert signed_reports(s, Viewer.of(s, person)) == []
    capsys.readouterr()
    out = tmp_path / "ash-primary.pdf"
    assert main(["report", "export", world.visit, "--audience", AUDIENCE, "--out", str(out),
                 "--data-dir", str(tmp_path / "ada")]) != 0  # fmt: skip
    said = capsys.readouterr().err
    assert "the school only" in said
    assert not out.exists()
