# ruff: noqa: E501 (the layout reads best as a table, one column or setting to a line)
"""The layout of a framework workbook: which sheets, which columns, what each cell holds.

One layout serves both directions (:mod:`.workbook_writer` and :mod:`.workbook_reader`), so a
framework written to a workbook and read back is the same framework. The layout is documented
for authors in ``docs/framework-workbooks.md`` and on the workbook's Instructions sheet.

Cells hold plain words: "yes"/"no" for true and false, ids separated by commas ("peer_reviewer,
lead_reviewer"), short texts separated by semicolons ("Learning walks; Pupil conversations").
A blank cell means the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: How a cell's text becomes a value: one piece of text, yes/no, a comma list of ids, a
#: semicolon list of texts, a whole number, or a value kept as typed (a condition's value).
CellKind = Literal["text", "yes_no", "ids", "texts", "count", "value"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet: its heading, the key it fills and how its cells read."""

    header: str
    key: str
    kind: CellKind = "text"
    width: int = 24
    help: str = ""
    #: Name of a list on the Lists sheet that the cell's value is chosen from.
    choices: str = ""


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet of rows (one row per item) under a header row."""

    name: str
    columns: tuple[Column, ...]
    about: str

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def letter(self, key: str) -> str:
        """The column letter of ``key`` (A, B, ...)."""
        index = [c.key for c in self.columns].index(key)
        return chr(ord("A") + index)


@dataclass(frozen=True, slots=True)
class Setting:
    """One row of the Framework sheet: a setting name, the document path it fills, its kind."""

    name: str
    path: tuple[str, ...]
    kind: CellKind = "text"
    help: str = ""
    choices: str = ""


#: Fields at the visit level and fields every rated criterion carries, in the Fields sheet's
#: "Belongs to" column (anything else there is a section or criterion id).
VISIT_OWNER = "(visit)"
EVERY_CRITERION_OWNER = "(each rated criterion)"
#: In a "Report audiences" cell: shown in no report at all (blank means every report).
NO_AUDIENCE = "(none)"

INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Lists"
FRAMEWORK_SHEET = "Framework"

SETTINGS: tuple[Setting, ...] = (
    Setting("Id", ("id",), help="Lower-case words joined by hyphens, e.g. our-learning-walk."),
    Setting("Version", ("version",), help="Whole numbers with dots: 1, 2, 2.1."),
    Setting("Title", ("title",), help="What reviewers call it."),
    Setting("Summary", ("summary",), help="A sentence or two shown in New visit."),
    Setting("Owner", ("owner",), help="Who wrote it: your trust's name."),
    Setting("Phases", ("phases",), "ids", "Blank: every phase; else e.g. primary, secondary."),
    Setting("Visible to", ("visible_to",), "ids", "Blank: everyone; else roles, e.g. safeguarding_lead."),
    Setting("Caveat", ("caveat",), help="Wording still to be confirmed, shown in the editor and the report."),
    Setting("Default scale", ("default_scale",), help="The scale criteria use unless they name one.", choices="scales"),
    Setting("Evidence: photos and files", ("evidence", "attachments"), "yes_no", choices="yes_no"),
    Setting("Evidence: pupil references", ("evidence", "pupil_references"), "yes_no", "Whether notes may carry pseudonymous references such as P7.", "yes_no"),
    Setting("Evidence: guidance", ("evidence", "guidance")),
    Setting("Next steps: recorded", ("actions", "enabled"), "yes_no", choices="yes_no"),
    Setting("Next steps: called", ("actions", "label"), help="E.g. Agreed actions."),
    Setting("Next steps: owner required", ("actions", "require_owner"), "yes_no", choices="yes_no"),
    Setting("Next steps: due date required", ("actions", "require_due_date"), "yes_no", choices="yes_no"),
    Setting("Next steps: follow up earlier ones", ("actions", "follow_up_previous"), "yes_no", choices="yes_no"),
    Setting("Carry forward unchanged answers", ("carry_forward",), "yes_no", "From the school's last signed review on an earlier version, to be confirmed.", "yes_no"),
)  # fmt: skip

_SHOWN_WHEN = Column(
    "Shown when",
    "visible_when",
    width=14,
    help="A condition's name from the Conditions sheet; blank: always.",
)
_VISIBLE_TO = Column("Visible to", "visible_to", "ids", 18, "Blank: everyone; else roles.")
_AUDIENCES = Column(
    "Report audiences", "audiences", "ids", 20, "Blank: every report; else audience keys."
)

NOTICES = Sheet(
    "Notices",
    (Column("Notice", "text", width=100),),
    "Reminders shown at the top of the editor and the report.",
)
SOURCES = Sheet(
    "Sources",
    (
        Column("Title", "title", width=50),
        Column("Publisher", "publisher", width=28),
        Column("Web address", "url", width=50),
        Column("Version", "version", width=10),
        Column("Note", "note", width=40),
    ),
    "What the framework follows or paraphrases.",
)
AUDIENCES = Sheet(
    "Report audiences",
    (
        Column("Key", "key", width=18),
        Column("Label", "label", width=30),
        Column("Description", "description", width=60),
    ),
    "The reports a review can be rendered as.",
)
SECTIONS = Sheet(
    "Sections",
    (
        Column("Id", "id", width=24),
        Column("Title", "title", width=36),
        Column("Description", "description", width=48),
        _SHOWN_WHEN,
        _VISIBLE_TO,
        _AUDIENCES,
        Column("Caveat", "caveat", width=40),
    ),
    "Pages of the review, in order.",
)
CRITERIA = Sheet(
    "Criteria",
    (
        Column("Section", "section", width=22, help="The Id of its section.", choices="sections"),
        Column("Id", "id", width=26),
        Column("Title", "title", width=36),
        Column("Prompt", "prompt", width=48),
        Column("Guidance", "guidance", width=40),
        Column(
            "Evidence from", "evidence_sources", "texts", 36, "Separate several with semicolons."
        ),
        Column("Scale", "scale", width=22, help="Blank: the default scale.", choices="scales"),
        Column("Required", "required", "yes_no", 10, choices="yes_no"),
        _SHOWN_WHEN,
        _VISIBLE_TO,
        _AUDIENCES,
        Column("Caveat", "caveat", width=40),
    ),
    "What reviewers judge, section by section, in order.",
)
LOOK_FORS = Sheet(
    "Look-fors",
    (
        Column("Criterion", "criterion", width=26, choices="criteria"),
        Column("Group", "group", width=20, help="Optional heading over several look-fors."),
        Column("Look-for", "text", width=80),
    ),
    "What reviewers look for under each criterion, in order.",
)
FIELDS = Sheet(
    "Fields",
    (
        Column(
            "Belongs to",
            "owner",
            width=24,
            help=f"{VISIT_OWNER}, {EVERY_CRITERION_OWNER}, or a section or criterion Id.",
            choices="owners",
        ),
        Column("Id", "id", width=24),
        Column("Label", "label", width=36),
        Column("Kind", "kind", width=14, choices="field_kinds"),
        Column("Help", "help", width=36),
        Column("Required", "required", "yes_no", 10, choices="yes_no"),
        Column("Row label", "row_label", width=14, help="Tables: what one row is."),
        Column(
            "Minimised",
            "minimised",
            "yes_no",
            11,
            "Counts, dates, choices and row references only.",
            "yes_no",
        ),
        Column("Pattern", "pattern", width=16),
        _SHOWN_WHEN,
        _VISIBLE_TO,
        _AUDIENCES,
    ),
    "What reviewers type or pick besides ratings.",
)
CHOICES = Sheet(
    "Choices",
    (
        Column("Belongs to", "owner", width=24, choices="owners"),
        Column("Field", "field", width=24),
        Column(
            "Column", "column", width=18, help="For a table's choice column; blank for a field."
        ),
        Column("Key", "key", width=22),
        Column("Label", "label", width=40),
    ),
    "The options of choice fields and of tables' choice columns, in order.",
)
COLUMNS = Sheet(
    "Table columns",
    (
        Column("Belongs to", "owner", width=24, choices="owners"),
        Column("Field", "field", width=24),
        Column("Id", "id", width=18),
        Column("Label", "label", width=28),
        Column("Kind", "kind", width=14, choices="column_kinds"),
        Column("Help", "help", width=30),
        Column("Required", "required", "yes_no", 10, choices="yes_no"),
    ),
    "The columns of table fields, in order.",
)
SCALES = Sheet(
    "Scales",
    (
        Column("Id", "id", width=24),
        Column("Version", "version", width=10),
        Column("Title", "title", width=36),
        Column("Description", "description", width=48),
        Column("Not an Ofsted grade", "not_an_ofsted_grade", "yes_no", 12, choices="yes_no"),
        Column(
            "Note",
            "note",
            width=48,
            help="Shown beside every rating; needed when not an Ofsted grade.",
        ),
    ),
    "Scales defined for this framework alone (the trust's shared scales are on the Lists sheet).",
)
LEVELS = Sheet(
    "Scale levels",
    (
        Column("Scale", "scale", width=24),
        Column("Version", "version", width=10),
        Column("Key", "key", width=20),
        Column("Label", "label", width=28),
        Column("Description", "description", width=48),
        Column("Colour", "colour", width=10, help="#RRGGBB"),
        Column("Rank", "rank", "count", 8, "Higher is stronger; blank: not judged."),
    ),
    "The levels of the scales above, in the order a rating control shows them.",
)
CONDITIONS = Sheet(
    "Conditions",
    (
        Column("Condition", "name", width=12, help="A name such as C1, used in Shown when."),
        Column(
            "Part of",
            "part_of",
            width=10,
            help="Blank, or the all/any/not condition this test belongs to.",
        ),
        Column("Test", "test", width=10, choices="tests"),
        Column("Id", "id", width=24, help="The criterion or field answered, or the school fact."),
        Column("How", "how", width=12, choices="hows"),
        Column("Value", "value", "value", 30, "For one of: values separated by commas."),
    ),
    "When sections, criteria and fields are shown.",
)
SIGN_OFF = Sheet(
    "Sign-off",
    (
        Column("Role", "role", width=22, choices="roles"),
        Column("Label", "label", width=30),
        Column(
            "Who",
            "who",
            width=8,
            help="one, or each (every team member with the role)",
            choices="who",
        ),
        Column("Required", "required", "yes_no", 10, choices="yes_no"),
        Column(
            "Order",
            "order",
            width=12,
            help="in_order (the team's order) or any_order (with each: among themselves)",
            choices="sign_order",
        ),
    ),
    "Who signs the report, in order.",
)
TAGS = Sheet(
    "Evidence tags",
    (
        Column("Key", "key", width=18),
        Column("Label", "label", width=22),
        Column("Suggested values", "suggested", "texts", 70, "Separate with semicolons."),
        Column("Other values allowed", "free_text", "yes_no", 12, choices="yes_no"),
    ),
    "Tags for evidence notes (year group, subject...) and the values the capture bar offers.",
)

#: Every sheet of rows, in the order the workbook shows them (after Instructions and Framework).
ROW_SHEETS: tuple[Sheet, ...] = (
    NOTICES, SOURCES, SECTIONS, CRITERIA, LOOK_FORS, FIELDS, CHOICES, COLUMNS, CONDITIONS,
    SCALES, LEVELS, SIGN_OFF, TAGS, AUDIENCES,
)  # fmt: skip

CONDITION_TESTS = ("answer", "fact", "all", "any", "not")
CONDITION_HOWS = ("equals", "one of", "answered")

#: Limits that keep a hostile workbook from exhausting the machine reading it.
MAX_ROWS_PER_SHEET = 5_000
MAX_WORKBOOK_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_MEMBERS = 200
