"""The writer lane runs writes one at a time, in the order asked, off the caller's thread."""

from __future__ import annotations

import threading
import time

import pytest

from reviewer_app.services.writer_lane import WriterLane


def test_writes_from_many_threads_never_overlap_and_keep_each_callers_order() -> None:
    lane = WriterLane()
    running = 0
    overlaps = 0
    done: list[tuple[int, int]] = []
    guard = threading.Lock()

    def write(caller: int, n: int) -> int:
        nonlocal running, overlaps
        with guard:
            running += 1
            overlaps += running > 1
        time.sleep(0.001)  # widen the window in which an overlap would show
        with guard:
            running -= 1
            done.append((caller, n))
        return n

    def caller(index: int) -> None:
        futures = [lane.submit(write, index, n) for n in range(20)]
        assert [f.result(timeout=30) for f in futures] == list(range(20))

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    lane.close()
    assert overlaps == 0
    assert len(done) == 80
    for index in range(4):
        assert [n for c, n in done if c == index] == list(range(20))


def test_call_from_inside_the_lane_runs_inline_instead_of_deadlocking() -> None:
    lane = WriterLane()

    def outer() -> tuple[bool, str]:
        return lane.call(lambda: (lane.on_lane(), threading.current_thread().name))

    on_lane, name = lane.submit(outer).result(timeout=120)
    assert on_lane
    assert name.startswith("reviewer-writer")
    assert not lane.on_lane()
    lane.close()


def test_errors_come_back_through_the_future_and_the_lane_carries_on() -> None:
    lane = WriterLane()

    def fail() -> None:
        raise ValueError("bad write")

    with pytest.raises(ValueError, match="bad write"):
        lane.call(fail)
    assert lane.submit(lambda: 7).result(timeout=120) == 7
    lane.close()


def test_close_finishes_queued_writes() -> None:
    lane = WriterLane()
    results: list[int] = []
    for n in range(5):
        lane.submit(lambda n=n: (time.sleep(0.002), results.append(n)))
    lane.close()
    assert results == [0, 1, 2, 3, 4]
