"""Fixtures for the framework engine tests: the installed library and a writer for bad files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer_app.domain.frameworks import FrameworkLibrary, load_library
from reviewer_app.paths import frameworks_dir, resources_dir

#: A small, valid framework used as the starting point of the bad-input tests.
MINIMAL_FRAMEWORK = """\
kind: framework
id: mini
version: "1"
title: Mini review
owner: Test trust
default_scale: mini-scale
scales:
  - id: mini-scale
    version: "1"
    title: Mini scale
    levels:
      - {key: good, label: Good, rank: 1, colour: "#00AA00"}
      - {key: poor, label: Poor, rank: 0, colour: "#AA0000"}
sections:
  - id: first
    title: First section
    criteria:
      - id: alpha
        title: Alpha
      - id: beta
        title: Beta
"""


@pytest.fixture(scope="session")
def installed() -> FrameworkLibrary:
    """The library shipped in the repository's frameworks/ folder."""
    return load_library(frameworks_dir(), resources_dir=resources_dir())


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write YAML text (dedented) to ``tmp_path/name`` and return the path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def mini() -> str:
    """The text of a small, valid framework file (``mini.yaml``)."""
    return MINIMAL_FRAMEWORK
