"""The sync client honours a server's ``Retry-After`` (issue 14, item 6): a short pause is
waited out (not the client's own, shorter backoff), a long one ends the call at once with
:class:`ServerBusyError` so the laptop says it is waiting. Against a small real HTTP server on
loopback that answers 429 as the trust server does."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from reviewer_app.sync.client import RetryPolicy, ServerBusyError, SyncClient

FAST = RetryPolicy(attempts=4, initial_wait=0.01, max_wait=0.02, deadline=30)


class BusyServer:
    """Answers ``/health`` 429 with ``Retry-After: pause`` for the first ``busy`` calls."""

    def __init__(self) -> None:
        self.busy = 0
        self.pause = 1
        self.calls: list[float] = []

    def health(self, _request: Request) -> JSONResponse:
        self.calls.append(time.monotonic())
        if len(self.calls) <= self.busy:
            return JSONResponse(
                {"error": "rate_limited", "message": "Too many requests from this laptop."},
                status_code=429,
                headers={"Retry-After": str(self.pause)},
            )
        return JSONResponse({"status": "ok"})


@pytest.fixture(scope="module")
def busy() -> Iterator[tuple[BusyServer, str]]:
    state = BusyServer()
    app = Starlette(routes=[Route("/health", state.health)])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield state, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_short_retry_after_is_waited_out(busy: tuple[BusyServer, str]) -> None:
    state, url = busy
    state.calls.clear()
    state.busy, state.pause = 1, 1
    with SyncClient(url, retry=FAST) as client:
        assert client.health()["status"] == "ok"
    assert client.requests_sent == 2
    # The server's second, not the client's own 10 ms backoff.
    assert state.calls[1] - state.calls[0] >= 0.95


def test_a_long_retry_after_ends_the_call_at_once(busy: tuple[BusyServer, str]) -> None:
    state, url = busy
    state.calls.clear()
    state.busy, state.pause = 5, 600
    with SyncClient(url, retry=FAST) as client, pytest.raises(ServerBusyError) as waiting:
        client.health()
    assert client.requests_sent == 1
    assert waiting.value.retry_after == 600
    assert "wait 10 minutes" in waiting.value.message
