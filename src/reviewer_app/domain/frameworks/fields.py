"""Fields: what a reviewer types or picks besides a rating.

Free text (strengths, even better if, the school's enquiry question), choices (the half term),
dates, counts and structured tables (a day plan; a single central record sample check). A field
marked ``minimised`` may hold only counts, dates, choices, yes/no and anonymised row references,
never free text, so that nothing like a certificate's contents can be typed into it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from reviewer_app.domain.frameworks.conditions import Condition
from reviewer_app.domain.frameworks.frozen_model import FrozenModel, Identifier, Text
from reviewer_app.domain.organisation import Role

FieldKind = Literal[
    "text",  # one line
    "long_text",  # paragraphs
    "choice",  # one of options
    "multi_choice",  # several of options
    "date",
    "time",
    "count",  # whole number, 0 or more
    "yes_no",
    "row_reference",  # an anonymised reference such as "R14", never a name
    "row_references",  # several of them
    "table",  # rows of columns
]

ColumnKind = Literal[
    "text", "long_text", "choice", "date", "time", "count", "yes_no", "row_reference"
]

#: Column and field kinds a ``minimised`` field may use.
MINIMISED_KINDS = frozenset({"choice", "date", "time", "count", "yes_no", "row_reference"})

#: Default shape of an anonymised row reference: up to three letters then up to five digits.
ROW_REFERENCE_PATTERN = r"^[A-Za-z]{0,3}[0-9]{1,5}$"


class ChoiceOption(FrozenModel):
    """One option of a choice field or column."""

    key: Identifier
    label: Text


class TableColumn(FrozenModel):
    """One column of a table field."""

    id: Identifier
    label: Text
    kind: ColumnKind = "text"
    options: tuple[ChoiceOption, ...] = ()
    help: str = ""
    required: bool = False

    @model_validator(mode="after")
    def _choices_have_options(self) -> TableColumn:
        if self.kind == "choice" and not self.options:
            raise ValueError(f"the choice column '{self.id}' needs options")
        return self


class FieldSpec(FrozenModel):
    """A field at framework, section or criterion level.

    A criterion's field is stored under ``"<criterion id>.<field id>"`` (see ``FieldValue``).
    ``audiences`` None means every report audience shows the field.
    """

    id: Identifier
    label: Text
    kind: FieldKind = "long_text"
    help: str = ""
    required: bool = False
    options: tuple[ChoiceOption, ...] = ()
    columns: tuple[TableColumn, ...] = ()
    row_label: str = Field(default="", description="What one row of a table is, e.g. 'Record'.")
    minimised: bool = Field(
        default=False,
        description="Holds counts, dates, choices and anonymised row references only.",
    )
    pattern: str = Field(
        default="", description="Regular expression a row reference or text must match."
    )
    visible_when: Condition | None = None
    visible_to: tuple[Role, ...] = ()
    audiences: tuple[Identifier, ...] | None = None

    @model_validator(mode="after")
    def _shape_fits_kind(self) -> FieldSpec:
        if self.kind in ("choice", "multi_choice") and not self.options:
            raise ValueError(f"the {self.kind} field '{self.id}' needs options")
        if self.kind != "table" and self.columns:
            raise ValueError(f"only a table field has columns; '{self.id}' is a {self.kind}")
        if self.kind == "table" and not self.columns:
            raise ValueError(f"the table field '{self.id}' needs columns")
        if self.minimised:
            if self.kind == "table":
                bad = [c.id for c in self.columns if c.kind not in MINIMISED_KINDS]
                if bad:
                    raise ValueError(
                        f"the minimised field '{self.id}' may not have the free-text column "
                        f"'{bad[0]}'; use counts, dates, choices, yes/no or row references"
                    )
            elif self.kind not in MINIMISED_KINDS | {"row_references"}:
                raise ValueError(
                    f"the minimised field '{self.id}' may not be {self.kind}; use counts, "
                    "dates, choices, yes/no or row references"
                )
        return self

    @property
    def reference_pattern(self) -> str:
        """The pattern anonymised row references in this field must match."""
        return self.pattern or ROW_REFERENCE_PATTERN
