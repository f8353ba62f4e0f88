"""Every role x school x framework x team membership: what a device may read and write.

The rule, stated once here independently of the server's code: a person reads a review when
they are assigned to its school and, for a safeguarding framework, hold a safeguarding role;
they write when they may read and are on the visit's team.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from reviewer_app.domain.organisation import Role
from reviewer_app.server import administration as adm

if TYPE_CHECKING:
    from conftest import Harness

FRAMEWORKS = {"learning_walk": False, "safeguarding_audit": True}


@dataclass(frozen=True)
class Cell:
    school: str  # "assigned" or "other"
    framework: str
    on_team: bool
    review_id: str
    blob: str


def test_access_matrix(server: Harness) -> None:
    with server.admin() as s:
        trust = adm.create_trust(s, "Matrix Trust").id
        schools = {
            "assigned": adm.create_school(s, trust, urn="200001", name="Elm", phase="primary").id,
            "other": adm.create_school(s, trust, urn="200002", name="Fir", phase="primary").id,
        }
        for framework_id, safeguarding in FRAMEWORKS.items():
            adm.add_framework(s, framework_id, safeguarding=safeguarding)
        # One person per trust-wide role, each assigned to the "assigned" school only.
        people = {
            role: adm.create_person(
                s,
                trust,
                name=f"Person {role.value}",
                email=f"{role.value}@m.example",
                roles=[role.value],
            ).id
            for role in Role
        }
        # A coordinator who leads every visit and may see everything, to add the records.
        coordinator = adm.create_person(
            s,
            trust,
            name="Coordinator",
            email="coord@m.example",
            roles=["lead_reviewer", "safeguarding_lead"],
        ).id
        for school in schools.values():
            adm.assign(s, coordinator, school)
        for person in people.values():
            adm.assign(s, person, schools["assigned"])
        plan = []
        for (school_key, school), framework, on_team in itertools.product(
            schools.items(), FRAMEWORKS, (True, False)
        ):
            team = [(coordinator, "lead_reviewer")]
            if on_team:
                team += [(p, "peer_reviewer") for p in people.values()]
            visit = adm.create_visit(
                s, school, framework, start=date(2026, 5, 1), end=date(2026, 5, 1), team=team
            )
            review = adm.create_review(s, visit.id).id
            plan.append((school_key, framework, on_team, review))

    coordinator_device = server.enrol(coordinator)
    cells: list[Cell] = []
    for school_key, framework, on_team, review in plan:
        data = f"photo for {review}".encode()
        sha = hashlib.sha256(data).hexdigest()
        assert coordinator_device.http.put(f"/blobs/{sha}", content=data).status_code == 201
        attach = coordinator_device.op(
            review, "append", "attachment", f"a-{review}", {"sha256": sha, "filename": "p.jpg"}
        )
        pushed = coordinator_device.push(review, [attach]).json()["results"][0]
        assert pushed["status"] == "accepted"
        cells.append(Cell(school_key, framework, on_team, review, sha))

    checked = 0
    for role, person in people.items():
        device = server.enrol(person)
        readable = {r["review_id"]: r for r in device.handshake().json()["reviews"]}
        for cell in cells:
            may_read = cell.school == "assigned" and (
                not FRAMEWORKS[cell.framework] or role is Role.SAFEGUARDING_LEAD
            )
            may_write = may_read and cell.on_team
            label = f"{role.value} / {cell.school} school / {cell.framework} / team={cell.on_team}"

            assert (cell.review_id in readable) == may_read, label
            if may_read:
                assert readable[cell.review_id]["may_write"] == may_write, label
                assert readable[cell.review_id]["is_lead"] is False, label

            pull = device.pull(cell.review_id)
            assert pull.status_code == (200 if may_read else 404), label
            conflicts = device.http.get(f"/reviews/{cell.review_id}/conflicts")
            assert conflicts.status_code == (200 if may_read else 404), label
            blob = device.http.get(f"/blobs/{cell.blob}")
            assert blob.status_code == (200 if may_read else 404), label

            before = server.count("change_log")
            push = device.push(cell.review_id, [device.note(cell.review_id)])
            expected_status = 200 if may_write else (403 if may_read else 404)
            assert push.status_code == expected_status, label
            if may_write:
                assert push.json()["results"][0]["status"] == "accepted", label
                # Lead-only work is refused to a team member who is not the lead.
                judgement = {"criterion_id": "c1", "level_key": "secure", "agreed": True}
                agreed = device.op(
                    cell.review_id, "append", "judgement", f"j-{role}-{cell.review_id}", judgement
                )
                result = device.push(cell.review_id, [agreed]).json()["results"][0]
                assert result["reason"] == "lead_only", label
                assert server.count("change_log") == before + 1, label
            else:
                assert server.count("change_log") == before, label
            checked += 1
    assert checked == len(Role) * 2 * 2 * 2
