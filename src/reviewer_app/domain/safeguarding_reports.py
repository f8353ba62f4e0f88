"""Which signed reports a reader without a safeguarding role may have: one rule for the
console's pages and downloads, the ``/api/v1/`` API, data out, and the laptops the trust's
signed reports are sent to.

Safeguarding is for safeguarding roles (issue 17), yet the trust's oversight must be able to
export every fully signed report (issue 13). Both hold because the **summary for the trust
board** never carries a safeguarding judgement: where a framework judges safeguarding (a
criterion in :data:`SAFEGUARDING_CRITERIA`), the board summary holds one neutral line instead
(:data:`BOARD_SAFEGUARDING_LINE`), as the board pack gives safeguarding exceptions as counts
only. So a reader without a safeguarding role gets:

* nothing of a safeguarding framework (the safeguarding audit);
* of a framework that judges safeguarding, the board summary only: the report for the school
  and the full internal report carry the safeguarding judgement;
* the full internal report of a framework with restricted parts never;
* everything else, as the school's sharing choice allows.

Board summaries signed before they held the judgement back still carry it; their report id
lacks :data:`HELD_BACK_SUFFIX` (the id is in the signed PDF, and the server checks the record's
id against it), so they stay with safeguarding roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewer_app.domain.frameworks.framework import Framework

#: The criterion ids that carry a safeguarding judgement, in any framework (the phase benchmark
#: review judges it as its "best-fit phase for safeguarding").
SAFEGUARDING_CRITERIA = frozenset({"safeguarding", "safeguarding-phase"})

#: The line a board summary holds in place of the safeguarding judgement and its criteria.
BOARD_SAFEGUARDING_LINE = "Safeguarding: reported to the trust's safeguarding lead."

#: How the id of a board summary that holds the safeguarding judgement back ends (the report
#: id of a board summary that has nothing to hold back ends in "-board-summary", as before).
HELD_BACK_SUFFIX = "-board-summary-sg-held-back"

_FULL_INTERNAL = "full_internal"
_SCHOOL_FACING = "school_facing"
_BOARD_SUMMARY = "board_summary"


def judges_safeguarding(criterion_ids: Iterable[str]) -> bool:
    """Whether a framework with these criteria judges safeguarding."""
    return any(c in SAFEGUARDING_CRITERIA for c in criterion_ids)


@dataclass(frozen=True, slots=True)
class ReportFramework:
    """What the rule needs to know of the framework a report was made from.

    ``safeguarding``: the framework is for safeguarding roles (the safeguarding audit).
    ``judges_safeguarding``: it has a safeguarding criterion. ``restricted_parts``: some of it
    is for safeguarding roles only (``visible_to``), so its full internal report is too.
    """

    title: str
    safeguarding: bool
    judges_safeguarding: bool
    restricted_parts: bool = False

    @classmethod
    def of(cls, framework: Framework) -> ReportFramework:
        """The framework as the server registers it (a framework with ``visible_to`` is for
        those roles; a section or criterion with it is a restricted part)."""
        restricted = any(
            section.visible_to or any(c.visible_to for c in section.criteria)
            for section in framework.sections
        )
        return cls(
            title=framework.title,
            safeguarding=bool(framework.visible_to),
            judges_safeguarding=judges_safeguarding(c.id for c in framework.criteria()),
            restricted_parts=restricted,
        )


def why_withheld(
    audience: str, report_id: str, framework: ReportFramework, *, safeguarding_reader: bool
) -> str:
    """Why a reader may not have the signed report ``report_id`` for ``audience`` of a review
    on ``framework``, as a sentence for the page; ``""`` when they may."""
    if safeguarding_reader:
        return ""
    if framework.safeguarding:
        return (
            f"Reports of the {framework.title.lower()} are for safeguarding roles: a "
            "safeguarding lead can download them."
        )
    if audience == _FULL_INTERNAL and (framework.restricted_parts or framework.judges_safeguarding):
        return (
            "The full internal report carries restricted safeguarding detail: a safeguarding "
            "lead can download it."
        )
    if not framework.judges_safeguarding:
        return ""
    if audience == _BOARD_SUMMARY:
        if report_id.endswith(HELD_BACK_SUFFIX):
            return ""
        return (
            "This summary was signed before summaries for the board left the safeguarding "
            "judgement out, so it carries it: a safeguarding lead can download it."
        )
    whose = "The school's report" if audience == _SCHOOL_FACING else "This report"
    return f"{whose} carries the safeguarding judgement: a safeguarding lead can download it."
