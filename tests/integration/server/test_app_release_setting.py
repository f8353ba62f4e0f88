"""The server setting for the app version the trust rolls out: options, environment, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.server.app_release import (
    APP_DOWNLOAD_URL_ENV,
    APP_VERSION_ENV,
    release_from_settings,
)
from reviewer_app.server.cli import main
from reviewer_app.sync.protocol import AppRelease


def test_options_win_over_the_environment() -> None:
    environ = {APP_VERSION_ENV: "0.3.0", APP_DOWNLOAD_URL_ENV: "https://env.example.org/r"}
    assert release_from_settings(None, None, environ) == AppRelease(
        version="0.3.0", download_url="https://env.example.org/r"
    )
    assert release_from_settings("0.4.0rc1", None, environ) == AppRelease(
        version="0.4.0rc1", download_url="https://env.example.org/r"
    )
    assert release_from_settings(None, None, {}) is None


@pytest.mark.parametrize(
    ("version", "url", "said"),
    [
        ("next tuesday", None, "'next tuesday' is not a version number"),
        ("0.2.0", "file:///srv/reviewer.msi", "is not a web address"),
        ("0.2.0", "reviewer.msi", "is not a web address"),
        (None, "https://it.example.org/r", "without the app version it offers"),
    ],
)
def test_a_wrong_setting_is_named(version: str | None, url: str | None, said: str) -> None:
    with pytest.raises(ReviewerError, match=said):
        release_from_settings(version, url, {})


def test_serve_refuses_to_start_on_a_wrong_version_in_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["--data-dir", str(tmp_path), "serve", "--app-version", "latest"])
    assert status == 1
    err = capsys.readouterr().err
    assert "The app version 'latest' is not a version number." in err
    assert "Traceback" not in err
