"""Write a framework as a workbook an author edits in Excel or LibreOffice (openpyxl).

:func:`framework_workbook` takes the framework as written (before its scale references are
resolved, so the round trip gives back the same file) and returns the ``.xlsx`` bytes. Cells
that choose from a list carry Excel data validation drawing on the Lists sheet.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reviewer_app.domain.frameworks.conditions import Condition
from reviewer_app.domain.frameworks.fields import FieldSpec
from reviewer_app.domain.frameworks.framework import DEFAULT_AUDIENCES, Framework
from reviewer_app.domain.frameworks.workbook_layout import (
    AUDIENCES,
    CHOICES,
    COLUMNS,
    CONDITION_HOWS,
    CONDITION_TESTS,
    CONDITIONS,
    CRITERIA,
    EVERY_CRITERION_OWNER,
    FIELDS,
    FRAMEWORK_SHEET,
    INSTRUCTIONS_SHEET,
    LEVELS,
    LISTS_SHEET,
    LOOK_FORS,
    MAX_ROWS_PER_SHEET,
    NO_AUDIENCE,
    NOTICES,
    ROW_SHEETS,
    SCALES,
    SECTIONS,
    SETTINGS,
    SIGN_OFF,
    SOURCES,
    TAGS,
    VISIT_OWNER,
    CellKind,
)
from reviewer_app.domain.organisation import Phase, Role

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FIELD_KINDS = (
    "text", "long_text", "choice", "multi_choice", "date", "time", "count", "yes_no",
    "row_reference", "row_references", "table",
)  # fmt: skip
COLUMN_KINDS = ("text", "long_text", "choice", "date", "time", "count", "yes_no", "row_reference")

INSTRUCTIONS = """\
How to write a review framework in this workbook

Each sheet holds one kind of thing, one per row, under the header row. Keep the headers as they
are; add rows below them. Rows are read in order, so the order of rows is the order on screen.

Framework: one setting per row (id, version, title, owner, default scale...).
Sections: the pages of the review. Criteria: what reviewers judge, each in a section (its Id).
Look-fors, Fields, Choices and Table columns hang off criteria, sections and fields by their Ids.
Fields "Belongs to" (visit) for visit-level fields, (each rated criterion) for fields every rated
criterion carries (evidence, action), or a section's or criterion's Id.
Conditions: give a condition a name (C1) and use the name in a "Shown when" cell. A test reads an
answer (Test: answer, Id: a criterion or field) or a school fact (Test: fact, Id: phase,
has_early_years or has_sixth_form), How: equals, one of or answered, and a Value. Combine tests
with a row whose Test is all, any or not, and give each test under it that name in "Part of".
Scales and Scale levels: scales of this framework alone; the trust's shared scales are listed on
the Lists sheet and can be named in the Scale column as they are.
Sign-off: who signs, in order. Evidence tags: tags for notes and the values the capture bar offers.

Cells: yes or no; ids separated by commas; several texts separated by semicolons; a blank cell
means the default. Ids are lower-case words joined by hyphens (our-learning-walk) and unique
within the framework.

Then check it: reviewer-app frameworks from-xlsx THIS.xlsx --out THIS.yaml, or upload the
workbook to the trust server (reviewer-app-server admin frameworks upload THIS.xlsx). Every
problem is named by sheet and cell, with what to do.
"""


def framework_workbook(framework: Framework, *, shared_scales: Sequence[str] = ()) -> bytes:
    """The framework as ``.xlsx`` bytes. ``framework`` is as written (unresolved);
    ``shared_scales`` are the installed scale ids offered in the Scale columns' lists."""
    from openpyxl import Workbook

    book = Workbook()
    instructions = book.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    instructions.column_dimensions["A"].width = 110
    for row, line in enumerate(INSTRUCTIONS.splitlines(), start=1):
        instructions.cell(row, 1, line)
    instructions["A1"].font = _bold()

    settings = book.create_sheet(FRAMEWORK_SHEET)
    _header(settings, ("Setting", "Value", "About"), (34, 70, 60))
    data = framework.model_dump(mode="json", by_alias=True)
    for row, setting in enumerate(SETTINGS, start=2):
        value: Any = data
        for key in setting.path:
            value = value.get(key) if isinstance(value, dict) else None
        settings.cell(row, 1, setting.name)
        _put(settings.cell(row, 2), setting.kind, value)
        settings.cell(row, 3, setting.help)

    names = _ConditionNames()
    rows = _rows(framework, names)
    sheets = {}
    for sheet in ROW_SHEETS:
        ws = book.create_sheet(sheet.name)
        sheets[sheet.name] = ws
        _header(ws, [c.header for c in sheet.columns], [c.width for c in sheet.columns])
        for r, values in enumerate(rows.get(sheet.name, ()), start=2):
            for c, column in enumerate(sheet.columns, start=1):
                _put(ws.cell(r, c), column.kind, values.get(column.key))
    lists = book.create_sheet(LISTS_SHEET)
    ranges = _lists(lists, framework, shared_scales)
    _validate(settings, ranges, sheets)
    lists.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


