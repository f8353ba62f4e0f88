"""End to end: a framework the trust owns, from a workbook to two laptops and into its second
version.

The trust server runs as a subprocess (``reviewer-app-server serve``), administered with its
command line; each laptop enrols and syncs with ``reviewer-app`` in subprocesses of its own,
against its own encrypted store, and reviews through the services the editor uses.

The trust admin uploads a workbook with a mistake (refused, named by sheet and cell), fixes it
and publishes it. The lead's laptop syncs, lists it as the trust's, and reviews a visit on it,
which is signed. A second version (one criterion reworded, one added) is published; both
laptops sync. The old review keeps its version and its report's content is unchanged; the new
review of the school carries forward the answers to the unchanged criteria, each to be
confirmed, and nothing for the reworded one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from e2e_world import Laptop, Server, checked
from openpyxl import load_workbook

from reviewer_app.domain.carry_forward import is_carried_forward, unconfirmed
from reviewer_app.domain.review import ReviewState, agreed_judgement
from reviewer_app.paths import AppPaths
from reviewer_app.services.report_service import ReportService
from reviewer_app.services.review_session import open_review

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

TEMPLATE = Path(__file__).parents[3] / "docs" / "framework-template.xlsx"


@pytest.fixture
def trust(tmp_path: Path, keyring_file: Path) -> Iterator[Server]:
    server = Server(tmp_path / "server", trust_ca=False)
    server.admin("create-trust", "Oak Learning Trust", "--id", "oak")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _workbook(path: Path, *, version: str, changes: dict[tuple[str, str], object]) -> Path:
    book = load_workbook(TEMPLATE)
    book["Framework"]["B3"] = version
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    # Carry unchanged answers forward to the next version (a setting of the Framework sheet).
    settings = book["Framework"]
    row = next(
        r for r in range(2, 40) if settings[f"A{r}"].value == "Carry forward unchanged answers"
    )
    settings[f"B{row}"] = "yes"
    book.save(path)
    return path


def test_a_trust_framework_from_workbook_to_laptops_and_its_next_version(
    trust: Server, tmp_path: Path
) -> None:
    admin = trust.admin
    school = admin(
        "create-school",
        "--trust",
        "oak",
        "--urn",
        "100001",
        "--name",
        "Ash Primary",
        "--phase",
        "primary",
    ).stdout.strip()
    lee = admin(
        "create-reviewer",
        "--trust",
        "oak",
        "--name",
        "Lee Lead",
        "--email",
        "lee@oak.example",
        "--role",
        "lead_reviewer",
    ).stdout.strip()
    pat = admin(
        "create-reviewer",
        "--trust",
        "oak",
        "--name",
        "Pat Peer",
        "--email",
        "pat@oak.example",
        "--role",
        "peer_reviewer",
    ).stdout.strip()
    for person in (lee, pat):
        admin("assign", person, school)

    # 1. A workbook with a mistake is refused, named by sheet and cell; fixed, it is kept.
    broken = _workbook(
        tmp_path / "our-walk.xlsx", version="1", changes={("Criteria", "G2"): "seen-partly-nott"}
    )
    refused = admin("frameworks", "upload", str(broken), ok=False)
    assert refused.stdout.startswith(
        "our-walk.xlsx: sheet 'Criteria', cell G2: The scale 'seen-partly-nott' is not installed"
    )
    assert "nothing was kept" in refused.stderr
    assert "our-learning-walk" not in admin("frameworks", "list").stdout
    fixed = _workbook(tmp_path / "our-walk.xlsx", version="1", changes={})
    assert "Kept our-learning-walk@1" in admin("frameworks", "upload", str(fixed)).stdout
    admin("frameworks", "publish", "our-learning-walk@1")

    # 2. Both laptops enrol and sync; the framework is the trust's, version 1.
    lead, peer = Laptop(tmp_path / "lee"), Laptop(tmp_path / "pat")
    for laptop, person in ((lead, lee), (peer, pat)):
        code = admin("issue-code", person).stdout.strip()
        checked(laptop.run("enrol", trust.url, code))
        assert "framework library updated (1 in use)" in checked(laptop.run("sync")).stdout
    listed = checked(lead.run("frameworks", "list")).stdout
    assert any(
        line.split()[:5] == ["our-learning-walk", "1", "the", "trust's", "Our"]
        for line in listed.splitlines()
    )

    # 3. A visit on it, reviewed on the lead's laptop and signed.
    first_visit = admin(
        "create-visit",
        "--school",
        school,
        "--framework",
        "our-learning-walk",
        "--start",
        "2026-09-14",
        "--end",
        "2026-09-14",
        "--member",
        f"{lee}:lead_reviewer",
        "--member",
        f"{pat}:peer_reviewer",
    ).stdout.strip()
    checked(lead.run("sync"))
    with lead.workspace() as ws:
        ctx = open_review(ws, first_visit)
        assert ctx.framework.reference == "our-learning-walk@1"
        review = ctx.review
        ws.reviews.set_field(review.id, "focus", "routines")
        ws.reviews.set_field(review.id, "rooms-visited", 6)
        ws.reviews.agree_judgement(review.id, "starts-promptly", "seen")
        ws.reviews.set_field(
            review.id, "starts-promptly.evidence", "Every room started within a minute."
        )
        ws.reviews.agree_judgement(review.id, "everyone-answers", "partly")
        ws.reviews.set_field(review.id, "strengths", "Calm, prompt starts.")
        ws.reviews.set_field(review.id, "next-steps", "Cold calling in KS2.")
        ws.reviews.set_state(review.id, ReviewState.SIGNED)
        reports = ReportService(ws, AppPaths.from_base(lead.folder))
        before = reports.document(first_visit, "full_internal")[1].data_hash()
    checked(lead.run("sync"))
    checked(peer.run("sync"))

    # 4. Version 2: one criterion reworded, one added. Published; both laptops sync.
    second = _workbook(
        tmp_path / "our-walk-2.xlsx", version="2",
        changes={("Criteria", "C3"): "Every pupil is expected to answer, every time",
                 ("Criteria", "A4"): "routines", ("Criteria", "B4"): "resources-ready",
                 ("Criteria", "C4"): "Resources are ready before they are needed"},
    )  # fmt: skip
    assert "Kept our-learning-walk@2" in admin("frameworks", "upload", str(second)).stdout
    admin("frameworks", "publish", "our-learning-walk@2")
    for laptop in (lead, peer):
        assert "framework library updated (2 in use)" in checked(laptop.run("sync")).stdout
    versions = ("our-learning-walk@1", "our-learning-walk@2")
    diff = checked(lead.run("frameworks", "diff", *versions)).stdout
    assert "Added criteria (1)\n  + resources-ready" in diff
    assert "Reworded criteria (1)\n  ~ everyone-answers" in diff

    # 5. The old review keeps its version and its report is unchanged; so it is for the peer.
    with lead.workspace() as ws:
        old = open_review(ws, first_visit)
        assert old.framework.reference == "our-learning-walk@1"
        assert (
            ReportService(ws, AppPaths.from_base(lead.folder))
            .document(first_visit, "full_internal")[1]
            .data_hash()
            == before
        )
    with peer.workspace() as ws:
        assert open_review(ws, first_visit).framework.reference == "our-learning-walk@1"

    # 6. The next visit uses version 2 and carries forward the unchanged answer, to confirm.
    next_visit = admin(
        "create-visit",
        "--school",
        school,
        "--framework",
        "our-learning-walk",
        "--start",
        "2027-01-11",
        "--end",
        "2027-01-11",
        "--member",
        f"{lee}:lead_reviewer",
    ).stdout.strip()
    checked(lead.run("sync"))
    with lead.workspace() as ws:
        ctx = open_review(ws, next_visit)
        assert ctx.framework.reference == "our-learning-walk@2"
        carried = agreed_judgement(ctx.judgements, "starts-promptly")
        assert carried is not None
        assert carried.level_key == "seen"
        assert is_carried_forward(carried)
        assert carried.carried_forward_from == date(2026, 9, 14)
        assert carried.rationale == ""  # the mark is a field of its own, not the reasons
        assert ctx.fields["starts-promptly.evidence"].value == "Every room started within a minute."
        assert agreed_judgement(ctx.judgements, "everyone-answers") is None  # reworded
        assert unconfirmed(ctx.judgements) == {"starts-promptly"}
        # The walk's focus shows the section; its carried answer is still to do.
        ws.reviews.set_field(ctx.review.id, "focus", "routines")
        progress = open_review(ws, next_visit).progress()
        assert "Routines: “Learning starts promptly” was carried forward: confirm it" in [
            m.message for m in progress.missing
        ]
        # Confirmed by the lead, it counts as done.
        ws.reviews.agree_judgement(ctx.review.id, "starts-promptly", "seen")
        again = open_review(ws, next_visit)
        assert unconfirmed(again.judgements) == frozenset()
    assert "Sent" in checked(lead.run("sync")).stdout
