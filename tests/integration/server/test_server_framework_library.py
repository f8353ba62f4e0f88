"""The trust's framework library on the server (SQLite and PostgreSQL): upload checked before
anything is kept, publish, retire, versions that never change, ids that are Reviewer's own, the
laptops' digest; hostile uploads refused with a reason, changing nothing; and the command line
as a real process."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reviewer_app.domain.errors import ValidationError
from reviewer_app.paths import frameworks_dir
from reviewer_app.server import administration as adm
from reviewer_app.server import framework_library as library
from reviewer_app.server import models
from reviewer_app.server.database import create_server_engine, migrate, write_session

SERVER = str(Path(sys.executable).parent / "reviewer-app-server")
TEMPLATE = Path(__file__).parents[3] / "docs" / "framework-template.xlsx"

OUR_SCALE = """\
kind: rating_scales
scales:
  - id: our-scale
    version: "1"
    title: Our scale
    levels:
      - {key: met, label: "Met", rank: 1, colour: "#00AA00"}
      - {key: unmet, label: "Not met", rank: 0, colour: "#AA0000"}
"""

ON_OUR_SCALE = """\
kind: framework
id: our-check
version: "1"
title: Our check
owner: Cedar Trust
default_scale: our-scale
sections:
  - id: first
    title: First
    criteria:
      - {id: alpha, title: Alpha}
