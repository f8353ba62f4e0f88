"""The sharing choice of a two-day peer review ("Who may see this report"), kept by the server
(SQLite and PostgreSQL) and shown on the report's cover.

With "the school only", a central-team reader assigned to the school but not on the visit's
team receives the judgement summary (the agreed levels) and not the report body, the evidence,
its files or the conflicts; the team receives everything. The cover names the choice and who
made it.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sync_world import PEER_REVIEW, Laptop, LiveServer, World, build_world_with_framework, serve_on

from reviewer_app.paths import AppPaths
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.database import write_session
from reviewer_app.services.enrolment import device_token
from reviewer_app.services.report_service import ReportService
from reviewer_app.services.review_session import open_review
from support.throwaway_postgres import BACKENDS

MakeLaptop = Callable[[str], Laptop]


def _photo() -> bytes:
    """A real (tiny) JPEG, as a camera would give."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module", params=BACKENDS)
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    yield from serve_on(request.param, tmp_path_factory.mktemp("sharing-server"))


@pytest.fixture
def world(server: LiveServer, tmp_path: Path) -> World:
    return build_world_with_framework(server, tmp_path / "starter", PEER_REVIEW)


@pytest.fixture
def reader(server: LiveServer, world: World) -> str:
    """Cass, of the trust's central team: assigned to the school, on no visit's team."""
    with write_session(server.engine) as s:
        trust = s.get(models.School, world.school).trust_id  # type: ignore[union-attr]
        cass = adm.create_person(
            s, trust, name="Cass Central", email="cass@oak.example", roles=["trust_admin"]
        ).id
        adm.assign(s, cass, world.school)
    return cass


def _enrolled(laptop: MakeLaptop, name: str, person: str) -> Laptop:
    device = laptop(name)
    device.enrol(person)
    device.sync.sync_now()
    return device


def test_the_school_only_choice_keeps_the_body_from_central_readers(
    server: LiveServer, world: World, reader: str, laptop: MakeLaptop, tmp_path: Path
) -> None:
    lee = _enrolled(laptop, "lee", world.lead)
    reviews = lee.reviews
    open_review(lee.workspace, world.visit, with_notes=False)
    reviews.add_note(world.review, "Pupils with SEND were supported by well-trained staff")
    photo = reviews.add_attachment(world.review, "corner.jpg", "image/jpeg", _photo())
    reviews.set_field(world.review, "inclusion.inclusion-strengths", "Early identification")
    reviews.agree_judgement(
        world.review, "inclusion", "strong_standard", "Identified early, reviewed termly"
    )
    reviews.set_field(world.review, "report-sharing", "school")
    lee.sync.sync_now()

    cass = _enrolled(laptop, "cass", reader)
    assert cass.reviews.get_review(world.review) is not None  # listed
    judgements = cass.reviews.judgements(world.review)
    assert [(j.criterion_id, j.level_key, j.rationale) for j in judgements] == [
        ("inclusion", "strong_standard", "")
    ]
    assert cass.reviews.notes(world.review) == []
    assert cass.reviews.attachments(world.review) == []
    assert set(cass.reviews.field_values(world.review)) == {"report-sharing"}
    # Nor does the file come by its address.
    url, device = cass.sync.enrolled()  # type: ignore[misc]
    token = device_token(url, device)
    blob = httpx.get(
        f"{url}/blobs/{photo.sha256}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert blob.status_code == 404
    conflicts = httpx.get(
        f"{url}/reviews/{world.review}/conflicts",
        params={"state": "all"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert conflicts.json() == []

    # Pat, on the team, receives everything.
    pat = _enrolled(laptop, "pat", world.peer)
    assert [n.text for n in pat.reviews.notes(world.review)] == [
        "Pupils with SEND were supported by well-trained staff"
    ]
    assert len(pat.reviews.attachments(world.review)) == 1
    assert pat.reviews.judgements(world.review)[0].rationale == "Identified early, reviewed termly"

    # The cover names the choice and who made it.
    service = ReportService(lee.workspace, AppPaths.from_base(tmp_path / "lee-paths"))
    document = service.document(world.visit, "school_facing")[1]
    assert document.sharing == "The school only, chosen by Lee Lead"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(service.render(world.visit, "school_facing").pdf)
    first_page = subprocess.run(
        ["pdftotext", "-l", "1", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Who may see it" in first_page
    assert "The school only, chosen by Lee Lead" in " ".join(first_page.split())


def test_shared_with_the_trust_later_central_readers_receive_the_body_withheld_before(
    server: LiveServer, world: World, reader: str, laptop: MakeLaptop
) -> None:
    lee = _enrolled(laptop, "lee", world.lead)
    open_review(lee.workspace, world.visit, with_notes=False)
    lee.reviews.add_note(world.review, "Reading is taught well from Reception")
    lee.reviews.agree_judgement(world.review, "inclusion", "strong_standard", "Known early")
    lee.reviews.set_field(world.review, "report-sharing", "school")
    lee.sync.sync_now()
    # First the school only: Cass's laptop holds the judgement summary, its cursor past the rest.
    cass = _enrolled(laptop, "cass", reader)
    assert cass.reviews.notes(world.review) == []
    assert [j.rationale for j in cass.reviews.judgements(world.review)] == [""]
    # The school then shares it with the trust: the rows withheld before reach Cass at her
    # next sync (her laptop drops the summary copy and pulls the review again, whole).
    lee.reviews.set_field(world.review, "report-sharing", "school-and-trust")
    lee.sync.sync_now()
    cass.sync.sync_now()
    assert [n.text for n in cass.reviews.notes(world.review)] == [
        "Reading is taught well from Reception"
    ]
    assert [j.rationale for j in cass.reviews.judgements(world.review)] == ["Known early"]
    assert cass.reviews.field_values(world.review)["report-sharing"].value == "school-and-trust"
    assert cass.sync.status().set_aside == 0
    cass.sync.sync_now()  # nothing more, nothing twice
    assert len(cass.reviews.notes(world.review)) == 1


def test_kept_from_the_trust_later_a_central_readers_whole_copy_becomes_the_summary(
    server: LiveServer, world: World, reader: str, laptop: MakeLaptop
) -> None:
    lee = _enrolled(laptop, "lee", world.lead)
    open_review(lee.workspace, world.visit, with_notes=False)
    lee.reviews.add_note(world.review, "Reading is taught well from Reception")
    lee.reviews.agree_judgement(world.review, "inclusion", "strong_standard", "Known early")
    lee.sync.sync_now()
    # No choice made yet: Cass's laptop holds the review whole.
    cass = _enrolled(laptop, "cass", reader)
    assert len(cass.reviews.notes(world.review)) == 1
    # The school keeps it to itself: at her next sync her copy becomes the summary.
    lee.reviews.set_field(world.review, "report-sharing", "school")
    lee.sync.sync_now()
    cass.sync.sync_now()
    assert cass.reviews.notes(world.review) == []
    assert [j.rationale for j in cass.reviews.judgements(world.review)] == [""]
    assert cass.reviews.field_values(world.review)["report-sharing"].value == "school"
    cass.sync.sync_now()  # nothing more, nothing twice
    assert cass.reviews.notes(world.review) == []
    assert cass.sync.status().set_aside == 0
