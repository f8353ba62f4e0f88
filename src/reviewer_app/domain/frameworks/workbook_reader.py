# Longer than 600 lines because every sheet's reader keeps the cell positions for the checker's
# messages in one map.
"""Read a framework workbook back into a framework document, remembering where each value was.

:func:`read_framework_workbook` turns the ``.xlsx`` bytes into the same data a YAML file holds,
and a :class:`WorkbookSource` that maps every place in that data back to its sheet and cell, so
the checker's problems read "sheet 'Criteria', cell G7: ...". Problems in the workbook itself (a
criterion naming a section that is not there, "maybe" where yes or no is wanted) are found here,
each with its cell and what to do.

A workbook is untrusted input: before openpyxl sees it, the zip is checked for size, member count
and compression ratio (a zip bomb), and for XML entity declarations (a billion laughs), which
Excel never writes; defusedxml guards the XML parsing as well.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewer_app.domain.frameworks.problems import FrameworkProblem
from reviewer_app.domain.frameworks.workbook_layout import (
    AUDIENCES,
    CHOICES,
    COLUMNS,
    CONDITIONS,
    CRITERIA,
    EVERY_CRITERION_OWNER,
    FIELDS,
    FRAMEWORK_SHEET,
    LEVELS,
    LOOK_FORS,
    MAX_COMPRESSION_RATIO,
    MAX_MEMBERS,
    MAX_ROWS_PER_SHEET,
    MAX_UNPACKED_BYTES,
    MAX_WORKBOOK_BYTES,
    NO_AUDIENCE,
    NOTICES,
    SCALES,
    SECTIONS,
    SETTINGS,
    SIGN_OFF,
    SOURCES,
    TAGS,
    VISIT_OWNER,
    CellKind,
    Sheet,
)
from reviewer_app.domain.frameworks.yaml_source import DocumentPath

log = logging.getLogger(__name__)


@dataclass
class WorkbookSource:
    """A framework read from a workbook: its data and where each part of it came from."""

    path: Path
    data: Any
    cells: dict[DocumentPath, str] = field(default_factory=dict)
    text: str = ""

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Workbooks have cells, not lines."""
        return None

    def cell_of(self, path: Sequence[str | int]) -> str | None:
        """``"sheet 'Criteria', cell G7"`` for the deepest known part of ``path``."""
        parts = tuple(path)
        while parts:
            cell = self.cells.get(parts)
            if cell is not None:
                return cell
            parts = parts[:-1]
        return self.cells.get(())


def cell_name(sheet: str, column: str, row: int) -> str:
    """How a problem names a cell: ``sheet 'Criteria', cell G7``."""
    return f"sheet '{sheet}', cell {column}{row}"


