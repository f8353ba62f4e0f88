"""Trusts, schools and the people who review them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from reviewer_app.domain.errors import ValidationError

_URN = re.compile(r"^\d{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Phase(StrEnum):
    """School phase as used by DfE Get Information About Schools."""

    NURSERY = "nursery"
    PRIMARY = "primary"
    MIDDLE = "middle"
    SECONDARY = "secondary"
    ALL_THROUGH = "all_through"
    SPECIAL = "special"
    ALTERNATIVE_PROVISION = "alternative_provision"
    POST_16 = "post_16"

    @property
    def label(self) -> str:
        return _PHASE_LABELS[self]


_PHASE_LABELS = {
    Phase.NURSERY: "Nursery",
    Phase.PRIMARY: "Primary",
    Phase.MIDDLE: "Middle",
    Phase.SECONDARY: "Secondary",
    Phase.ALL_THROUGH: "All-through",
    Phase.SPECIAL: "Special",
    Phase.ALTERNATIVE_PROVISION: "Alternative provision",
    Phase.POST_16: "16 to 19",
}


class Role(StrEnum):
    """What a person may do. A person can hold several roles."""

    IMPROVEMENT_PARTNER = "improvement_partner"
    LEAD_REVIEWER = "lead_reviewer"
    PEER_REVIEWER = "peer_reviewer"
    SAFEGUARDING_LEAD = "safeguarding_lead"
    TRUST_ADMIN = "trust_admin"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.IMPROVEMENT_PARTNER: "Improvement partner",
    Role.LEAD_REVIEWER: "Lead reviewer",
    Role.PEER_REVIEWER: "Peer reviewer",
    Role.SAFEGUARDING_LEAD: "Designated safeguarding lead",
    Role.TRUST_ADMIN: "Trust admin",
}

#: Roles that may see safeguarding frameworks and restricted safeguarding detail.
SAFEGUARDING_ROLES = frozenset({Role.SAFEGUARDING_LEAD})


@dataclass(frozen=True, slots=True)
class Trust:
    """A multi-academy trust or local authority partnership that owns the review model."""

    id: str
    name: str
    profile_id: str = "generic"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("A trust needs a name.")


@dataclass(frozen=True, slots=True)
class School:
    """A school under review. ``urn`` is the DfE unique reference number (six digits)."""

    id: str
    trust_id: str
    urn: str
    name: str
    phase: Phase
    local_authority: str = ""
    has_early_years: bool = False
    has_sixth_form: bool = False

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("A school needs a name.")
        if not _URN.match(self.urn):
            raise ValidationError(
                f"'{self.urn}' is not a school URN.",
                hint="A URN is the six-digit number from Get Information About Schools.",
            )

    def facts(self) -> dict[str, bool | str]:
        """School facts that framework visibility conditions may test."""
        return {
            "phase": self.phase.value,
            "has_early_years": self.has_early_years,
            "has_sixth_form": self.has_sixth_form,
        }


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who reviews or administers. Roles decide what they may see and sign."""

    id: str
    trust_id: str
    name: str
    email: str
    roles: frozenset[Role] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("A person needs a name.")
        if not _EMAIL.match(self.email):
            raise ValidationError(f"'{self.email}' is not an email address.")

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def may_see_safeguarding(self) -> bool:
        return bool(self.roles & SAFEGUARDING_ROLES)
