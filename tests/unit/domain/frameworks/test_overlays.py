"""Overlays: a trust extends a built-in framework without copying it; the checker checks what it
makes; a new built-in version flows through to the overlay."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from reviewer_app.domain.frameworks import FrameworkLibrary, check_files, load_library
from reviewer_app.domain.frameworks.library import check_sources, read_document_bytes
from reviewer_app.paths import frameworks_dir

OVERLAY = """\
kind: framework_overlay
id: oak-learning-walk
version: "1"
extends: learning-walk
title: Learning walk (Oak)
rename:
  climate: "C: Our climate for learning"
  climate-routines: Routines and habits
hide: [review]
add_look_fors:
  climate-routines: [Pupils line up calmly at the door]
add_criteria:
  climate:
    - {id: oak-uniform, title: Uniform is worn with pride}
    - {id: oak-displays, title: Displays celebrate pupils' work, scale: compliance-check}
use_scale: {observation-lookfor: development-stage}
add_sign_off:
  - {role: improvement_partner, label: School improvement partner}
"""


def _check(text: str, installed: FrameworkLibrary) -> tuple[FrameworkLibrary, list[str]]:
    source = read_document_bytes(Path("oak-learning-walk.yaml"), textwrap.dedent(text).encode())
    assert not isinstance(source, list), source
    library, problems = check_sources([source], base=installed)
    return library, [str(p) for p in problems]


def test_an_overlay_extends_the_built_in_framework_without_copying_it(
    installed: FrameworkLibrary,
) -> None:
    library, problems = _check(OVERLAY, installed)
    assert problems == []
    walk = installed.latest("learning-walk")
    oak = library.get("oak-learning-walk")
    assert oak.based_on == walk.reference
    assert oak.title == "Learning walk (Oak)"
    assert [s.id for s in oak.sections] == [s.id for s in walk.sections if s.id != "review"]
    climate = oak.sections[0]
    assert climate.title == "C: Our climate for learning"
    routines = oak.criterion("climate-routines")
    assert routines.title == "Routines and habits"
    assert routines.look_fors[-1].text == "Pupils line up calmly at the door"
    assert routines.look_fors[:-1] == walk.criterion("climate-routines").look_fors
    assert [c.id for c in climate.criteria][-2:] == ["oak-uniform", "oak-displays"]
    # Another scale wherever the base used one; an added criterion names its own or takes it.
    assert {oak.scale_for(c).id for c in oak.criteria() if c.id != "oak-displays"} == {  # type: ignore[union-attr]
        "development-stage"
    }
    assert oak.scale_for(oak.criterion("oak-displays")).id == "compliance-check"  # type: ignore[union-attr]
    assert {s.id for s in oak.scales} == {"development-stage", "compliance-check"}
    assert [s.role.value for s in oak.sign_off][-1] == "improvement_partner"
    # The built-in is untouched, and the overlay's own text is what a workbook is made from.
    assert library.get("learning-walk") == walk
    assert "oak-learning-walk@1" in library.written


def test_what_the_overlay_makes_is_checked_like_any_framework(installed: FrameworkLibrary) -> None:
    # Hiding the field every strand's condition reads leaves those conditions naming nothing.
    text = OVERLAY.replace("hide: [review]", "hide: [focus-strands]")
    library, problems = _check(text, installed)
    assert problems
    assert all(p.startswith("oak-learning-walk.yaml:4: ") for p in problems)
    assert "The condition names 'focus-strands', which is not a criterion or field" in problems[0]
    assert "oak-learning-walk" not in library.framework_ids


@pytest.mark.parametrize(
    ("change", "line", "says"),
    [
        (("hide: [review]", "hide: [revue]"), 9, "'revue' is not a section, criterion or field"),
        (("  climate-routines: Routines", "  climate-routine: Routines"), 8,
         "rename only what it has"),
        (("use_scale: {observation-lookfor:", "use_scale: {compliance-check:"), 16,
         "does not rate anything on the scale 'compliance-check'"),
        (("extends: learning-walk", "extends: learning-walk@7"), 4,
         "The framework 'learning-walk@7' is not installed"),
        (("id: oak-learning-walk", "id: learning-walk\nversion_: x"), 3, "'version_' is not a key"),
    ],
)  # fmt: skip
def test_an_overlay_naming_what_is_not_there_is_refused_at_its_line(
    installed: FrameworkLibrary, change: tuple[str, str], line: int, says: str
) -> None:
    _, problems = _check(OVERLAY.replace(*change), installed)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"oak-learning-walk.yaml:{line}: ")
    assert says in problems[0]


def test_a_new_version_of_the_built_in_flows_through_to_the_overlay(tmp_path: Path) -> None:
    folder = tmp_path / "frameworks"
    folder.mkdir()
    shutil.copy(frameworks_dir() / "scales.yaml", folder)
    shutil.copy(frameworks_dir() / "learning-walk@1.yaml", folder)
    (folder / "oak-learning-walk.yaml").write_text(OVERLAY, encoding="utf-8")
    before = load_library(folder).get("oak-learning-walk")
    assert before.based_on == "learning-walk@1"
    assert before.caveats() == ()
    shutil.copy(frameworks_dir() / "learning-walk@2.yaml", folder)
    after = load_library(folder).get("oak-learning-walk")
    assert after.based_on == "learning-walk@2"
    assert after.version == before.version == "1"
    assert after.content_hash != before.content_hash
    # Version 2's caveats reach the overlay's result (review is hidden, so three of four).
    assert len(after.caveats()) == 3
    # A pinned overlay stays on its version.
    pinned = OVERLAY.replace("extends: learning-walk", "extends: learning-walk@1")
    (folder / "oak-learning-walk.yaml").write_text(pinned, encoding="utf-8")
    assert load_library(folder).get("oak-learning-walk").based_on == "learning-walk@1"
    assert check_files([folder]) == []
