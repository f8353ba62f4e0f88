"""Framework objects are immutable, snapshots round-trip with a stable hash, and two versions of
one framework can be installed side by side."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pydantic
import pytest

from reviewer_app.domain.errors import NotFoundError, ReviewerError
from reviewer_app.domain.frameworks import Framework, FrameworkLibrary, load_library
from reviewer_app.domain.frameworks.framework import canonical_json

Write = Callable[[str, str], Path]


def test_framework_objects_are_frozen(installed: FrameworkLibrary) -> None:
    framework = installed.get("safeguarding-audit")
    section = framework.sections[0]
    criterion = section.criteria[0]
    scale = framework.scale_for(criterion)
    assert scale is not None
    for obj, name, value in (
        (framework, "title", "Changed"),
        (section, "criteria", ()),
        (criterion, "required", False),
        (scale, "note", "changed"),
        (scale.levels[0], "label", "Changed"),
        (framework.criterion_fields[0], "kind", "text"),
        (installed.profiles[0].branding, "logo", "logos/x.png"),
        (installed.schemes[0].levels[0], "colour", "#000000"),
    ):
        with pytest.raises(pydantic.ValidationError, match="frozen"):
            setattr(obj, name, value)


def test_collections_are_tuples_not_lists(installed: FrameworkLibrary) -> None:
    framework = installed.get("two-day-peer-review")
    assert isinstance(framework.sections, tuple)
    assert isinstance(framework.sections[0].criteria, tuple)
    assert isinstance(framework.sections[0].criteria[0].look_fors, tuple)
    assert isinstance(framework.scales[0].levels, tuple)
    assert isinstance(installed.frameworks, tuple)
    with pytest.raises(AttributeError):
        framework.sections.append(framework.sections[0])  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        installed._by_id["x"] = ()  # type: ignore[index]


def test_loaded_frameworks_are_hashable_values(installed: FrameworkLibrary) -> None:
    framework = installed.get("learning-walk")
    assert hash(framework) == hash(installed.get("learning-walk"))


def test_snapshot_round_trip_keeps_everything(installed: FrameworkLibrary) -> None:
    for framework in installed.frameworks:
        snapshot = json.loads(json.dumps(framework.to_snapshot()))  # as stored: plain JSON
        restored = Framework.from_snapshot(snapshot)
        assert restored == framework
        assert restored.content_hash == framework.content_hash == snapshot["content_hash"]
        for criterion in restored.criteria():
            if criterion.is_rated:
                assert restored.scale_for(criterion) == framework.scale_for(criterion)


def test_snapshot_renders_the_same_after_the_files_change(
    tmp_path: Path, write_yaml: Write, mini: str
) -> None:
    path = write_yaml("mini.yaml", mini)
    old = load_library(tmp_path).get("mini")
    snapshot = old.to_snapshot()
    path.write_text(mini.replace("title: Alpha", "title: Alpha renamed"), encoding="utf-8")
    new = load_library(tmp_path).get("mini")
    assert new.criterion("alpha").title == "Alpha renamed"
    assert new.content_hash != old.content_hash
    kept = Framework.from_snapshot(snapshot)
    assert kept.criterion("alpha").title == "Alpha"
    assert kept.content_hash == old.content_hash


def test_hash_ignores_formatting_and_key_order(
    tmp_path: Path, write_yaml: Write, mini: str
) -> None:
    first = load_library(write_yaml("a/mini.yaml", mini).parent).get("mini")
    reordered = (
        "# a comment that changes nothing\n"
        + mini.replace('kind: framework\nid: mini\nversion: "1"\n', "")
        + 'version: "1"\nid: mini\nkind: framework\n'
    ).replace("title: Alpha", "title:    Alpha")
    second = load_library(write_yaml("b/mini.yaml", reordered).parent).get("mini")
    assert first.content_hash == second.content_hash
    assert canonical_json(first) == canonical_json(second)
    assert json.loads(canonical_json(first))["id"] == "mini"


def test_hash_changes_when_a_scale_it_uses_changes(
    tmp_path: Path, write_yaml: Write, mini: str
) -> None:
    first = load_library(write_yaml("a/mini.yaml", mini).parent).get("mini")
    changed = load_library(
        write_yaml("b/mini.yaml", mini.replace("label: Poor", "label: Weak")).parent
    ).get("mini")
    assert first.content_hash != changed.content_hash


def test_tampered_or_unreadable_snapshot_is_refused(installed: FrameworkLibrary) -> None:
    snapshot = installed.get("learning-walk").to_snapshot()
    snapshot["framework"]["title"] = "Edited behind the review's back"
    with pytest.raises(ReviewerError, match="has been altered"):
        Framework.from_snapshot(snapshot)
    with pytest.raises(ReviewerError, match="cannot be read"):
        Framework.from_snapshot({"snapshot_format": 1, "framework": {"kind": "framework"}})
    with pytest.raises(ReviewerError, match="cannot be read"):
        Framework.from_snapshot({"snapshot_format": 99})


def test_two_versions_side_by_side(tmp_path: Path, write_yaml: Write, mini: str) -> None:
    write_yaml("mini@1.yaml", mini)
    version_2 = mini.replace(
        'version: "1"\ntitle: Mini review', 'version: "2"\ntitle: Mini review 2'
    )
    write_yaml("mini@2.yaml", version_2.replace("title: Beta", "title: Beta, second edition"))
    write_yaml("mini@10.yaml", version_2.replace('version: "2"', 'version: "10"'))
    library = load_library(tmp_path)
    assert [f.version for f in library.versions("mini")] == ["1", "2", "10"]
    assert library.latest("mini").version == "10"
    assert library.get("mini").version == "10"
    assert library.get("mini", "1").criterion("beta").title == "Beta"
    assert library.get("mini", "2").criterion("beta").title == "Beta, second edition"
    assert len({f.content_hash for f in library.versions("mini")}) == 3
    with pytest.raises(NotFoundError, match="Version 3 of the framework 'mini'"):
        library.get("mini", "3")
    with pytest.raises(NotFoundError, match="'absent' is not installed"):
        library.latest("absent")


def test_a_framework_version_can_pin_a_scale_version(tmp_path: Path, write_yaml: Write) -> None:
    scale = (
        "  - id: shared\n"
        '    version: "{v}"\n'
        "    title: Shared v{v}\n"
        "    levels:\n"
        '      - {{key: up, label: Up {v}, rank: 1, colour: "#00AA00"}}\n'
        '      - {{key: down, label: Down, rank: 0, colour: "#AA0000"}}\n'
    )
    write_yaml(
        "scales.yaml", "kind: rating_scales\nscales:\n" + scale.format(v=1) + scale.format(v=2)
    )
    body = """\
        kind: framework
        id: pinned
        version: "1"
        title: Pinned
        owner: T
        sections:
          - id: s
            title: S
            criteria:
              - {{id: a, title: A, scale: {ref}}}
        """
    write_yaml("pinned.yaml", body.format(ref="shared@1"))
    write_yaml("latest.yaml", body.format(ref="shared").replace("id: pinned", "id: latest"))
    library = load_library(tmp_path)
    pinned = library.get("pinned")
    latest = library.get("latest")
    assert pinned.criterion("a").scale == "shared@1"
    assert latest.criterion("a").scale == "shared@2"
    assert pinned.scale_for(pinned.criterion("a")).levels[0].label == "Up 1"  # type: ignore[union-attr]
    assert [s.reference for s in pinned.scales] == ["shared@1"]


def test_not_an_ofsted_grade_needs_a_note(tmp_path: Path, write_yaml: Write, mini: str) -> None:
    write_yaml(
        "mini.yaml",
        mini.replace(
            "    title: Mini scale\n", "    title: Mini scale\n    not_an_ofsted_grade: true\n"
        ),
    )
    from reviewer_app.domain.frameworks import FrameworkLoadError

    with pytest.raises(FrameworkLoadError) as caught:
        load_library(tmp_path)
    assert "needs a note" in caught.value.problems[0].message


def test_content_hash_is_the_same_in_another_process(installed: FrameworkLibrary) -> None:
    import subprocess
    import sys

    script = (
        "from reviewer_app.domain.frameworks import load_library\n"
        "from reviewer_app.paths import frameworks_dir\n"
        "for f in load_library(frameworks_dir()).frameworks:\n"
        "    print(f.reference, f.content_hash)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    expected = "".join(f"{f.reference} {f.content_hash}\n" for f in installed.frameworks)
    assert result.stdout == expected
