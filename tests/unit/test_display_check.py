"""The check that runs before Qt: no display, an unreachable one, missing X11 libraries."""

from __future__ import annotations

import pytest

from reviewer_app import display_check
from reviewer_app.display_check import missing_display


@pytest.mark.parametrize(
    ("environ", "platform"),
    [
        ({}, "win32"),
        ({}, "darwin"),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
        ({"QT_QPA_PLATFORM": "vnc:size=800x600"}, "linux"),
        ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "linux"),
        ({"QT_QPA_PLATFORM": "wayland;xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux"),
    ],
)
def test_platforms_that_need_no_x_display_pass(environ: dict[str, str], platform: str) -> None:
    assert missing_display(environ, platform) is None


@pytest.mark.parametrize(
    "environ",
    [{}, {"QT_QPA_PLATFORM": "xcb"}, {"WAYLAND_DISPLAY": "wayland-0"}],
    ids=["nothing set", "xcb chosen", "wayland socket but an X11 session"],
)
def test_no_display_is_one_sentence_that_says_what_to_do(environ: dict[str, str]) -> None:
    message = missing_display(environ, "linux")
    assert message is not None
    assert "DISPLAY is not set" in message
    assert "xvfb-run -a" in message
    assert message.count(". ") == 0
    assert message.endswith(".")


def test_a_display_nobody_answers_on_is_named() -> None:
    message = missing_display({"DISPLAY": ":4093"}, "linux")
    assert message is not None
    assert "cannot reach the display :4093" in message


def test_a_missing_x11_library_names_its_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    libraries = (*display_check.XCB_LIBRARIES, ("libreviewer-absent.so.7", "libreviewer-absent7"))
    monkeypatch.setattr(display_check, "XCB_LIBRARIES", libraries)
    message = missing_display({"DISPLAY": ":4093"}, "linux")
    assert message is not None
    assert "(libreviewer-absent7)" in message
    assert "apt-get install libreviewer-absent7" in message
