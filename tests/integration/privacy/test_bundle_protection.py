"""``reviewer-app export``/``import`` follow the rules of sync and PDF export, and encrypt.

Sarah Okafor (the demo store's person) is a lead reviewer and improvement partner, not a
designated safeguarding lead: her bundle must hold nothing a safeguarding role alone may see.
The bundles are opened here as plain age files with the passphrase alone, not through import.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from reviewer_app.cli import main
from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.frameworks.framework import Framework
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.review import Attachment, EvidenceNote
from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.blobs import put_blob
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.local_settings import CURRENT_PERSON, set_setting
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.tables import AuditEntryRow, ReviewRow, SignedReportRow
from reviewer_app.sync import age_passphrase
from support.demo_reports import sign_featured_demo_reports

PASSPHRASE = "correct horse battery staple"


def _passphrase_file(tmp_path: Path, text: str = PASSPHRASE) -> Path:
    path = tmp_path / f"pass-{len(text)}.txt"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _export(demo_base: Path, bundle: Path, *extra: str) -> int:
    return main(["export", str(bundle), "--data-dir", str(demo_base), "--demo", *extra])


def _restricted_of(snapshot: str) -> tuple[set[str], set[str]]:
    """Restricted criteria and field ids, worked out here from the framework file's markings."""
    framework = Framework.from_snapshot(json.loads(snapshot))
    criteria: set[str] = set()
    fields: set[str] = set()
    for section in framework.sections:
        for criterion in section.criteria:
            if section.visible_to or criterion.visible_to:
                criteria.add(criterion.id)
        for spec in section.fields:
            if section.visible_to or spec.visible_to:
                fields.add(spec.id)
    return criteria, fields


def _restricted_in(entry: dict[str, Any]) -> list[str]:
    """Everything restricted an exported review holds, in words (empty: nothing)."""
    criteria, fields = _restricted_of(entry["framework_snapshot"])
    found = []
    for kind, records in entry["records"].items():
        for record in records:
            named = set(record.get("criterion_ids") or ()) | {record.get("criterion_id")}
            if named & criteria:
                found.append(f"{kind} {record['id']}")
    for value in entry["fields"]:
        if value["field_id"] in fields or value["field_id"].split(".")[0] in criteria:
            found.append(f"field {value['field_id']}")
    return found


def _add_restricted_detail(demo_base: Path) -> str:
    """The safeguarding lead's restricted notes and answers on St Aidan's peer review, captured
    on this laptop and not yet sent (as on a laptop two reviewers share); returns the note's
    text."""
    with open_demo_workspace(AppPaths.from_base(demo_base)) as workspace:
        dsl = next(p for p in workspace.list_people() if p.may_see_safeguarding)
        with workspace.store.writing() as session:
            review = next(
                r
                for r in session.exec(select(ReviewRow)).all()
                if r.framework_id == "two-day-peer-review"
            )
            photo = put_blob(session, b"restricted photo of the SCR binder" * 50)
            attachment = Attachment(
                id=new_id(), review_id=review.id, sha256=photo, filename="scr.jpg",
                media_type="image/jpeg", size=1700, author_id=dsl.id, added_at=_now(),
            )  # fmt: skip
            evidence = EvidenceRepository(session)
            evidence.add_attachment(attachment)
            evidence.add_note(EvidenceNote(
                id=new_id(), review_id=review.id, author_id=dsl.id, text=SECRET,
                captured_at=_now(), criterion_ids=("scr-sample",),
                attachment_ids=(attachment.id,),
            ))  # fmt: skip
            ReviewRepository(session).set_field(
                review.id, "scr-sample.records-with-gaps", 4, dsl.id, _now()
            )
    return SECRET


SECRET = "SCR sample: four records with gaps, rows 12 17 23 40"


def _now() -> datetime:
    return datetime.now().astimezone()


def _store_holds_restricted(demo_base: Path) -> tuple[int, int]:
    """(safeguarding reviews, notes about restricted criteria) in the demo store itself."""
    with open_demo_workspace(AppPaths.from_base(demo_base)) as workspace:
        with workspace.store.reading() as session:
            reviews = session.exec(select(ReviewRow)).all()
        audits = sum(1 for r in reviews if r.framework_id == "safeguarding-audit")
        restricted_notes = 0
        for review in reviews:
            if review.framework_id == "safeguarding-audit":
                continue
            criteria, _ = _restricted_of(review.framework_snapshot)
            for note in workspace.reviews.notes(review.id):
                if set(note.criterion_ids) & criteria:
                    restricted_notes += 1
    return audits, restricted_notes