def _header(ws: Worksheet, headers: Sequence[str], widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for c, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(1, c, header)
        cell.font = _bold()
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"


def _put(cell: Any, kind: CellKind, value: Any) -> None:
    """Write a value as the layout reads it back."""
    cell.number_format = "@"  # text: Excel must not turn version "2.10" into 2.1
    if value is None or value in ("", [], ()):
        return
    if kind == "yes_no":
        cell.value = "yes" if value else "no"
    elif kind == "ids":
        cell.value = value if isinstance(value, str) else ", ".join(str(v) for v in value)
    elif kind == "texts":
        cell.value = "; ".join(str(v) for v in value)
    elif kind == "count":
        cell.number_format = "General"
        cell.value = int(value)
    elif kind == "value":
        if isinstance(value, list | tuple):
            cell.value = ", ".join(_scalar_text(v) for v in value)
        elif isinstance(value, bool | int | float):
            cell.number_format = "General"
            cell.value = value
        else:
            cell.value = str(value)
    else:
        cell.value = str(value)


def _scalar_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _ConditionNames:
    """Names conditions C1, C2... and lays each out as rows (tests under all/any/not by name)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._count = 0

    def add(self, condition: Condition | None) -> str | None:
        if condition is None:
            return None
        self._count += 1
        name = f"C{self._count}"
        self._lay_out(condition, name, None)
        return name

    def _lay_out(self, condition: Condition, name: str, part_of: str | None) -> None:
        row: dict[str, Any] = {"name": name, "part_of": part_of}
        if condition.answer is not None or condition.fact is not None:
            row["test"] = "answer" if condition.answer is not None else "fact"
            row["id"] = condition.answer if condition.answer is not None else condition.fact
            if condition.equals is not None:
                row["how"], row["value"] = "equals", condition.equals
            elif condition.one_of is not None:
                row["how"], row["value"] = "one of", list(condition.one_of)
            else:
                row["how"], row["value"] = "answered", condition.answered
            self.rows.append(row)
            return
        children: tuple[Condition, ...]
        if condition.all is not None:
            row["test"], children = "all", condition.all
        elif condition.any is not None:
            row["test"], children = "any", condition.any
        else:
            assert condition.not_ is not None
            row["test"], children = "not", (condition.not_,)
        self.rows.append(row)
        for i, child in enumerate(children, start=1):
            self._lay_out(child, f"{name}.{i}", name)


def _item(obj: Any, keys: Sequence[str], names: _ConditionNames) -> dict[str, Any]:
    values = {key: getattr(obj, key) for key in keys if hasattr(obj, key)}
    if "visible_when" in values:
        values["visible_when"] = names.add(values["visible_when"])
    if values.get("audiences") == ():
        values["audiences"] = NO_AUDIENCE
    return values


_SECTION_KEYS = [c.key for c in SECTIONS.columns]
_CRITERION_KEYS = [c.key for c in CRITERIA.columns]
_FIELD_KEYS = [c.key for c in FIELDS.columns]


def _rows(framework: Framework, names: _ConditionNames) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {sheet.name: [] for sheet in ROW_SHEETS}
    rows[NOTICES.name] = [{"text": text} for text in framework.notices]
    rows[SOURCES.name] = [
        {**source.model_dump(mode="json"), "url": str(source.url) if source.url else None}
        for source in framework.sources
    ]
    if framework.audiences != DEFAULT_AUDIENCES:
        rows[AUDIENCES.name] = [a.model_dump() for a in framework.audiences]

    def add_fields(owner: str, specs: Sequence[FieldSpec]) -> None:
        for spec in specs:
            row = _item(spec, _FIELD_KEYS, names)
            rows[FIELDS.name].append({**row, "owner": owner})
            for option in spec.options:
                rows[CHOICES.name].append({"owner": owner, "field": spec.id, **option.model_dump()})
            for column in spec.columns:
                rows[COLUMNS.name].append(
                    {"owner": owner, "field": spec.id, **column.model_dump(exclude={"options"})}
                )
                for option in column.options:
                    rows[CHOICES.name].append(
                        {
                            "owner": owner,
                            "field": spec.id,
                            "column": column.id,
                            **option.model_dump(),
                        }
                    )

    add_fields(VISIT_OWNER, framework.fields)
    add_fields(EVERY_CRITERION_OWNER, framework.criterion_fields)
    for section in framework.sections:
        rows[SECTIONS.name].append(_item(section, _SECTION_KEYS, names))
        add_fields(section.id, section.fields)
        for criterion in section.criteria:
            rows[CRITERIA.name].append(
                {**_item(criterion, _CRITERION_KEYS, names), "section": section.id}
            )
            rows[LOOK_FORS.name].extend(
                {"criterion": criterion.id, "group": lf.group, "text": lf.text}
                for lf in criterion.look_fors
            )
            add_fields(criterion.id, criterion.fields)
    rows[CONDITIONS.name] = names.rows
    for scale in framework.scales:
        rows[SCALES.name].append(scale.model_dump(exclude={"levels"}))
        rows[LEVELS.name].extend(
            {"scale": scale.id, "version": scale.version, **level.model_dump()}
            for level in scale.levels
        )
    rows[SIGN_OFF.name] = [step.model_dump(mode="json") for step in framework.sign_off]
    rows[TAGS.name] = [tag.model_dump() for tag in framework.evidence.tags]
    for sheet in ROW_SHEETS:
        if len(rows[sheet.name]) > MAX_ROWS_PER_SHEET:
            raise ValueError(f"the framework has too many rows for the {sheet.name} sheet")
    return rows


def _lists(ws: Worksheet, framework: Framework, shared_scales: Sequence[str]) -> dict[str, str]:
    """Fill the Lists sheet; returns list name -> the range a data validation refers to."""
    owners = [VISIT_OWNER, EVERY_CRITERION_OWNER]
    columns: dict[str, Sequence[str]] = {
        "yes_no": ("yes", "no"),
        "field_kinds": FIELD_KINDS,
        "column_kinds": COLUMN_KINDS,
        "roles": tuple(role.value for role in Role),
        "phases": tuple(phase.value for phase in Phase),
        "scales": tuple(dict.fromkeys([*(s.id for s in framework.scales), *shared_scales])),
        "tests": CONDITION_TESTS,
        "hows": CONDITION_HOWS,
        "who": ("one", "each"),
        "sign_order": ("in_order", "any_order"),
        "owners": owners,
    }
    ranges: dict[str, str] = {}
    for c, (name, values) in enumerate(columns.items(), start=1):
        letter = chr(ord("A") + c - 1)
        ws.cell(1, c, name)
        for r, value in enumerate(values, start=2):
            ws.cell(r, c, value)
        ranges[name] = f"{LISTS_SHEET}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    # Ids typed on other sheets are offered where they are referred to.
    ranges["sections"] = f"'{SECTIONS.name}'!$A$2:$A${MAX_ROWS_PER_SHEET}"
    ranges["criteria"] = f"'{CRITERIA.name}'!$B$2:$B${MAX_ROWS_PER_SHEET}"
    return ranges


def _validate(settings: Worksheet, ranges: dict[str, str], sheets: dict[str, Worksheet]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    def validation(list_name: str, strict: bool) -> DataValidation:
        return DataValidation(
            type="list",
            formula1=f"={ranges[list_name]}",
            allow_blank=True,
            showErrorMessage=strict,
            errorTitle="Not in the list",
            error="Choose a value from the list.",
        )

    for row, setting in enumerate(SETTINGS, start=2):
        if setting.choices:
            dv = validation(setting.choices, strict=setting.choices != "scales")
            settings.add_data_validation(dv)
            dv.add(f"B{row}")
    for sheet in ROW_SHEETS:
        ws = sheets[sheet.name]
        for c, column in enumerate(sheet.columns):
            if not column.choices:
                continue
            # Lists of ids the author may also type (scales, sections, owners): a hint, not a wall.
            strict = column.choices in (
                "yes_no",
                "field_kinds",
                "column_kinds",
                "tests",
                "hows",
                "who",
                "sign_order",
            )
            dv = validation(column.choices, strict)
            ws.add_data_validation(dv)
            letter = chr(ord("A") + c)
            dv.add(f"{letter}2:{letter}{MAX_ROWS_PER_SHEET}")
