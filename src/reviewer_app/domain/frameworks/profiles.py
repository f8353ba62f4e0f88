"""Trust profiles: which frameworks, which categorisation scheme and which branding a trust uses
(``kind: trust_profile``). A trust switches model by switching profile."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal

from pydantic import Field, field_validator

from reviewer_app.domain.frameworks.frozen_model import (
    Colour,
    FrozenModel,
    Identifier,
    Text,
    Version,
)


class Branding(FrozenModel):
    """How reports and the app's header look for the trust. ``logo`` is relative to resources/."""

    name: Text
    primary_colour: Colour
    secondary_colour: Colour
    accent_colour: Colour
    logo: str = Field(description="Path under resources/, e.g. logos/generic.png")
    strapline: str = ""

    @field_validator("logo")
    @classmethod
    def _logo_under_logos(cls, value: str) -> str:
        path = PurePosixPath(value)
        if path.is_absolute() or ".." in path.parts or not value.startswith("logos/"):
            raise ValueError("the logo must be a file under resources/logos/, e.g. logos/trust.png")
        if path.suffix.lower() not in (".png", ".svg"):
            raise ValueError("the logo must be a .png or .svg file")
        return value


class TrustProfile(FrozenModel):
    """A trust's school improvement model as the app sees it."""

    kind: Literal["trust_profile"]
    id: Identifier
    version: Version = "1"
    title: Text
    owner: Text
    description: str = ""
    frameworks: tuple[Identifier, ...] = Field(min_length=1)
    scheme: Identifier | None = Field(default=None, description="Categorisation scheme id.")
    branding: Branding