def test_a_non_safeguarding_export_holds_nothing_restricted(
    demo_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_restricted_detail(demo_base)
    audits, restricted_notes = _store_holds_restricted(demo_base)
    assert audits >= 1  # there is something to keep out
    assert restricted_notes >= 1

    bundle = tmp_path / "sarah.reviewer"
    assert _export(demo_base, bundle, "--passphrase-file", str(_passphrase_file(tmp_path))) == 0
    out = capsys.readouterr().out
    assert (
        "Left out (safeguarding roles only): St Aidan's CE Primary School: Safeguarding audit"
        in out
    )
    assert "restricted record(s) and answer(s) were kept out" in out
    assert "encrypted with a passphrase" in out

    sealed = bundle.read_bytes()
    assert sealed.startswith(b"age-encryption.org/v1\n")
    assert b"St Aidan" not in sealed
    assert b"evidence_note" not in sealed
    text = age_passphrase.decrypt(sealed, PASSPHRASE).decode("utf-8")
    assert SECRET not in text
    assert b"restricted photo" not in base64.b64decode(
        "".join(json.loads(text)["blobs"].values()) or ""
    )
    opened = json.loads(text)
    assert opened["reviews"], "the bundle holds the reviews Sarah may see"
    assert all(e["review"]["framework_id"] != "safeguarding-audit" for e in opened["reviews"])
    for entry in opened["reviews"]:
        assert _restricted_in(entry) == [], entry["review"]["framework_id"]
        criteria, _ = _restricted_of(entry["framework_snapshot"])
        for op in entry["operations"]:
            payload = op["payload"] if isinstance(op["payload"], dict) else {}
            assert not set(payload.get("criterion_ids") or ()) & criteria
            assert (op["field"] or "").split(".")[0] not in criteria


def test_a_full_internal_report_of_a_review_with_restricted_answers_stays_behind(
    demo_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A restricted answer is a field value, not a record: the peer review's full internal
    report (which shows restricted detail) must still stay off a non-safeguarding bundle, while
    its school-facing report travels."""
    with open_demo_workspace(AppPaths.from_base(demo_base)) as workspace:
        assert sign_featured_demo_reports(workspace) > 0
        dsl = next(p for p in workspace.list_people() if p.may_see_safeguarding)
        with workspace.store.writing() as session:
            review_id = next(
                r.id
                for r in session.exec(select(ReviewRow)).all()
                if r.framework_id == "two-day-peer-review"
                and session.exec(
                    select(SignedReportRow).where(
                        SignedReportRow.review_id == r.id,
                        SignedReportRow.audience == "full_internal",
                    )
                ).first()
            )
            ReviewRepository(session).set_field(
                review_id, "scr-sample.records-with-gaps", 4, dsl.id, _now()
            )

    bundle = tmp_path / "answers.reviewer"
    assert _export(demo_base, bundle, "--passphrase-file", str(_passphrase_file(tmp_path))) == 0
    capsys.readouterr()
    opened = json.loads(age_passphrase.decrypt(bundle.read_bytes(), PASSPHRASE))
    carried = {r["audience"] for r in opened["signed_reports"] if r["review_id"] == review_id}
    assert "school_facing" in carried
    assert "full_internal" not in carried
    exported = next(e for e in opened["reviews"] if e["review"]["id"] == review_id)
    assert _restricted_in(exported) == []


def test_a_safeguarding_lead_exports_the_audit_and_its_detail(
    demo_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_demo_workspace(AppPaths.from_base(demo_base)) as workspace:
        dsl = next(p for p in workspace.list_people() if p.may_see_safeguarding)
        with workspace.store.writing() as session:
            set_setting(session, CURRENT_PERSON, dsl.id)
    _add_restricted_detail(demo_base)
    bundle = tmp_path / "dsl.reviewer"
    assert _export(demo_base, bundle, "--passphrase-file", str(_passphrase_file(tmp_path))) == 0
    assert "Left out" not in capsys.readouterr().out
    opened = json.loads(age_passphrase.decrypt(bundle.read_bytes(), PASSPHRASE))
    frameworks = {e["review"]["framework_id"] for e in opened["reviews"]}
    assert "safeguarding-audit" in frameworks
    assert any(_restricted_in(e) for e in opened["reviews"])
    assert SECRET in json.dumps(opened)


def test_naming_a_safeguarding_review_is_refused_for_a_non_safeguarding_person(
    demo_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (
        open_demo_workspace(AppPaths.from_base(demo_base)) as workspace,
        workspace.store.reading() as session,
    ):
        audit = next(
            r.id
            for r in session.exec(select(ReviewRow)).all()
            if r.framework_id == "safeguarding-audit"
        )
    bundle = tmp_path / "audit.reviewer"
    args = ("--review", audit, "--passphrase-file", str(_passphrase_file(tmp_path)))
    assert _export(demo_base, bundle, *args) == 1
    err = capsys.readouterr().err
    assert "is for safeguarding roles only, so Sarah Okafor may not export it" in err
    assert not bundle.exists()


def test_an_encrypted_bundle_does_not_open_or_import_without_its_key_and_tampering_is_refused(
    demo_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "work.reviewer"
    assert _export(demo_base, bundle, "--passphrase-file", str(_passphrase_file(tmp_path))) == 0
    capsys.readouterr()
    target = tmp_path / "other-laptop"

    def imported(*extra: str) -> int:
        return main(["import", str(bundle), "--data-dir", str(target), *extra])

    # No passphrase, and no terminal to ask on.
    assert imported() == 1
    assert "needs a passphrase" in capsys.readouterr().err
    # The wrong one.
    wrong = _passphrase_file(tmp_path, "not the passphrase at all")
    assert imported("--passphrase-file", str(wrong)) == 1
    assert "could not be opened: the passphrase is wrong" in capsys.readouterr().err
    with pytest.raises(age_passphrase.AgeKeyError):
        age_passphrase.decrypt(bundle.read_bytes(), "not the passphrase at all")

    # One byte changed in the middle of the encrypted body.
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.reviewer"
    tampered.write_bytes(bytes(data))
    right = _passphrase_file(tmp_path)
    assert main(["import", str(tampered), "--data-dir", str(target), "--passphrase-file",
                 str(right)]) == 1  # fmt: skip
    assert "was changed or cut short after it was exported" in capsys.readouterr().err

    # Nothing reached the other laptop's store through any of those.
    with (
        Workspace.open(AppPaths.from_base(target)) as workspace,
        workspace.store.reading() as session,
    ):
        assert session.exec(select(ReviewRow)).all() == []

    # The right passphrase opens and imports it.
    assert imported("--passphrase-file", str(right)) == 0
    assert "Imported" in capsys.readouterr().out


def test_plaintext_is_for_trust_admins_only_and_warns(
    demo_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "plain.json"
    assert _export(demo_base, bundle, "--plaintext") == 1
    assert "Only a trust admin may export an unencrypted bundle" in capsys.readouterr().err
    assert not bundle.exists()

    with open_demo_workspace(AppPaths.from_base(demo_base)) as workspace:
        admin = next(p for p in workspace.list_people() if p.has_role(Role.TRUST_ADMIN))
        with workspace.store.writing() as session:
            set_setting(session, CURRENT_PERSON, admin.id)
    assert _export(demo_base, bundle, "--plaintext") == 0
    captured = capsys.readouterr()
    assert "this bundle is NOT encrypted" in captured.err
    assert json.loads(bundle.read_text(encoding="utf-8"))["format"] == "reviewer-bundle"


def test_every_export_is_recorded_for_the_audit_log(
    demo_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "audited.reviewer"
    assert _export(demo_base, bundle, "--passphrase-file", str(_passphrase_file(tmp_path))) == 0
    opened = json.loads(age_passphrase.decrypt(bundle.read_bytes(), PASSPHRASE))
    with open_demo_workspace(AppPaths.from_base(demo_base)) as workspace:
        with workspace.store.reading() as session:
            (entry,) = session.exec(select(AuditEntryRow)).all()
        person = workspace.current_person
    assert entry.action == "bundle_exported"
    assert entry.person_id == person.id
    assert entry.sent_at is None  # waits for the next sync
    detail = json.loads(entry.detail)
    assert detail["file"] == "audited.reviewer"
    assert detail["sealed"] == "passphrase"
    assert sorted(detail["reviews"]) == sorted(e["review"]["id"] for e in opened["reviews"])
    assert "Sarah Okafor exported" in entry.summary
