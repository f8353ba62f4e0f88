"""Restriction follows references (issue 14, item 2): a record is withheld from a reader when
anything it refers to is withheld, on the pull and the file download alike.

The test walks every restricted part of every framework the trust imports (restricted criteria
of open frameworks, and whole safeguarding frameworks) and, for each, every record kind that can
refer to another: a correction and a withdrawal of a hidden note, an attachment cited only by a
hidden note, a withdrawal and a follow-up of a hidden action (in the same review and at the
school's next visit, in a review the reader may see).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from reviewer_app.server import administration as adm
from reviewer_app.server import models

if TYPE_CHECKING:
    from conftest import Device, Harness, World

FRAMEWORKS = Path(__file__).resolve().parents[3] / "frameworks"


@dataclass(frozen=True)
class Part:
    """A restricted part: a criterion of an open framework, or a whole safeguarding one."""

    framework_id: str
    criterion_id: str
    review_id: str

    @property
    def label(self) -> str:
        return f"{self.framework_id}/{self.criterion_id}"


def _restricted_parts(server: Harness, world: World) -> list[Part]:
    parts: list[Part] = []
    with server.admin() as session:
        adm.import_frameworks(session, FRAMEWORKS)
        items = session.exec(
            select(models.RestrictedItem).where(models.RestrictedItem.kind == "criterion")
        ).all()
        criteria = sorted({(i.framework_id, i.item_id) for i in items})
        safeguarding = sorted(
            f.id for f in session.exec(select(models.Framework)).all() if f.safeguarding
        )
        for number, (framework_id, criterion_id) in enumerate(criteria):
            visit = adm.create_visit(
                session, world.school_a, framework_id,
                start=date(2026, 9, 14 + number), end=date(2026, 9, 14 + number),
                team=[(world.lead, "lead_reviewer"), (world.peer, "peer_reviewer")],
            ).id  # fmt: skip
            parts.append(Part(framework_id, criterion_id, adm.create_review(session, visit).id))
        for framework_id in safeguarding:
            visit = adm.create_visit(
                session, world.school_a, framework_id, start=date(2026, 10, 1),
                end=date(2026, 10, 1),
                team=[(world.dsl, "lead_reviewer"), (world.peer, "peer_reviewer")],
            ).id  # fmt: skip
            parts.append(
                Part(framework_id, "whole framework", adm.create_review(session, visit).id)
            )
    assert {p.framework_id for p in parts} >= {"half-termly-core-visit", "safeguarding-audit"}
    return parts


def _pushed(device: Device, review: str, ops: list[dict[str, Any]]) -> None:
    results = device.push(review, ops).json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * len(ops), results


def test_whatever_refers_to_a_hidden_record_is_hidden_too(server: Harness, world: World) -> None:
    parts = _restricted_parts(server, world)
    writer = server.enrol(world.peer)  # a safeguarding lead on every team
    reader = server.enrol(world.lead)  # no safeguarding role; on the open frameworks' teams
    walked: list[str] = []
    for part in parts:
        review = part.review_id
        whole = part.criterion_id == "whole framework"
        criterion = {} if whole else {"criterion_ids": [part.criterion_id]}
        note, photo, action = (f"{kind}-{uuid.uuid4()}" for kind in ("note", "photo", "action"))
        data = f"scan of {part.label}".encode()
        sha = hashlib.sha256(data).hexdigest()
        assert writer.http.put(f"/blobs/{sha}", content=data).status_code in (200, 201)
        referring = {
            "the hidden note": writer.op(review, "append", "evidence_note", note,
                                         {"text": "Gap in row R7", "attachment_ids": [photo],
                                          **criterion}),
            "an attachment cited only by it": writer.op(
                review, "append", "attachment", photo, {"sha256": sha, "size": len(data)}),
            "a correction of it": writer.op(review, "append", "evidence_note", f"c-{note}",
                                            {"text": "Gap in row R9", "supersedes": note}),
            "a withdrawal of it": writer.op(review, "retract", "evidence_note", f"w-{note}",
                                            {"text": "", "supersedes": note, "retracted": True,
                                             "captured_at": "2026-09-14T10:00:00+00:00",
                                             "id": f"w-{note}", "review_id": review,
                                             "author_id": world.peer}),
            "the hidden action": writer.op(review, "append", "action", action,
                                           {"school_id": world.school_a,
                                            "criterion_id": part.criterion_id}),
            "a follow-up of it": writer.op(review, "append", "action_follow_up", f"f-{action}",
                                           {"action_id": action}),
            "a withdrawal of the action": writer.op(review, "retract", "action", action, {}),
        }  # fmt: skip
        if whole:  # the framework itself is withheld: its records name no criterion
            referring["the hidden action"]["payload"]["criterion_id"] = None
        # Ordered as a laptop would send them: the file's record before the note citing it.
        order = ["an attachment cited only by it", "the hidden note", "a correction of it",
                 "a withdrawal of it", "the hidden action", "a follow-up of it",
                 "a withdrawal of the action"]  # fmt: skip
        batch = [referring[k] for k in order]
        for op, seq in zip(batch, sorted(op["device_seq"] for op in batch), strict=True):
            op["device_seq"] = seq
        _pushed(writer, review, batch)
        next_visit = writer.op(world.walk_review, "append", "action_follow_up",
                               f"next-{action}", {"action_id": action})  # fmt: skip
        _pushed(writer, world.walk_review, [next_visit])

        # The safeguarding lead receives all of it.
        seen = {c["entity_id"] for c in writer.pull_all(review)}
        assert {op["entity_id"] for op in referring.values()} <= seen, part.label
        assert f"next-{action}" in {c["entity_id"] for c in writer.pull_all(world.walk_review)}

        # The reader receives none of it, on either review, nor the file.
        pulled = reader.pull(review)
        if whole:
            assert pulled.status_code == 404, part.label
        else:
            got = {c["entity_id"] for c in pulled.json()["changes"]}
            for what, op in referring.items():
                assert op["entity_id"] not in got, f"{part.label}: {what} reached the reader"
                walked.append(what)
        at_next = {c["entity_id"] for c in reader.pull_all(world.walk_review)}
        assert f"next-{action}" not in at_next, f"{part.label}: the next visit's follow-up"
        assert reader.http.get(f"/blobs/{sha}").status_code == 404, part.label

    assert set(walked) >= {
        "an attachment cited only by it", "a correction of it", "a withdrawal of it",
        "a follow-up of it", "a withdrawal of the action",
    }  # fmt: skip
    # A follow-up of an action the reader may see still reaches them.
    open_action = writer.op(world.walk_review, "append", "action", "open-action",
                            {"school_id": world.school_a})  # fmt: skip
    open_follow_up = writer.op(world.walk_review, "append", "action_follow_up", "open-fu",
                               {"action_id": "open-action"})  # fmt: skip
    _pushed(writer, world.walk_review, [open_action, open_follow_up])
    at_walk = {c["entity_id"] for c in reader.pull_all(world.walk_review)}
    assert {"open-action", "open-fu"} <= at_walk
