"""Concurrent pushes to one review: every op applied once, and no pull cursor skips a row.

PostgreSQL commits transactions in any order, so a cursor over a sequence could pass a row
that commits late. The server allocates ``server_seq`` under the review's row lock; this test
pulls continuously while two laptops (and a duplicate delivery) push at once.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conftest import Device, Harness, World


BATCHES = 12
BATCH_SIZE = 15


def test_concurrent_pushes_never_let_a_cursor_skip_a_row(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead, "Lead laptop")
    peer = server.enrol(world.peer, "Peer laptop")
    reader = server.enrol(world.lead, "Lead tablet")
    review = world.walk_review
    batches = {
        device.id: [
            [device.note(review, f"{device.id} {b}.{i}") for i in range(BATCH_SIZE)]
            for b in range(BATCHES)
        ]
        for device in (lead, peer)
    }
    responses: dict[str, list[dict[str, Any]]] = {"lead": [], "peer": [], "again": []}
    errors: list[BaseException] = []
    pushing = threading.Event()
    pushing.set()

    def push_all(device: Device, key: str) -> None:
        try:
            for batch in batches[device.id]:
                response = device.push(review, batch)
                assert response.status_code == 200, response.text
                responses[key].append(response.json())
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    seen: list[int] = []

    def pull_continuously() -> None:
        try:
            cursor = 0
            while True:
                still_pushing = pushing.is_set()
                page = reader.pull(review, since=cursor, limit=7).json()
                seen.extend(c["server_seq"] for c in page["changes"])
                cursor = page["next_cursor"]
                if not still_pushing and not page["has_more"]:
                    return
        except BaseException as exc:
            errors.append(exc)

    # The same laptop's batches delivered twice at once (a retry racing the original).
    lead_again = server.same_device(lead)
    batches[lead_again.id] = batches[lead.id]
    threads = [
        threading.Thread(target=push_all, args=(lead, "lead")),
        threading.Thread(target=push_all, args=(peer, "peer")),
        threading.Thread(target=push_all, args=(lead_again, "again")),
    ]
    puller = threading.Thread(target=pull_continuously)
    puller.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    pushing.clear()
    puller.join(timeout=120)
    assert not errors, errors

    total = 2 * BATCHES * BATCH_SIZE
    assert seen == list(range(1, total + 1)), "a pull cursor skipped or repeated a row"
    # The racing duplicate got exactly the original's answers.
    assert [b["results"] for b in responses["again"]] == [b["results"] for b in responses["lead"]]
    results = [r for body in responses["lead"] + responses["peer"] for r in body["results"]]
    assert {r["status"] for r in results} == {"accepted"}
    assert sorted(r["server_seq"] for r in results) == list(range(1, total + 1))
    assert server.count("applied_op") == total
    assert server.count("change_log") == total
