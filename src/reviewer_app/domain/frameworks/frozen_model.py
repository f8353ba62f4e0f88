"""The base every framework object stands on: immutable, strict about keys, easy to walk.

Framework files are data written by people, so a key the engine does not know is an error
(``extra="forbid"``), never silently ignored. Loaded objects are frozen and hold tuples, not
lists, so a framework a review began with cannot be changed under it.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

#: Ids are lower-case words joined by hyphens or underscores: ``learning-walk``, ``scr_sample``.
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

#: Versions are dotted whole numbers (``1``, ``2``, ``2025.1``) so they order naturally.
VERSION_PATTERN = r"^[0-9]+(\.[0-9]+)*$"

#: Colours are given as ``#RRGGBB``.
COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"

Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=80)]
Version = Annotated[str, StringConstraints(pattern=VERSION_PATTERN, max_length=20)]
Colour = Annotated[str, StringConstraints(pattern=COLOUR_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]


class FrozenModel(BaseModel):
    """Immutable, closed pydantic model: unknown keys are refused, fields cannot be reassigned."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        populate_by_name=True,
        validate_default=False,
        # Build validators on first use, not at import: start-up stays fast.
        defer_build=True,
    )


def version_key(version: str) -> tuple[int, ...]:
    """Sort key for a version string: ``"2.10"`` comes after ``"2.9"``."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


def split_reference(reference: str) -> tuple[str, str | None]:
    """``"observation-lookfor@2"`` -> ``("observation-lookfor", "2")``; no ``@`` -> version None."""
    name, sep, version = reference.partition("@")
    return name, (version if sep else None)