"""


@pytest.fixture
def engine(fresh_database_url: str) -> Iterator[Engine]:
    engine = create_server_engine(fresh_database_url)
    migrate(engine)
    with write_session(engine) as s:
        adm.create_trust(s, "Cedar Trust", trust_id="cedar")
    try:
        yield engine
    finally:
        engine.dispose()


def _rows(engine: Engine) -> list[tuple[str, str, str, str]]:
    with Session(engine) as s:
        return sorted(
            (r.kind, r.doc_id, r.version, r.state)
            for r in s.exec(select(models.LibraryDocument)).all()
        )


def _upload(engine: Engine, name: str, content: bytes) -> library.UploadOutcome:
    with write_session(engine) as s:
        return library.upload(s, "cedar", name, content, uploaded_by="admin")


def test_a_draft_is_kept_published_and_retired(engine: Engine) -> None:
    outcome = _upload(engine, "framework-template.xlsx", TEMPLATE.read_bytes())
    assert outcome.problems == ()
    assert _rows(engine) == [("framework", "our-learning-walk", "1", "draft")]
    # Re-uploading a draft replaces it; nothing is published until asked.
    assert _upload(engine, "again.xlsx", TEMPLATE.read_bytes()).problems == ()
    with write_session(engine) as s:
        library.publish(s, "cedar", "our-learning-walk@1")
        registered = s.get(models.Framework, "our-learning-walk")
        assert registered is not None
        assert registered.title == "Our learning walk"
        assert not registered.safeguarding
    assert _rows(engine) == [("framework", "our-learning-walk", "1", "published")]
    # A published version never changes.
    refused = _upload(engine, "again.xlsx", TEMPLATE.read_bytes())
    assert [p.cell for p in refused.problems] == ["sheet 'Framework', cell B3"]
    assert "a published version never changes" in refused.problems[0].message
    with write_session(engine) as s:
        library.retire(s, "cedar", "our-learning-walk@1")
        with pytest.raises(ValidationError, match="only a draft can be published"):
            library.publish(s, "cedar", "our-learning-walk@1")
    assert _rows(engine) == [("framework", "our-learning-walk", "1", "retired")]


def test_a_framework_on_a_draft_scale_waits_for_the_scale(engine: Engine) -> None:
    assert _upload(engine, "scales.yaml", OUR_SCALE.encode()).problems == ()
    # The framework may use the draft scale while both are drafts ...
    assert _upload(engine, "our-check.yaml", ON_OUR_SCALE.encode()).problems == ()
    # ... but laptops receive only what is published: the scale first.
    with (
        write_session(engine) as s,
        pytest.raises(ValidationError, match="The scale 'our-scale' is not installed"),
    ):
        library.publish(s, "cedar", "our-check@1")
    with write_session(engine) as s:
        library.publish(s, "cedar", "our-scale@1")
        library.publish(s, "cedar", "our-check@1")
    assert _rows(engine) == [
        ("framework", "our-check", "1", "published"),
        ("rating_scale", "our-scale", "1", "published"),
    ]


def _zip_bomb() -> bytes:
    with zipfile.ZipFile(io.BytesIO(TEMPLATE.read_bytes())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/media/padding.bin"] = b"\0" * (60 * 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _laughing_workbook() -> bytes:
    with zipfile.ZipFile(io.BytesIO(TEMPLATE.read_bytes())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


HOSTILE = {
    "python-tag.yaml": (
        b"kind: framework\nid: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
        "may not use (in other programs such tags can run code)",
    ),
    "laughs.yaml": (
        b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n".encode()
            for i in range(8)
        ),
        "anchors and aliases",
    ),
    "laughs.xlsx": (_laughing_workbook(), "declares XML entities"),
    "bomb.xlsx": (_zip_bomb(), "zip bomb"),
    "huge.yaml": (
        ON_OUR_SCALE.replace("default_scale: our-scale", "default_scale: compliance-check")
        .replace(
            "      - {id: alpha, title: Alpha}\n",
            "".join(f"      - {{id: c{i}, title: C {i}}}\n" for i in range(20_000)),
        )
        .encode(),
        "The framework has 20,000 criteria",
    ),
    "learning-walk.yaml": (
        (frameworks_dir() / "learning-walk@2.yaml").read_bytes().replace(b'"2"', b'"7"'),
        "The id 'learning-walk' belongs to a framework built into Reviewer",
    ),
    "not-a-workbook.xlsx": (b"PK\x03\x04 no", "not an Excel workbook"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_uploads_are_refused_with_a_reason_changing_nothing(
    engine: Engine, name: str
) -> None:
    assert _upload(engine, "framework-template.xlsx", TEMPLATE.read_bytes()).problems == ()
    before = _rows(engine)
    content, says = HOSTILE[name]
    outcome = _upload(engine, name, content)
    assert outcome.kept == ()
    assert len(outcome.problems) == 1, [str(p) for p in outcome.problems]
    assert says in outcome.problems[0].message
    assert _rows(engine) == before
    assert not Path("/tmp/pwned").exists()


def test_the_laptops_digest_follows_what_each_laptop_may_receive(engine: Engine) -> None:
    safeguarding = ON_OUR_SCALE.replace(
        "owner: Cedar Trust", "owner: Cedar Trust\nvisible_to: [safeguarding_lead]"
    )
    with write_session(engine) as s:
        school = adm.create_school(s, "cedar", urn="100002", name="Elm", phase="primary").id
        lead = adm.create_person(s, "cedar", name="L", email="l@c.example", roles=["lead_reviewer"])
        dsl = adm.create_person(
            s, "cedar", name="D", email="d@c.example", roles=["safeguarding_lead"]
        )
        adm.assign(s, lead.id, school)
        for person in (lead, dsl):
            device = models.Device(
                id=f"dev-{person.name}",
                person_id=person.id,
                name="laptop",
                token_sha256=person.name * 64,
                enrolled_at=datetime.now(UTC),
            )
            s.add(device)
    assert (
        _upload(
            engine,
            "safeguarding.yaml",
            safeguarding.replace("our-scale", "compliance-check").encode(),
        ).problems
        == ()
    )
    with write_session(engine) as s:
        lead, dsl = (s.get(models.Person, p.id) for p in (lead, dsl))
        assert library.library_digest(s, lead, "dev-L") == ""  # a draft: nobody yet
        library.publish(s, "cedar", "our-check@1")
        assert library.library_digest(s, lead, "dev-L") == ""  # safeguarding roles only
        page = library.library_for(s, dsl, "dev-D")
        assert [(d.id, d.state) for d in page.documents] == [("our-check", "published")]
        assert page.digest == library.library_digest(s, dsl, "dev-D") != ""
        registered = s.get(models.Framework, "our-check")
        assert registered is not None
        assert registered.safeguarding


@pytest.mark.slow
def test_the_command_line_upload_publish_retire_and_list(
    tmp_path: Path, fresh_database_url: str
) -> None:
    base = [SERVER, "--data-dir", str(tmp_path / "server"), "--database-url", fresh_database_url]

    def admin(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([*base, "admin", *args], capture_output=True, text=True, timeout=120)
        assert (done.returncode == 0) == ok, done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr
        return done

    admin("create-trust", "Cedar Trust", "--id", "cedar")
    book = load_workbook(TEMPLATE)
    book["Criteria"]["G2"] = "seen-partly-nott"
    broken = tmp_path / "our-walk.xlsx"
    book.save(broken)
    refused = admin("frameworks", "upload", str(broken), ok=False)
    assert refused.stdout.startswith(
        "our-walk.xlsx: sheet 'Criteria', cell G2: The scale 'seen-partly-nott' is not installed"
    )
    assert "nothing was kept" in refused.stderr
    book["Criteria"]["G2"] = None
    book.save(broken)
    assert (
        "Kept our-learning-walk@1 (Our learning walk) as a draft."
        in admin("frameworks", "upload", str(broken)).stdout
    )
    assert (
        "laptops receive it at their next sync"
        in admin("frameworks", "publish", "our-learning-walk@1").stdout
    )
    listing = admin("frameworks", "list").stdout.splitlines()
    assert any(
        line.split()[:5] == ["learning-walk", "2", "framework", "built", "in"] for line in listing
    )
    ours = next(line for line in listing if line.startswith("our-learning-walk"))
    assert ours.split()[:6] == [
        "our-learning-walk",
        "1",
        "framework",
        "the",
        "trust's",
        "published",
    ]
    admin("frameworks", "retire", "our-learning-walk@1")
    assert "retired" in next(
        line for line in admin("frameworks", "list").stdout.splitlines() if line.startswith("our-")
    )
    missing = admin("frameworks", "publish", "nothing@1", ok=False)
    assert "The trust's library has no version 1 of 'nothing'" in missing.stderr
    # Each change is in the audit log, done on the command line; a refusal is not.
    engine = create_server_engine(fresh_database_url)
    try:
        with Session(engine) as s:
            events = [
                (e.action, e.via, e.summary)
                for e in s.exec(select(models.AuditEvent).order_by(models.AuditEvent.id))
                if e.action.startswith("framework.")
            ]
    finally:
        engine.dispose()
    assert events == [
        (
            "framework.uploaded",
            "command line",
            "Uploaded our-walk.xlsx: kept our-learning-walk@1 as draft",
        ),
        (
            "framework.registered",
            "command line",
            "Registered the framework Our learning walk (everyone assigned to a school)",
        ),
        ("framework.published", "command line", "Framework our-learning-walk@1 published"),
        ("framework.retired", "command line", "Framework our-learning-walk@1 retired"),
    ]
