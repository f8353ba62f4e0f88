"""Problems found in framework files, worded for the person who edits them.

Each problem names the file, the line and the path inside the document
(``sections[2].criteria[0].scale``) and says what is wrong in a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.frameworks.yaml_source import format_path


@dataclass(frozen=True, slots=True)
class FrameworkProblem:
    """One problem in one framework file."""

    file: Path
    line: int | None
    document_path: str
    message: str
    #: Where in a workbook (``sheet 'Criteria', cell G7``); None for YAML files.
    cell: str | None = None

    def __str__(self) -> str:
        if self.cell is not None:
            return f"{self.file}: {self.cell}: {self.message}"
        where = f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        return f"{where}: {self.document_path}: {self.message}"


class FrameworkLoadError(ReviewerError):
    """The framework files could not be loaded; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[FrameworkProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        first = f" The first: {self.problems[0]}" if self.problems else ""
        super().__init__(
            f"The review frameworks could not be loaded: {count} "
            f"problem{'s' if count != 1 else ''} found.{first}",
            hint="Run 'reviewer-app frameworks check' to see every problem, fix the files, "
            "then try again.",
        )


_TYPE_WORDS = {
    "string_type": "a piece of text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "tuple_type": "a list",
    "list_type": "a list",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "dict_type": "a mapping of keys to values",
}


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


def describe_error(error: ErrorDetails) -> str:
    """One pydantic error as a sentence."""
    kind = error["type"]
    loc = error["loc"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    last = loc[-1] if loc else ""
    if kind == "missing":
        return f"The required key '{last}' is missing."
    if kind == "extra_forbidden":
        return f"'{last}' is not a key this part of the file may have (check the spelling)."
    if kind == "string_type" and isinstance(value, bool):
        return (
            f"This should be a piece of text, not {str(value).lower()}: YAML reads yes, no, on "
            "and off as true or false, so put the word in quotes."
        )
    if kind in _TYPE_WORDS:
        return f"This should be {_TYPE_WORDS[kind]}, not {_shown(value)}."
    if kind == "literal_error":
        return f"{_shown(value)} is not allowed here; use one of {ctx.get('expected', '')}."
    if kind == "enum":
        return f"{_shown(value)} is not allowed here; use one of {ctx.get('expected', '')}."
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if "#[0-9A-Fa-f]{6}" in pattern:
            return f"{_shown(value)} is not a colour; write colours as #RRGGBB, e.g. #1F6FB2."
        if "[0-9]+(" in pattern:
            return f"{_shown(value)} is not a version; use whole numbers with dots, e.g. 1 or 2.1."
        return (
            f"{_shown(value)} is not a valid id; use lower-case letters, digits, hyphens "
            "and underscores, e.g. learning-walk."
        )
    if kind == "string_too_short":
        return "This must not be empty."
    if kind == "too_short":
        least = int(ctx.get("min_length", 1))
        return f"This needs at least {least} {'entry' if least == 1 else 'entries'}."
    if kind.startswith("url"):
        return f"{_shown(value)} is not a web address ({error['msg']})."
    if kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
        return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
    return f"{error['msg']} (found {_shown(value)})."


def problems_from_validation(
    exc: ValidationError, source: Any, prefix: tuple[str | int, ...] = ()
) -> list[FrameworkProblem]:
    """Every pydantic error as a :class:`FrameworkProblem` located in the source (a YAML file's
    line, or a workbook's cell)."""
    problems = []
    seen: set[tuple[str | int, ...]] = set()
    errors = exc.errors(include_url=False)
    paths = [_document_path(error["loc"]) for error in errors]
    for error, own in zip(errors, paths, strict=True):
        path = prefix + own
        if path in seen:  # one value failing every member of a union: say it once
            continue
        if error["type"] == "too_short" and any(
            other[: len(own)] == own and len(other) > len(own) for other in paths
        ):  # a list is only "too short" because one of its entries failed
            continue
        seen.add(path)
        problems.append(located_problem(source, path, describe_error(error)))
    return problems


def located_problem(source: Any, path: tuple[str | int, ...], message: str) -> FrameworkProblem:
    """A problem at ``path`` in a source: its line (YAML) or its cell (workbook)."""
    cell = source.cell_of(path)
    if cell is not None:
        message = _for_a_cell(message)
    return FrameworkProblem(
        file=source.path,
        line=source.line_of(path),
        document_path=format_path(path),
        message=message,
        cell=cell,
    )


def _for_a_cell(message: str) -> str:
    """A YAML-worded sentence reworded for someone looking at a workbook cell."""
    if message.startswith("The required key '") and message.endswith("' is missing."):
        return "This cell must be filled in."
    return message.replace(
        "YAML reads yes, no, on and off as true or false, so put the word in quotes",
        "write the word as text",
    )


#: Tags pydantic puts in an error location for the member of a union that failed.
_UNION_TAGS = frozenset({"str", "bool", "int", "float", "tuple", "list", "none"})


def _document_path(loc: tuple[int | str, ...]) -> tuple[str | int, ...]:
    """Drop pydantic's own markers (validator and union tags) so the path matches the YAML."""
    return tuple(
        part
        for part in loc
        if isinstance(part, int)
        or (
            "[" not in part
            and not part.startswith(("function-", "constrained-"))
            and part not in _UNION_TAGS
        )
    )
