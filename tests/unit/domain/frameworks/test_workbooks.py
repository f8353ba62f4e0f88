"""Frameworks authored in a workbook: every shipped framework makes the round trip YAML ->
workbook -> YAML unchanged; a workbook's problems are named by sheet and cell with what to do;
hostile workbooks and YAML are refused with a reason."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reviewer_app import cli
from reviewer_app.domain.frameworks import Framework, FrameworkLibrary, FrameworkProblem
from reviewer_app.domain.frameworks.library import check_sources, read_document_bytes
from reviewer_app.domain.frameworks.workbook_reader import read_framework_workbook
from reviewer_app.domain.frameworks.workbook_writer import framework_workbook
from reviewer_app.domain.frameworks.yaml_writer import document_yaml
from reviewer_app.paths import frameworks_dir

SHIPPED = sorted(p for p in frameworks_dir().glob("*.yaml") if p.name != "scales.yaml")


def _workbook(framework: Framework, installed: FrameworkLibrary) -> bytes:
    return framework_workbook(framework, shared_scales=[s.id for s in installed.scales])


def _read(name: str, content: bytes) -> Framework:
    source, problems = read_framework_workbook(Path(name), content)
    assert problems == []
    assert source is not None
    return Framework.model_validate(source.data)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_framework_makes_the_round_trip_unchanged(
    path: Path, installed: FrameworkLibrary
) -> None:
    written = next(f for f in installed.written.values() if path.stem in (f.id, f.reference))
    back = _read(path.stem + ".xlsx", _workbook(written, installed))
    assert back == written
    assert back.model_dump() == written.model_dump()
    # And the YAML it becomes reads back as the same framework, written the same again.
    text = document_yaml(back)
    source = read_document_bytes(Path("again.yaml"), text.encode())
    assert not isinstance(source, list)
    again = Framework.model_validate(source.data)
    assert again == written
    assert document_yaml(again) == text


def _edit(content: bytes, sheet: str, cell: str, value: object) -> bytes:
    book = load_workbook(io.BytesIO(content))
    book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _problems(content: bytes, installed: FrameworkLibrary) -> list[FrameworkProblem]:
    source = read_document_bytes(Path("walk.xlsx"), content)
    if isinstance(source, list):
        return source
    return check_sources([source], base=installed)[1]


@pytest.fixture(scope="module")
def walk_book(installed: FrameworkLibrary) -> bytes:
    walk = installed.written["learning-walk@2"]
    mine = walk.model_copy(update={"id": "our-walk", "version": "1"})
    return _workbook(mine, installed)


def test_a_clean_workbook_of_the_trusts_own_framework_passes(
    walk_book: bytes, installed: FrameworkLibrary
) -> None:
    assert _problems(walk_book, installed) == []


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "where", "says"),
    [
        ("Criteria", "G3", "observation-lookfr", "sheet 'Criteria', cell G3",
         "The scale 'observation-lookfr' is not installed"),
        ("Criteria", "A3", "climat", "sheet 'Criteria', cell A3",
         "The section 'climat' is not on the Sections sheet"),
        ("Criteria", "H3", "maybe", "sheet 'Criteria', cell H3", "Write yes or no here"),
        ("Criteria", "C3", None, "sheet 'Criteria', cell C3", "This cell must be filled in."),
        ("Sections", "D2", "C99", "sheet 'Sections', cell D2",
         "There is no condition called 'C99'"),
        ("Fields", "D2", "checkbox", "sheet 'Fields', cell D2", "'checkbox' is not allowed here"),
        ("Scale levels", "F2", "green", "sheet 'Scale levels', cell F2", "is not a colour"),
        ("Framework", "B2", "Our Walk", "sheet 'Framework', cell B2", "is not a valid id"),
        ("Conditions", "F2", "clymate", "sheet 'Conditions', cell A2",
         "which it can never be; use one of"),
    ],
)  # fmt: skip
def test_a_mistake_is_named_by_sheet_and_cell_with_what_to_do(
    walk_book: bytes,
    installed: FrameworkLibrary,
    sheet: str,
    cell: str,
    value: object,
    where: str,
    says: str,
) -> None:
    content = walk_book
    if sheet == "Scale levels":  # the walk has no scale of its own: give it one
        content = _edit(content, "Scales", "A2", "our-scale")
        content = _edit(_edit(content, "Scales", "B2", "1"), "Scales", "C2", "Our scale")
        for column, text in zip("ABCDF", ("our-scale", "1", "yes", "Yes", "#00AA00"), strict=True):
            content = _edit(content, "Scale levels", f"{column}3", text)
        for column, text in zip("ABCD", ("our-scale", "1", "no", "No"), strict=True):
            content = _edit(content, "Scale levels", f"{column}2", text)
        content = _edit(content, "Scale levels", "F2", "#AA0000")
    problems = _problems(_edit(content, sheet, cell, value), installed)
    assert [p.cell for p in problems] == [where], [str(p) for p in problems]
    assert says in problems[0].message
    assert str(problems[0]).startswith(f"walk.xlsx: {where}: ")


def test_a_workbook_that_is_not_a_workbook_is_refused(installed: FrameworkLibrary) -> None:
    problems = _problems(b"PK\x03\x04 not really", installed)
    assert "not an Excel workbook" in problems[0].message
    problems = _problems(b"kind: framework", installed)
    assert "not an Excel workbook" in problems[0].message


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(
    walk_book: bytes, installed: FrameworkLibrary
) -> None:
    with zipfile.ZipFile(io.BytesIO(walk_book)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/media/padding.bin"] = b"\0" * (60 * 1024 * 1024)
    bomb = _zip(members)
    assert len(bomb) < 1024 * 1024
    problems = _problems(bomb, installed)
    assert len(problems) == 1
    assert "zip bomb" in problems[0].message


def test_a_billion_laughs_workbook_is_refused(
    walk_book: bytes, installed: FrameworkLibrary
) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
            for i in range(1, 10)
        )
        + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1">'
        b"<si><t>&lol9;</t></si></sst>"
    )
    with zipfile.ZipFile(io.BytesIO(walk_book)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/sharedStrings.xml"] = laughs
    problems = _problems(_zip(members), installed)
    assert len(problems) == 1
    assert "declares XML entities" in problems[0].message


HOSTILE_YAML: dict[str, tuple[str, str]] = {
    "python-tag": (
        "kind: framework\nid: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
        "The file uses the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
    "billion-laughs": (
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
            for i in range(8)
        ),
        "The file is not accepted: the file uses YAML anchors and aliases",
    ),
    # The anchors expand inside a framework's own lists (sections, criteria): refused as fast.
    "laughs-in-lists": (
        "kind: framework\nid: x\nsections:\n"
        '  - &a {id: s, criteria: ["c","c","c","c","c","c","c","c","c"]}\n'
        + "".join(f"  - &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)),
        "The file is not accepted: the file uses YAML anchors and aliases",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_YAML))
def test_hostile_yaml_is_refused_with_a_reason(name: str, installed: FrameworkLibrary) -> None:
    text, says = HOSTILE_YAML[name]
    problems = _problems_yaml(text.encode(), installed)
    assert len(problems) == 1
    assert problems[0].message.startswith(says), problems[0].message
    assert not Path("/tmp/pwned").exists()


def _problems_yaml(content: bytes, installed: FrameworkLibrary) -> list[FrameworkProblem]:
    source = read_document_bytes(Path("upload.yaml"), content)
    if isinstance(source, list):
        return source
    return check_sources([source], base=installed)[1]


def test_twenty_thousand_criteria_are_refused_before_they_are_checked(
    mini: str, installed: FrameworkLibrary
) -> None:
    criteria = "".join(f"      - {{id: c{i}, title: C {i}}}\n" for i in range(20_000))
    text = mini.replace(
        "      - id: alpha\n        title: Alpha\n      - id: beta\n        title: Beta\n", criteria
    )
    problems = _problems_yaml(text.encode(), installed)
    assert [p.message for p in problems] == [
        "The framework has 20,000 criteria; a framework may have at most 1,000. Split it into "
        "several frameworks."
    ]


Write = Callable[[str, str], Path]


def test_the_commands_write_check_and_diff(
    tmp_path: Path, installed: FrameworkLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "core.xlsx"
    assert cli.main(["frameworks", "to-xlsx", "half-termly-core-visit@1", "--out", str(book)]) == 0
    assert load_workbook(book).sheetnames[:4] == ["Instructions", "Framework", "Notices", "Sources"]
    out = tmp_path / "core.yaml"
    assert cli.main(["frameworks", "from-xlsx", str(book), "--out", str(out)]) == 0
    source = read_document_bytes(out, out.read_bytes())
    assert not isinstance(source, list)
    assert Framework.model_validate(source.data) == installed.written["half-termly-core-visit@1"]
    capsys.readouterr()

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(_edit(book.read_bytes(), "Criteria", "G3", "no-such-scale"))
    assert (
        cli.main(["frameworks", "from-xlsx", str(broken), "--out", str(tmp_path / "b.yaml")]) == 1
    )
    captured = capsys.readouterr()
    assert f"{broken}: sheet 'Criteria', cell G3: The scale 'no-such-scale'" in captured.out
    assert "nothing was written" in captured.err
    assert not (tmp_path / "b.yaml").exists()
    assert cli.main(["frameworks", "check", str(broken)]) == 1

    assert (
        cli.main(["frameworks", "diff", "half-termly-core-visit@1", "half-termly-core-visit@2"])
        == 0
    )
    text = capsys.readouterr().out
    assert "Added criteria (1)\n  + agreed-equivalent-category" in text
    assert (
        "Changed scales (1)\n  ~ owls-ofsted-category@1 -> owls-ofsted-category@2: "
        "level added: No overall grade" in text
    )
    assert "Unchanged criteria: 23" in text
    assert cli.main(["frameworks", "diff", "learning-walk", "learning-walk@2"]) == 1
    assert "names no version" in capsys.readouterr().err


def test_the_template_workbook_in_docs_is_the_template_framework(
    installed: FrameworkLibrary,
) -> None:
    docs = Path(__file__).parents[4] / "docs"
    yaml_source = read_document_bytes(
        docs / "framework-template.yaml", (docs / "framework-template.yaml").read_bytes()
    )
    assert not isinstance(yaml_source, list)
    assert check_sources([yaml_source], base=installed)[1] == []
    book = (docs / "framework-template.xlsx").read_bytes()
    assert _problems(book, installed) == []
    assert _read("framework-template.xlsx", book) == Framework.model_validate(yaml_source.data)
