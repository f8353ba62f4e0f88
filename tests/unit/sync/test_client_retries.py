"""The sync client's retries against a port where nothing listens: they run their course, and a
cancelled sync stops retrying at once (closing the app mid-sync waits for nothing)."""

from __future__ import annotations

import socket

import pytest

from reviewer_app.sync.client import RetryPolicy, ServerUnreachableError, SyncClient


@pytest.fixture
def dead_url() -> str:
    """A loopback address where nothing listens (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_a_refused_connection_is_retried_then_reported_offline(dead_url: str) -> None:
    policy = RetryPolicy(attempts=3, initial_wait=0.01, max_wait=0.02, deadline=30)
    with SyncClient(dead_url, retry=policy) as client, pytest.raises(ServerUnreachableError):
        client.health()
    assert client.requests_sent == 3


def test_a_cancelled_sync_stops_retrying(dead_url: str) -> None:
    policy = RetryPolicy(attempts=5, initial_wait=60, max_wait=60, deadline=600)
    with SyncClient(dead_url, retry=policy) as client:
        client.cancelled = lambda: client.requests_sent >= 1
        with pytest.raises(ServerUnreachableError, match="cannot be reached"):
            client.health()
    assert client.requests_sent == 1


# Without the cancel check inside the wait, this would sit out a 60-second backoff.
@pytest.mark.timeout(20)
def test_a_sync_cancelled_during_a_retry_wait_stops_waiting(dead_url: str) -> None:
    asked: list[int] = []

    def cancelled() -> bool:
        # Asked first after the first attempt fails (not yet cancelled), then inside the wait
        # before the second attempt: the person cancels while the client is waiting.
        asked.append(client.requests_sent)
        return len(asked) > 1

    policy = RetryPolicy(attempts=5, initial_wait=60, max_wait=60, deadline=600)
    with SyncClient(dead_url, retry=policy) as client:
        client.cancelled = cancelled
        with pytest.raises(ServerUnreachableError):
            client.health()
    # The first attempt, the wait cut short, and the attempt already due: no more.
    assert client.requests_sent == 2
    assert asked[:2] == [1, 1]
