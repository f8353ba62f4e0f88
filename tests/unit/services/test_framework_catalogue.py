"""The installed frameworks: one library per process, and the catalogue the shell shows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reviewer_app.domain.frameworks import FrameworkLoadError
from reviewer_app.paths import frameworks_dir
from reviewer_app.services.framework_catalogue import installed_library, load_catalogue


def test_the_library_is_loaded_once_whoever_asks() -> None:
    library = installed_library()
    assert installed_library(frameworks_dir()) is library
    # The shell's catalogue is read from that same library, not a second load.
    catalogue = load_catalogue()
    assert {kind.framework_id for kind in catalogue.kinds} == set(library.framework_ids)


def test_the_catalogue_lists_kinds_by_title_with_their_phases() -> None:
    kinds = load_catalogue().kinds
    titles = [kind.title for kind in kinds]
    assert titles == sorted(titles, key=str.casefold)
    walk = next(kind for kind in kinds if kind.framework_id == "learning-walk")
    assert walk.title == installed_library().latest("learning-walk").title


def test_a_folder_without_profiles_still_offers_the_generic_trust(tmp_path: Path) -> None:
    folder = tmp_path / "frameworks"
    folder.mkdir()
    for name in ("learning-walk.yaml", "scales.yaml"):
        shutil.copy(frameworks_dir() / name, folder / name)
    catalogue = load_catalogue(folder)
    assert [kind.framework_id for kind in catalogue.kinds] == ["learning-walk"]
    assert catalogue.profiles == (("generic", "Generic"),)


def test_a_broken_file_is_named_every_time_until_it_is_mended(tmp_path: Path) -> None:
    folder = tmp_path / "frameworks"
    folder.mkdir()
    shutil.copy(frameworks_dir() / "scales.yaml", folder / "scales.yaml")
    broken = folder / "learning-walk.yaml"
    broken.write_text("kind: framework\nid: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(FrameworkLoadError, match=r"learning-walk\.yaml"):
            installed_library(folder)
    shutil.copy(frameworks_dir() / "learning-walk.yaml", broken)
    assert installed_library(folder).framework_ids == ("learning-walk",)
