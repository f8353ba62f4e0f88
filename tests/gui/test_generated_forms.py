"""Generated modules in gui/forms/ match ui/*.ui: regenerate into a temporary folder and compare."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _build_ui() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_ui", ROOT / "tools" / "build_ui.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_ui"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build_ui() -> ModuleType:
    return _build_ui()


def test_committed_forms_are_fresh(build_ui: ModuleType) -> None:
    stale = build_ui.stale_files()
    assert stale == [], (
        f"generated forms are stale: {stale}; run `uv run python tools/build_ui.py` and commit"
    )


def test_every_generated_form_says_do_not_edit_and_names_its_source(build_ui) -> None:
    for ui_file in sorted((ROOT / "ui").glob("*.ui")):
        module = build_ui.FORMS_DIR / build_ui.module_name(ui_file)
        head = module.read_text(encoding="utf-8").splitlines()[:2]
        assert head == [
            "# GENERATED FILE: DO NOT EDIT.",
            f"# Source: ui/{ui_file.name}. Regenerate with `uv run python tools/build_ui.py`;",
        ]


def test_a_hand_edit_or_a_changed_ui_file_is_caught(build_ui, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(build_ui.FORMS_DIR, forms, ignore=shutil.ignore_patterns("__pycache__"))
    assert build_ui.stale_files(forms) == []
    edited = forms / "ui_about.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "# a hand edit\n", encoding="utf-8")
    (forms / "ui_orphan.py").write_text("# left over from a deleted .ui\n", encoding="utf-8")
    (forms / "ui_settings.py").unlink()
    assert build_ui.stale_files(forms) == ["ui_about.py", "ui_orphan.py", "ui_settings.py"]
