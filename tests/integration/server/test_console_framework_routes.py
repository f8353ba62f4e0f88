"""The framework library in the trust console (SQLite and PostgreSQL), over real HTTP: a workbook
with a mistake is refused with its sheet and cell and nothing kept; hostile files are refused
with a reason; the fixed workbook is kept as a draft, previewed as the editor and as each
report, published and retired; what changed between two versions; another trust's admin sees
none of it."""

from __future__ import annotations

import html as html_module
import io
import re
import subprocess
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from openpyxl import load_workbook
from sqlmodel import Session, select

from console_support import ConsoleServer, csrf_of, enrol_laptop, enrol_staff, signed_in
from reviewer_app.paths import frameworks_dir
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.enrolment import issue_code
from reviewer_app.sync.protocol import PROTOCOL_VERSION

TEMPLATE = Path(__file__).parents[3] / "docs" / "framework-template.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(version: str, changes: dict[tuple[str, str], object]) -> bytes:
    book = load_workbook(TEMPLATE)
    book["Framework"]["B3"] = version
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def console(fresh_database_url: str, tmp_path: Path) -> Iterator[ConsoleServer]:
    server = ConsoleServer(fresh_database_url, tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


def _library(server: ConsoleServer) -> list[tuple[str, str, str]]:
    assert server.engine is not None
    with Session(server.engine) as session:
        return sorted(
            (r.doc_id, r.version, r.state) for r in session.exec(select(models.LibraryDocument))
        )


def _upload(http: httpx.Client, name: str, content: bytes, kind: str = XLSX) -> httpx.Response:
    csrf = csrf_of(http.get("/console/frameworks").text)
    return http.post(
        "/console/frameworks/upload",
        data={"csrf_token": csrf},
        files={"file": (name, content, kind)},
    )


def _pdf_text(pdf: bytes) -> str:
    """The words of a PDF, by poppler's pdftotext."""
    done = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    return " ".join(done.stdout.decode("utf-8").split())


def _text(html: str) -> str:
    """The page's words, tags stripped and spaces collapsed."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_upload_check_preview_publish_compare_and_retire_in_the_console(
    console: ConsoleServer,
) -> None:
    with console.admin() as s:  # type: ignore[attr-defined]
        oak = adm.create_trust(s, "Oak Learning Trust").id
        elm = adm.create_trust(s, "Elm Academies").id
    admin = enrol_staff(console, "ann.admin@oak.example", ["trust_admin"], trust_id=oak)
    other = enrol_staff(console, "eve.admin@elm.example", ["trust_admin"], trust_id=elm)
    with closing(signed_in(console, admin)) as http:
        page = _text(http.get("/console/frameworks").text)
        assert "The trust has no framework of its own yet" in page
        assert "Learning walk" in page  # built in

        # A workbook with a mistake: the checker's problem by sheet and cell; nothing kept.
        refused = _upload(http, "our-walk.xlsx", _workbook("1", {("Criteria", "G2"): "nott"}))
        assert refused.status_code == 400
        words = _text(refused.text)
        assert "our-walk.xlsx has 1 problem; nothing was kept" in words
        assert "sheet 'Criteria', cell G2 The scale 'nott' is not installed" in words
        # Hostile or colliding files: refused with the reason, nothing kept.
        for name, content, says in (
            (
                "tag.yaml",
                b"kind: framework\nid: !!python/object/apply:os.system ['true']\n",
                "may not use (in other programs such tags can run code)",
            ),
            (
                "learning-walk.yaml",
                (frameworks_dir() / "learning-walk@2.yaml").read_bytes().replace(b'"2"', b'"7"'),
                "The id 'learning-walk' belongs to a framework built into Reviewer",
            ),
            ("not-a-workbook.xlsx", b"PK\x03\x04 no", "not an Excel workbook"),
        ):
            response = _upload(http, name, content, "application/octet-stream")
            assert response.status_code == 400, name
            assert says in _text(response.text), name
        empty = _upload(http, "", b"", "application/octet-stream")
        assert empty.status_code == 400
        assert "Choose a framework file" in empty.text
        assert _library(console) == []

        # Fixed, it is kept as a draft and the preview opens.
        kept = _upload(http, "our-walk.xlsx", _workbook("1", {}))
        assert kept.status_code == 303, kept.text
        assert kept.headers["location"] == "/console/frameworks/our-learning-walk/1"
        assert _library(console) == [("our-learning-walk", "1", "draft")]
        preview = http.get(kept.headers["location"])
        words = _text(preview.text)
        assert "passed the checker: our-learning-walk@1 is kept as a draft" in words
        assert "Preview of the editor Our learning walk" in words
        assert "Learning starts promptly" in words  # a criterion
        assert "Draft" in words
        assert 'type="radio"' in preview.text
        assert "disabled" in preview.text
        report = _text(http.get("/console/frameworks/our-learning-walk/1/report").text)
        assert "Report for the school" in report
        assert "Learning starts promptly" in report
        assert "Download a sample PDF" in report
        # The sample PDF as the laptops render reports; part of the head teacher's performance
        # management only in the full internal report.
        sample = http.get("/console/frameworks/our-learning-walk/1/report.pdf")
        assert sample.headers["content-type"] == "application/pdf"
        assert "Sample school (preview)" in _pdf_text(sample.content)
        core = "/console/frameworks/half-termly-core-visit/2/report.pdf?audience="
        full = _pdf_text(http.get(core + "full_internal").content).lower()
        school = _pdf_text(http.get(core + "school_facing").content).lower()
        assert "performance management" in full
        assert "performance management" not in school
        assert http.get(core + "nobody").status_code == 404

        # Published from the list; laptops would now receive it.
        csrf = csrf_of(http.get("/console/frameworks").text)
        done = http.post(
            "/console/frameworks/our-learning-walk/1/publish", data={"csrf_token": csrf}
        )
        assert done.status_code == 303
        assert "is published" in _text(http.get("/console/frameworks").text)
        assert _library(console) == [("our-learning-walk", "1", "published")]
        again = http.post(
            "/console/frameworks/our-learning-walk/1/publish", data={"csrf_token": csrf}
        )
        assert again.status_code == 400
        assert "only a draft can be published" in _text(again.text)
        # A published version never changes.
        same = _upload(http, "our-walk.xlsx", _workbook("1", {("Criteria", "C3"): "Other"}))
        assert same.status_code == 400
        assert "a published version never changes" in _text(same.text)

        # Version 2, compared with version 1.
        second = _workbook(
            "2",
            {("Criteria", "C3"): "Every pupil is expected to answer, every time",
             ("Criteria", "A4"): "routines", ("Criteria", "B4"): "resources-ready",
             ("Criteria", "C4"): "Resources are ready before they are needed"},
        )  # fmt: skip
        assert _upload(http, "our-walk-2.xlsx", second).status_code == 303
        v2 = _text(http.get("/console/frameworks/our-learning-walk/2").text)
        assert "What changed since version 1" in v2
        diff = _text(
            http.get(
                "/console/frameworks/changes",
                params={"before": "our-learning-walk@1", "after": "our-learning-walk@2"},
            ).text
        )
        assert "Added criteria (1) " in diff
        assert "Resources are ready before they are needed" in diff
        assert "Reworded criteria (1) " in diff
        assert "Every pupil is expected to answer, every time" in diff
        bad = http.get(
            "/console/frameworks/changes",
            params={"before": "nope@1", "after": "our-learning-walk@2"},
        )
        assert bad.status_code == 400
        assert "no version 1 of the framework 'nope'" in _text(bad.text)

        # Retired: laptops stop offering it for new visits.
        csrf = csrf_of(http.get("/console/frameworks").text)
        assert (
            http.post(
                "/console/frameworks/our-learning-walk/1/retire", data={"csrf_token": csrf}
            ).status_code
            == 303
        )
        assert _library(console) == [
            ("our-learning-walk", "1", "retired"),
            ("our-learning-walk", "2", "draft"),
        ]
        missing = http.get("/console/frameworks/no-such/1")
        assert missing.status_code == 404
    assert console.engine is not None
    with Session(console.engine) as session:
        actions = [e.action for e in session.exec(select(models.AuditEvent))]
    assert actions.count("framework.uploaded") == 2
    assert "framework.published" in actions
    assert "framework.retired" in actions

    # Another trust's admin sees none of it.
    with closing(signed_in(console, other)) as http:
        # (Registered frameworks are the server's, shared by its trusts; the library is not.)
        assert "our-learning-walk@" not in http.get("/console/frameworks").text
        assert http.get("/console/frameworks/our-learning-walk/2").status_code == 404
        csrf = csrf_of(http.get("/console/frameworks").text)
        refused = http.post(
            "/console/frameworks/our-learning-walk/2/publish", data={"csrf_token": csrf}
        )
        assert refused.status_code == 404
    assert _library(console)[-1] == ("our-learning-walk", "2", "draft")


def test_the_trusts_vocabulary_is_edited_in_the_console_and_published_for_the_laptops(
    console: ConsoleServer,
) -> None:
    with console.admin() as s:  # type: ignore[attr-defined]
        oak = adm.create_trust(s, "Oak Learning Trust").id
    admin = enrol_staff(console, "ann.admin@oak.example", ["trust_admin"], trust_id=oak)
    with closing(signed_in(console, admin)) as http:
        page = http.get("/console/frameworks/vocabulary")
        words = _text(page.text)
        assert "built into Reviewer (the trust has not published its own)" in words
        assert "Year 5: y5, yr5, year5" in html_module.unescape(page.text)
        form = _form_of(page.text)
        assert form["tag-0-label"] == "Year group"
        assert "KS2" in form["not_names"].splitlines()

        # A kind of tag whose name makes no key: the checker's reason, nothing saved.
        bad = dict(form, **{f"tag-{_new(form)}-label": "!!!", f"tag-{_new(form)}-values": "A"})
        refused = http.post("/console/frameworks/vocabulary", data=bad)
        assert refused.status_code == 400
        assert "nothing was saved" in _text(refused.text)
        assert _library(console) == []

        # Houses added as tags, with their names never taken for a person's.
        new = _new(form)
        edited = dict(
            form,
            **{
                f"tag-{new}-label": "House",
                f"tag-{new}-values": "Rowan: row, #ROW\nWillow",
                f"tag-{new}-free": "",
                "not_names": form["not_names"] + "\nForest Friends\nWillow",
            },
        )
        done = http.post("/console/frameworks/vocabulary", data=edited)
        assert done.status_code == 303, _text(done.text)
        after = http.get("/console/frameworks/vocabulary")
        assert "the trust's own, version 1" in _text(after.text)
        assert _library(console) == [("trust-vocabulary", "1", "published")]
        again = _form_of(after.text)
        house = next(k for k, v in again.items() if v == "House").removesuffix("-label")
        assert again[f"{house}-values"] == "Rowan: row\nWillow"
        assert f"{house}-free" not in again
        # Saved again: the next version; the laptops take the newest published one.
        assert http.post("/console/frameworks/vocabulary", data=again).status_code == 303
    assert _library(console) == [
        ("trust-vocabulary", "1", "published"),
        ("trust-vocabulary", "2", "published"),
    ]
    assert console.engine is not None
    with Session(console.engine) as session:
        row = session.get(
            models.LibraryDocument, (oak, "trust_vocabulary", "trust-vocabulary", "2")
        )
        assert row is not None
        vocabulary = yaml.safe_load(row.text)
    house_tag = next(t for t in vocabulary["tags"] if t["key"] == "house")
    assert house_tag["values"][0] == {"value": "Rowan", "aliases": ["row"]}
    assert house_tag["free_text"] is False
    assert "Forest Friends" in vocabulary["not_names"]


def _new(form: dict[str, str]) -> int:
    """The index of the form's empty "add a kind of tag" group."""
    return max(int(k.split("-")[1]) for k in form if k.startswith("tag-"))


def _form_of(page: str) -> dict[str, str]:
    """The values a browser would send for the page's main form (inputs, checked boxes,
    text areas), unescaped."""
    found: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        found.setdefault(name.group(1), html_module.unescape(value.group(1) if value else ""))
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        found[name] = html_module.unescape(body)
    return found


def test_a_laptop_is_opted_in_to_drafts_from_the_devices_page(console: ConsoleServer) -> None:
    with console.admin() as s:  # type: ignore[attr-defined]
        oak = adm.create_trust(s, "Oak Learning Trust").id
        pat = adm.create_person(
            s, oak, name="Pat Peer", email="pat@oak.example", roles=["peer_reviewer"]
        ).id
        code = issue_code(s, pat)
    enrolled = enrol_laptop(console, code)
    device = {"Authorization": f"Bearer {enrolled['device_token']}"}

    def received() -> list[tuple[str, str]]:
        page = httpx.get(f"{console.url}/framework-library", headers=device).json()
        return [(d["id"], d["state"]) for d in page["documents"]]

    admin = enrol_staff(console, "ann.admin@oak.example", ["trust_admin"], trust_id=oak)
    with closing(signed_in(console, admin)) as http:
        assert _upload(http, "our-walk.xlsx", _workbook("1", {})).status_code == 303
        assert received() == []  # a draft reaches only laptops opted in
        page = http.get("/console/devices")
        assert "Try drafts" in page.text
        path = f"/console/devices/{enrolled['device_id']}/drafts"
        done = http.post(path, data={"csrf_token": csrf_of(page.text), "drafts": "on"})
        assert done.status_code == 303
        assert "Receives drafts" in http.get("/console/devices").text
        assert received() == [("our-learning-walk", "draft")]
        done = http.post(path, data={"csrf_token": csrf_of(page.text), "drafts": "off"})
        assert done.status_code == 303
        assert received() == []


OVERLAY = b"""\
kind: framework_overlay
id: oak-learning-walk
version: "1"
extends: learning-walk
title: Learning walk (Oak)
rename:
  climate: "C: Our climate for learning"
add_look_fors:
  climate-routines: [Pupils line up calmly at the door]
add_criteria:
  climate:
    - {id: oak-uniform, title: Uniform is worn with pride}
add_sign_off:
  - {role: improvement_partner, label: School improvement partner}
"""


def test_an_overlay_of_a_built_in_framework_is_previewed_as_the_laptops_will_have_it(
    console: ConsoleServer,
) -> None:
    with console.admin() as s:  # type: ignore[attr-defined]
        oak = adm.create_trust(s, "Oak Learning Trust").id
    admin = enrol_staff(console, "ann.admin@oak.example", ["trust_admin"], trust_id=oak)
    with closing(signed_in(console, admin)) as http:
        kept = _upload(http, "oak-walk.yaml", OVERLAY, "application/yaml")
        assert kept.status_code == 303, _text(kept.text)
        words = _text(http.get(kept.headers["location"]).text)
        walk = next(v for v in _built_in_walks() if v)
        assert f"The trust's: an overlay of learning-walk@{walk}" in words
        assert "C: Our climate for learning" in words
        assert "Pupils line up calmly at the door" in words
        assert "Uniform is worn with pride" in words
        assert "School improvement partner" in words
        diff = _text(
            http.get(
                "/console/frameworks/changes",
                params={"before": f"learning-walk@{walk}", "after": "oak-learning-walk@1"},
            ).text
        )
        added = diff.split("Added criteria (1) ", 1)
        assert len(added) == 2, diff
        assert "Uniform is worn with pride" in added[1].split("Reworded", 1)[0]
        assert "Reworded criteria (1)" in diff  # the look-for added to climate-routines


def _built_in_walks() -> list[str]:
    """The versions of the built-in learning walk, newest first."""
    from reviewer_app.server.framework_library import built_in_library

    return [f.version for f in reversed(built_in_library().versions("learning-walk"))]


def test_the_trusts_idle_period_is_set_and_lapsed_laptops_shown_on_the_devices_page(
    console: ConsoleServer,
) -> None:
    with console.admin() as s:  # type: ignore[attr-defined]
        oak = adm.create_trust(s, "Oak Learning Trust").id
        pat = adm.create_person(
            s, oak, name="Pat Peer", email="pat@oak.example", roles=["peer_reviewer"]
        ).id
        code = issue_code(s, pat)
    enrolled = enrol_laptop(console, code)
    assert console.engine is not None
    with Session(console.engine) as session:
        device = session.get(models.Device, enrolled["device_id"])
        assert device is not None
        device.last_seen_at = datetime.now(UTC) - timedelta(days=40)
        session.add(device)
        session.commit()

    admin = enrol_staff(console, "ann.admin@oak.example", ["trust_admin"], trust_id=oak)
    with closing(signed_in(console, admin)) as http:
        page = http.get("/console/devices").text
        assert 'name="days" type="number" min="0" max="3650" value="90"' in page
        assert "Access lapsed" not in page  # 40 days is within 90
        done = http.post(
            "/console/devices/idle-days", data={"csrf_token": csrf_of(page), "days": "30"}
        )
        assert done.status_code == 303
        page = http.get("/console/devices").text
        assert "must now enrol again" in page
        assert "Access lapsed: enrol again" in page
        refused = http.post(
            "/console/devices/idle-days", data={"csrf_token": csrf_of(page), "days": "soon"}
        )
        assert refused.status_code == 303
        after = html_module.unescape(http.get("/console/devices").text)
        assert "'soon' is not a number of days from 0 (never) to 3650" in after
    handshake = httpx.post(
        f"{console.url}/handshake",
        json={"protocol_version": PROTOCOL_VERSION, "client_schema_version": 1},
        headers={"Authorization": f"Bearer {enrolled['device_token']}"},
    )
    assert (handshake.status_code, handshake.json()["error"]) == (401, "token_expired")
    with Session(console.engine) as session:
        trust = session.get(models.Trust, oak)
        assert trust is not None
        assert trust.device_idle_days == 30
