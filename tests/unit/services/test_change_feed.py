"""The change feed: writes and pulls publish what changed, after it is committed."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable

import pytest

from reviewer_app.domain.changes import ChangeOrigin, ReviewChanges
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.services.change_feed import ChangeFeed

NOTICE = ReviewChanges.of("r1", ChangeOrigin.PULLED, Entity.FIELD_VALUE, field="f", author_id="p")


class Listener:
    def __init__(self) -> None:
        self.heard: list[ReviewChanges] = []

    def hear(self, changes: ReviewChanges) -> None:
        self.heard.append(changes)


def test_every_subscriber_hears_each_notice_until_it_stops() -> None:
    feed, a, b = ChangeFeed(), Listener(), Listener()
    feed.subscribe(a.hear)
    stop_b = feed.subscribe(b.hear)
    feed.publish(NOTICE)
    stop_b()
    feed.publish(NOTICE)
    assert (len(a.heard), len(b.heard)) == (2, 1)
    assert NOTICE.pulled
    assert NOTICE.touches(Entity.FIELD_VALUE)
    assert NOTICE.fields == {"f"}


def test_a_listener_that_is_gone_is_dropped_and_never_kept_alive() -> None:
    feed, listener = ChangeFeed(), Listener()
    feed.subscribe(listener.hear)
    del listener
    gc.collect()
    feed.publish(NOTICE)  # nothing to hear it, nothing raised


def test_a_failing_listener_is_logged_and_the_others_still_hear(
    expected_log: Callable[[int, str], None], caplog: pytest.LogCaptureFixture
) -> None:
    expected_log(logging.ERROR, "A change notice could not be delivered")
    feed, listener = ChangeFeed(), Listener()

    def broken(_changes: ReviewChanges) -> None:
        raise RuntimeError("boom")

    feed.subscribe(broken)
    feed.subscribe(listener.hear)
    with caplog.at_level(logging.ERROR):
        feed.publish(NOTICE)
    assert [r.getMessage() for r in caplog.records] == ["A change notice could not be delivered"]
    assert listener.heard == [NOTICE]


def test_publishing_from_many_threads_reaches_the_listener_every_time() -> None:
    feed, listener = ChangeFeed(), Listener()
    feed.subscribe(listener.hear)
    threads = [threading.Thread(target=lambda: [feed.publish(NOTICE) for _ in range(50)])]
    threads += [threading.Thread(target=lambda: [feed.publish(NOTICE) for _ in range(50)])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(listener.heard) == 100
