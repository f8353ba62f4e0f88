"""End to end: a two-day peer review planned, then signed in order on three laptops, one signer
offline, and exported by the trust's admin.

The trust server (with its trust CA) and every ``reviewer-app`` command run as subprocesses;
each laptop has its own data folder and its own keyring file. Enrolment, planning the visit,
syncing, signing, exporting and verifying go through the documented commands. The lead starts
the review and marks it ready for sign-off through the services the editor uses (no command
does that). A peer's attempt to plan a visit is refused by the command before anything is
stored, so no sync ever reports it.

Pat signs and syncs; Sam receives Pat's signature, signs while the server is out of reach, and
syncs when it is back; Lee signs last, which locks the review on the server. Every laptop then
holds the fully signed report, and Lee exports it and verifies it with no flags (the trust root
and revocation list kept at enrolment and sync). So does Ada, the trust's admin, who is assigned
to no school: her laptop receives the fully signed report. She is the trust's safeguarding lead
too: the school's report of a peer review carries the safeguarding judgement, which a trust
admin without that role does not receive (``docs/data-protection/data-map.md``).
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from e2e_world import Laptop, Server, checked
from sqlmodel import Session, create_engine, select

from keyring_backends import file_keyring
from reviewer_app.domain.review import ReviewState
from reviewer_app.paths import frameworks_dir
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.database import create_server_engine, write_session
from reviewer_app.server.enrolment import issue_code
from reviewer_app.services.report_service import ReportService
from reviewer_app.services.review_session import open_review

AUDIENCE = "school_facing"


@pytest.mark.slow
@pytest.mark.timeout(900)  # about 50 s on two idle cores; subprocess starts slow under load
def test_three_signers_each_on_their_own_laptop_one_offline(tmp_path: Path, server: Server) -> None:
    engine = create_server_engine(server.database_url)
    with write_session(engine) as s:
        trust = adm.create_trust(s, "Oak Learning Trust").id
        school = adm.create_school(s, trust, urn="123456", name="Ash Primary", phase="primary").id
        adm.import_frameworks(s, frameworks_dir())
        people = {}
        for key, name, role in (
            ("lee", "Lee Lead", "lead_reviewer"),
            ("pat", "Pat Peer", "peer_reviewer"),
            ("sam", "Sam Second", "peer_reviewer"),
        ):
            people[key] = adm.create_person(
                s, trust, name=name, email=f"{key}@oak.example", roles=[role]
            ).id
            adm.assign(s, people[key], school)
        # Last term's visit: how Lee's laptop knows the school (a laptop receives the schools of
        # the visits it may read).
        adm.create_visit(
            s, school, "two-day-peer-review", start=date(2026, 1, 12), end=date(2026, 1, 13),
            team=[(people["lee"], "lead_reviewer")],
        )  # fmt: skip
        ada = adm.create_person(
            s,
            trust,
            name="Ada Admin",
            email="ada@oak.example",
            roles=["trust_admin", "safeguarding_lead"],
        ).id  # assigned to no school
        codes = {key: issue_code(s, person) for key, person in people.items()}
        ada_code = issue_code(s, ada)
    laptops = {
        key: Laptop(tmp_path / key, keyring_file=tmp_path / f"{key}-keyring.json") for key in people
    }
    lee, pat, sam = laptops["lee"], laptops["pat"], laptops["sam"]
    for key, laptop in laptops.items():
        enrolled = checked(laptop.run("enrol", server.url, codes[key])).stdout
        assert "certificate for your signing key" in enrolled
    checked(lee.sync())

    # The lead plans the visit with the command; a peer may not, and is told before anything
    # is stored, so no sync reports it.
    plan = ["visit", "plan", "--school", "123456", "--framework", "two-day-peer-review",
            "--start", "2026-05-11", "--end", "2026-05-12", "--lead", "Lee Lead",
            "--member", "Pat Peer:peer_reviewer",
            "--member", "Sam Second:peer_reviewer"]  # fmt: skip
    planned = checked(lee.run(*plan)).stdout
    assert "The trust will accept this visit to Ash Primary." in planned
    visit = planned.split(": visit ")[1].split(".")[0]
    checked(lee.sync())
    checked(pat.sync())
    assert visit in checked(pat.run("visit", "list")).stdout
    refused = checked(pat.run(*plan), ok=False).stderr
    assert "Ask your lead reviewer to plan it. Nothing was stored." in refused
    assert "refused" not in checked(pat.sync()).stdout.lower()

    # The lead starts the review (frozen to the framework) and marks it ready for sign-off.
    with file_keyring(lee.keyring_file), lee.workspace() as ws:  # type: ignore[arg-type]
        review = open_review(ws, visit, with_notes=False).review.id
        ws.reviews.set_state(review, ReviewState.READY_FOR_SIGN_OFF)
    checked(lee.sync())

    checked(pat.sync())
    signed = checked(pat.run("report", "sign", visit, "--audience", AUDIENCE)).stdout
    assert "1 of 3 signatures" in signed
    assert "next sync" in signed
    checked(pat.sync())

    # Sam receives Pat's signature, then the server goes out of reach; Sam signs offline.
    checked(sam.sync())
    server.stop()
    offline = checked(sam.run("report", "sign", visit, "--audience", AUDIENCE)).stdout
    assert "2 of 3 signatures" in offline
    server.start()
    # Back online: the signature first gets the trust's document timestamp, then both travel.
    back = checked(sam.sync()).stdout
    assert "Sent 2 changes, 1 signature made offline time-stamped by the trust" in back

    checked(lee.sync())
    last = checked(lee.run("report", "sign", visit, "--audience", AUDIENCE)).stdout
    assert "3 of 3 signatures" in last
    assert "the review is now locked" in last
    checked(lee.sync())
    engine = create_engine(server.database_url)
    with Session(engine) as session:
        row = session.get(models.Review, review)
        held = session.exec(
            select(models.Record).where(models.Record.entity == "signed_report")
        ).all()
    engine.dispose()
    assert row is not None
    assert row.locked
    # Sam's time-stamped version, and the server's long-term version after Lee's.
    assert sorted(r.payload["signer_count"] for r in held) == [1, 2, 2, 3, 3]

    checked(pat.sync())
    with file_keyring(pat.keyring_file), pat.workspace() as ws:  # type: ignore[arg-type]
        latest = ReportService(ws, pat.paths).latest_signed(visit, AUDIENCE)
        assert latest is not None
        assert latest.complete
        assert ws.reviews.get_review(review).state is ReviewState.SIGNED

    out = tmp_path / "signed.pdf"
    export = ("report", "export", visit, "--audience", AUDIENCE, "--out", str(out))
    assert "fully signed" in checked(lee.run(*export)).stdout
    verified = checked(lee.run("verify", str(out))).stdout
    assert verified.count("✓") == 3, verified
    assert "time by the signer's clock, no timestamp); the trust's timestamp shows" in verified
    pdfsig = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True).stdout
    assert pdfsig.count("Signature is Valid.") == 3, pdfsig
    assert pdfsig.count("Time-Stamping Authority\n") == 2, pdfsig

    # The trust's admin, assigned to no school, receives the fully signed report and checks it.
    admin = Laptop(tmp_path / "ada", keyring_file=tmp_path / "ada-keyring.json")
    checked(admin.run("enrol", server.url, ada_code))
    checked(admin.sync())
    theirs = tmp_path / "ada.pdf"
    checked(admin.run("report", "export", visit, "--audience", AUDIENCE, "--out", str(theirs)))
    assert theirs.read_bytes() == out.read_bytes()
    assert checked(admin.run("verify", str(theirs))).stdout.count("✓") == 3
