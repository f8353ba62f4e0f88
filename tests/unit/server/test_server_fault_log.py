"""A server fault is logged without the request's content (issue 14, item 4)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from reviewer_app.server.http_errors import log_unexpected


def test_a_server_fault_is_logged_without_the_request_content(
    caplog: pytest.LogCaptureFixture, expected_log: Any
) -> None:
    expected_log(logging.ERROR, "Unexpected server error")
    disclosed = "Pupil A disclosed something at lunch"  # as a payload would reach an exception
    try:
        raise KeyError(disclosed)
    except KeyError as exc:
        log_unexpected("POST", "/reviews/r1/push", exc)
    (line,) = caplog.records
    assert line.levelno == logging.ERROR
    assert "KeyError" in caplog.text
    assert "/reviews/r1/push" in caplog.text
    assert disclosed not in caplog.text