class _RefusedError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_container(content: bytes) -> None:
    """Refuse what no spreadsheet program writes: too big, too many parts, a zip bomb, XML with
    entity declarations."""
    if len(content) > MAX_WORKBOOK_BYTES:
        raise _RefusedError(
            f"The workbook is {len(content) // (1024 * 1024)} MB; a framework workbook is at "
            f"most {MAX_WORKBOOK_BYTES // (1024 * 1024)} MB. Remove pictures or unused sheets."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise _RefusedError(
            "The file is not an Excel workbook (.xlsx); save it from Excel or LibreOffice as "
            "an Excel workbook."
        ) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise _RefusedError(
                "The workbook has more parts than any framework needs; it was refused."
            )
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if total > MAX_UNPACKED_BYTES or (
                member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO
            ):
                raise _RefusedError(
                    "The workbook unpacks to far more than it holds (a 'zip bomb'); it was "
                    "refused. Save the framework again from Excel or LibreOffice."
                )
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")):
                with archive.open(member) as stream:
                    head = stream.read(MAX_UNPACKED_BYTES)
                if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
                    raise _RefusedError(
                        f"The workbook's part {member.filename} declares XML entities, which "
                        "spreadsheet programs never write (it could expand without end); it "
                        "was refused."
                    )


def read_framework_workbook(
    path: Path, content: bytes
) -> tuple[WorkbookSource | None, list[FrameworkProblem]]:
    """The framework in a workbook, and the problems found reading it (each at its cell)."""
    try:
        _check_container(content)
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except _RefusedError as refused:
        return None, [FrameworkProblem(path, None, "(workbook)", refused.message)]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        log.info("workbook %s could not be opened", path, exc_info=True)
        return None, [
            FrameworkProblem(
                path,
                None,
                "(workbook)",
                f"The workbook cannot be read ({type(exc).__name__}); open it in Excel or "
                "LibreOffice and save it again as an Excel workbook (.xlsx).",
            )
        ]
    try:
        reader = _Reader(path, book)
        return reader.read()
    except _RefusedError as refused:
        return None, [FrameworkProblem(path, None, "(workbook)", refused.message)]
    finally:
        book.close()


Row = tuple[int, dict[str, Any]]


class _Reader:
    def __init__(self, path: Path, book: Any) -> None:
        self.path = path
        self.book = book
        self.source = WorkbookSource(path=path, data={})
        self.problems: list[FrameworkProblem] = []

    # ------------------------------------------------------------------ cells

    def problem(self, sheet: str, column: str, row: int, message: str) -> None:
        self.problems.append(
            FrameworkProblem(
                self.path, None, "(workbook)", message, cell=cell_name(sheet, column, row)
            )
        )

    def convert(self, sheet: str, column: str, row: int, kind: CellKind, value: Any) -> Any:
        """A cell's value as the document holds it, or None (blank, or a problem reported)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if kind == "yes_no":
            if isinstance(value, bool):
                return value
            word = str(value).strip().casefold()
            if word in ("yes", "y", "true"):
                return True
            if word in ("no", "n", "false"):
                return False
            self.problem(sheet, column, row, f"Write yes or no here, not '{value}'.")
            return None
        if kind == "count":
            if isinstance(value, bool):
                self.problem(sheet, column, row, "Write a whole number here.")
                return None
            try:
                number = float(value)
            except (TypeError, ValueError):
                self.problem(sheet, column, row, f"Write a whole number here, not '{value}'.")
                return None
            if not number.is_integer():
                self.problem(sheet, column, row, f"Write a whole number here, not {value}.")
                return None
            return int(number)
        if kind == "value":
            if isinstance(value, bool):
                return value
            if isinstance(value, int | float):
                return int(value) if float(value).is_integer() else value
            return str(value).strip()
        text = _text(value)
        if kind == "ids":
            if text == NO_AUDIENCE:
                return []
            return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if kind == "texts":
            return [part.strip() for part in text.split(";") if part.strip()]
        return text

    def rows(self, sheet: Sheet) -> Iterator[Row]:
        """The sheet's non-blank rows as (row number, {key: converted value})."""
        if sheet.name not in self.book.sheetnames:
            return
        ws = self.book[sheet.name]
        headers: list[str] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number == 1:
                headers = [_text(v) for v in values]
                expected = [c.header for c in sheet.columns]
                if headers[: len(expected)] != expected:
                    self.problem(
                        sheet.name, "A", 1,
                        f"The header row should read: {', '.join(expected)}. Put the headers "
                        "back as they were (copy them from the template workbook).",
                    )  # fmt: skip
                    return
                continue
            if number > MAX_ROWS_PER_SHEET + 1:
                raise _RefusedError(
                    f"The sheet '{sheet.name}' has more than {MAX_ROWS_PER_SHEET} rows; a "
                    "framework needs far fewer. Split it into several frameworks."
                )
            cells = list(values)[: len(sheet.columns)]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                continue
            row: dict[str, Any] = {}
            for index, (column, value) in enumerate(zip(sheet.columns, cells, strict=False)):
                letter = chr(ord("A") + index)
                converted = self.convert(sheet.name, letter, number, column.kind, value)
                if converted is not None:
                    row[column.key] = converted
            yield number, row

    def locate(self, path: DocumentPath, sheet: Sheet, row: int, *keys: str) -> None:
        """Remember that ``path`` (and each of its ``keys``) came from this row."""
        self.source.cells[path] = cell_name(sheet.name, "A", row)
        for key in keys:
            if key in [c.key for c in sheet.columns]:
                self.source.cells[(*path, key)] = cell_name(sheet.name, sheet.letter(key), row)

    # ------------------------------------------------------------------ reading

    def read(self) -> tuple[WorkbookSource | None, list[FrameworkProblem]]:
        data: dict[str, Any] = {"kind": "framework"}
        self.source.data = data
        self.read_settings(data)
        notices = [(r, row["text"]) for r, row in self.rows(NOTICES) if "text" in row]
        if notices:
            data["notices"] = [text for _, text in notices]
            for i, (r, _) in enumerate(notices):
                self.source.cells[("notices", i)] = cell_name(NOTICES.name, "A", r)
        data["sources"] = self.simple(SOURCES, "sources")
        audiences = self.simple(AUDIENCES, "audiences")
        if audiences:
            data["audiences"] = audiences
        data["sign_off"] = self.simple(SIGN_OFF, "sign_off")
        tags = self.simple(TAGS, ("evidence", "tags"))
        if tags:
            data.setdefault("evidence", {})["tags"] = tags
        self.read_scales(data)
        self.read_structure(data)
        for key in ("sources", "sign_off"):
            if not data[key]:
                del data[key]
        return self.source, self.problems

    def read_settings(self, data: dict[str, Any]) -> None:
        if FRAMEWORK_SHEET not in self.book.sheetnames:
            self.problems.append(
                FrameworkProblem(
                    self.path,
                    None,
                    "(workbook)",
                    f"The workbook has no '{FRAMEWORK_SHEET}' sheet; start from the template "
                    "workbook (docs/framework-template.xlsx).",
                )
            )
            return
        by_name = {s.name.casefold(): s for s in SETTINGS}
        self.source.cells[()] = cell_name(FRAMEWORK_SHEET, "A", 1)
        for number, values in enumerate(self.book[FRAMEWORK_SHEET].iter_rows(values_only=True)):
            row = number + 1
            if row == 1:
                continue
            if row > len(SETTINGS) + 50:
                break
            cells = [*list(values), None, None]
            name = _text(cells[0])
            if not name:
                continue
            setting = by_name.get(name.casefold())
            if setting is None:
                self.problem(
                    FRAMEWORK_SHEET, "A", row,
                    f"'{name}' is not a setting; use the names in the template workbook "
                    f"({', '.join(s.name for s in SETTINGS[:4])}...).",
                )  # fmt: skip
                continue
            value = self.convert(FRAMEWORK_SHEET, "B", row, setting.kind, cells[1])
            target = data
            for key in setting.path[:-1]:
                target = target.setdefault(key, {})
            self.source.cells[setting.path] = cell_name(FRAMEWORK_SHEET, "B", row)
            if value is not None:
                target[setting.path[-1]] = value

    def simple(self, sheet: Sheet, where: str | tuple[str, ...]) -> list[dict[str, Any]]:
        """Rows that become a list of mappings as they are (sources, sign-off, tags...)."""
        prefix: DocumentPath = (where,) if isinstance(where, str) else where
        found: list[dict[str, Any]] = []
        for r, row in self.rows(sheet):
            self.locate((*prefix, len(found)), sheet, r, *row, *(c.key for c in sheet.columns))
            found.append(row)
        return found

    def read_scales(self, data: dict[str, Any]) -> None:
        scales: list[dict[str, Any]] = []
        index: dict[tuple[str, str], int] = {}
        for r, row in self.rows(SCALES):
            key = (str(row.get("id", "")), str(row.get("version", "")))
            index[key] = len(scales)
            self.locate(("scales", len(scales)), SCALES, r, *(c.key for c in SCALES.columns))
            scales.append({**row, "levels": []})
        for r, row in self.rows(LEVELS):
            key = (str(row.pop("scale", "")), str(row.pop("version", "")))
            if key not in index:
                self.problem(
                    LEVELS.name, "A", r,
                    f"The scale '{key[0]}' version {key[1] or '(blank)'} is not on the Scales "
                    "sheet; add it there or correct the Scale and Version here.",
                )  # fmt: skip
                continue
            levels = scales[index[key]]["levels"]
            path: DocumentPath = ("scales", index[key], "levels", len(levels))
            self.locate(path, LEVELS, r, *(c.key for c in LEVELS.columns))
            levels.append(row)
        if scales:
            data["scales"] = scales

    def read_structure(self, data: dict[str, Any]) -> None:
        conditions = _Conditions(self)
        owners: dict[str, tuple[dict[str, Any], DocumentPath]] = {}
        sections: list[dict[str, Any]] = []
        path: DocumentPath
        for r, row in self.rows(SECTIONS):
            path = ("sections", len(sections))
            self.locate(path, SECTIONS, r, *(c.key for c in SECTIONS.columns))
            conditions.attach(row, path, SECTIONS, r)
            section = {**row, "criteria": []}
            sections.append(section)
            if "id" in row:
                owners[str(row["id"])] = (section, path)
        section_ids = set(owners)
        criteria: dict[str, tuple[dict[str, Any], DocumentPath]] = {}
        for r, row in self.rows(CRITERIA):
            section_id = row.pop("section", None)
            if section_id is None or str(section_id) not in section_ids:
                self.problem(
                    CRITERIA.name, "A", r,
                    f"The section '{section_id or ''}' is not on the Sections sheet; write the "
                    "Id of the section this criterion belongs to.",
                )  # fmt: skip
                # Kept aside, so its look-fors and fields are not reported as lost too.
                criteria.setdefault(str(row.get("id", "")), (row, ("(unplaced)",)))
                owners.setdefault(str(row.get("id", "")), (row, ("(unplaced)",)))
                continue
            section, section_path = owners[str(section_id)]
            path = (*section_path, "criteria", len(section["criteria"]))
            self.locate(path, CRITERIA, r, *(c.key for c in CRITERIA.columns))
            conditions.attach(row, path, CRITERIA, r)
            section["criteria"].append(row)
            if "id" in row:
                criteria[str(row["id"])] = (row, path)
                owners.setdefault(str(row["id"]), (row, path))
        for r, row in self.rows(LOOK_FORS):
            found = criteria.get(str(row.get("criterion", "")))
            if found is None:
                self.problem(
                    LOOK_FORS.name, "A", r,
                    f"The criterion '{row.get('criterion', '')}' is not on the Criteria sheet; "
                    "write the Id of the criterion this look-for belongs to.",
                )  # fmt: skip
                continue
            criterion, path = found
            look_fors = criterion.setdefault("look_fors", [])
            entry = {"text": row.get("text", "")}
            if row.get("group"):
                entry["group"] = row["group"]
            self.locate((*path, "look_fors", len(look_fors)), LOOK_FORS, r, "text", "group")
            look_fors.append(entry)
        self.read_fields(data, owners, conditions)
        data["sections"] = sections

    def read_fields(
        self,
        data: dict[str, Any],
        owners: dict[str, tuple[dict[str, Any], DocumentPath]],
        conditions: _Conditions,
    ) -> None:
        specs: dict[tuple[str, str], tuple[dict[str, Any], DocumentPath]] = {}
        for r, row in self.rows(FIELDS):
            owner = str(row.pop("owner", ""))
            base: DocumentPath
            if owner == VISIT_OWNER:
                holder, key, base = data, "fields", ()
            elif owner == EVERY_CRITERION_OWNER:
                holder, key, base = data, "criterion_fields", ()
            elif owner in owners:
                holder, base = owners[owner]
                key = "fields"
            else:
                self.problem(
                    FIELDS.name, "A", r,
                    f"'{owner}' is not {VISIT_OWNER}, {EVERY_CRITERION_OWNER}, or the Id of a "
                    "section or criterion; write what this field belongs to.",
                )  # fmt: skip
                specs[(owner, str(row.get("id", "")))] = (row, ("(unplaced)",))
                continue
            fields = holder.setdefault(key, [])
            path = (*base, key, len(fields))
            self.locate(path, FIELDS, r, *(c.key for c in FIELDS.columns))
            conditions.attach(row, path, FIELDS, r)
            fields.append(row)
            specs[(owner, str(row.get("id", "")))] = (row, path)
        columns: dict[tuple[str, str, str], tuple[dict[str, Any], DocumentPath]] = {}
        for r, row in self.rows(COLUMNS):
            owner, field_id = str(row.pop("owner", "")), str(row.pop("field", ""))
            found = specs.get((owner, field_id))
            if found is None:
                self.problem(
                    COLUMNS.name, "B", r,
                    f"There is no field '{field_id}' belonging to '{owner}' on the Fields sheet.",
                )  # fmt: skip
                continue
            spec, path = found
            listed = spec.setdefault("columns", [])
            column_path = (*path, "columns", len(listed))
            self.locate(column_path, COLUMNS, r, *(c.key for c in COLUMNS.columns))
            listed.append(row)
            columns[(owner, field_id, str(row.get("id", "")))] = (row, column_path)
        for r, row in self.rows(CHOICES):
            owner, field_id = str(row.pop("owner", "")), str(row.pop("field", ""))
            column_id = row.pop("column", None)
            if column_id is None:
                found = specs.get((owner, field_id))
                missing = (
                    f"There is no field '{field_id}' belonging to '{owner}' on the Fields sheet."
                )
            else:
                found = columns.get((owner, field_id, str(column_id)))
                missing = (
                    f"The field '{field_id}' belonging to '{owner}' has no column "
                    f"'{column_id}' on the Table columns sheet."
                )
            if found is None:
                self.problem(CHOICES.name, "B", r, missing)
                continue
            holder, path = found
            options = holder.setdefault("options", [])
            self.locate((*path, "options", len(options)), CHOICES, r, "key", "label")
            options.append(row)


class _Conditions:
    """The Conditions sheet, read once; conditions are built where a Shown when names them."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.rows: dict[str, tuple[int, dict[str, Any]]] = {}
        self.children: dict[str, list[str]] = {}
        for r, row in reader.rows(CONDITIONS):
            name = str(row.get("name", ""))
            if not name:
                reader.problem(CONDITIONS.name, "A", r, "Give this condition a name, e.g. C7.")
                continue
            if name in self.rows:
                reader.problem(
                    CONDITIONS.name, "A", r,
                    f"The name '{name}' is used by row {self.rows[name][0]} too; give each "
                    "condition its own name.",
                )  # fmt: skip
                continue
            self.rows[name] = (r, row)
            parent = row.get("part_of")
            if parent is not None:
                self.children.setdefault(str(parent), []).append(name)
        for parent, names in self.children.items():
            if parent not in self.rows:
                r = self.rows[names[0]][0]
                reader.problem(
                    CONDITIONS.name, "B", r,
                    f"There is no condition called '{parent}'; write the name of the all, any "
                    "or not condition this test is part of.",
                )  # fmt: skip

    def attach(self, row: dict[str, Any], path: DocumentPath, sheet: Sheet, r: int) -> None:
        """Replace a row's Shown when name with the condition it names."""
        name = row.pop("visible_when", None)
        if name is None:
            return
        letter = sheet.letter("visible_when")
        if str(name) not in self.rows:
            self.reader.problem(
                sheet.name, letter, r,
                f"There is no condition called '{name}' on the Conditions sheet; write the name "
                "of a condition there, or leave the cell blank to always show it.",
            )  # fmt: skip
            return
        built = self.build(str(name), (*path, "visible_when"), set())
        if built is not None:
            row["visible_when"] = built

    def build(self, name: str, path: DocumentPath, seen: set[str]) -> dict[str, Any] | None:
        r, row = self.rows[name]
        cells = self.reader.source.cells
        cells[path] = cell_name(CONDITIONS.name, "A", r)
        if name in seen:
            self.reader.problem(
                CONDITIONS.name,
                "B",
                r,
                f"The condition '{name}' is part of itself; change Part of.",
            )
            return None
        test = str(row.get("test", "")).casefold()
        if test in ("all", "any", "not"):
            parts = [
                self.build(
                    child, (*path, test, i) if test != "not" else (*path, "not"), {*seen, name}
                )
                for i, child in enumerate(self.children.get(name, []))
            ]
            if test == "not":
                if len(parts) != 1:
                    self.reader.problem(
                        CONDITIONS.name, "C", r,
                        f"A 'not' condition has exactly one test under it; '{name}' has "
                        f"{len(parts)}.",
                    )  # fmt: skip
                    return None
                return {"not": parts[0]} if parts[0] is not None else None
            if not parts:
                self.reader.problem(
                    CONDITIONS.name, "C", r,
                    f"The '{test}' condition '{name}' has no tests under it; add rows whose "
                    f"Part of is {name}.",
                )  # fmt: skip
                return None
            if any(p is None for p in parts):
                return None
            return {test: parts}
        if test not in ("answer", "fact"):
            self.reader.problem(
                CONDITIONS.name, "C", r,
                "Choose the Test from the list: answer, fact, all, any or not.",
            )  # fmt: skip
            return None
        built: dict[str, Any] = {test: str(row.get("id", ""))}
        cells[(*path, test)] = cell_name(CONDITIONS.name, "D", r)
        how = str(row.get("how", "")).casefold()
        value = row.get("value")
        cells[(*path, how.replace(" ", "_"))] = cell_name(CONDITIONS.name, "F", r)
        if how == "equals":
            built["equals"] = value
        elif how == "one of":
            items = value if isinstance(value, str) else ("" if value is None else str(value))
            built["one_of"] = [_scalar(part) for part in items.split(",") if part.strip()]
        elif how == "answered":
            built["answered"] = self.reader.convert(CONDITIONS.name, "F", r, "yes_no", value)
        else:
            self.reader.problem(
                CONDITIONS.name, "E", r, "Choose How from the list: equals, one of or answered."
            )
            return None
        return built


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _scalar(text: str) -> str | bool:
    word = text.strip()
    if word.casefold() in ("true", "false"):
        return word.casefold() == "true"
    return word
