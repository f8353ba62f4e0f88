"""Which built-in framework a stored review was judged on, and whether it judges safeguarding.

The trust picture (overview, journeys, exports) and the sharing rules for signed reports both ask;
this module answers for both, below either of them.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.safeguarding_reports import SAFEGUARDING_CRITERIA
from reviewer_app.domain.safeguarding_reports import judges_safeguarding as _judges

if TYPE_CHECKING:
    from reviewer_app.domain.frameworks.framework import Framework

__all__ = ["SAFEGUARDING_CRITERIA", "built_in_framework", "judges_safeguarding"]


def built_in_framework(framework_id: str, version: str) -> Framework | None:
    """The built-in framework at ``version`` (its latest when that version is unknown), if any."""
    from reviewer_app.server.framework_library import built_in_library

    library = built_in_library()
    try:
        return library.get(framework_id, version or None)
    except ReviewerError:
        try:
            return library.latest(framework_id)
        except ReviewerError:
            return None


@cache
def judges_safeguarding(framework_id: str, version: str) -> bool:
    """Whether the framework judges safeguarding (its full report carries the safeguarding
    view, which only safeguarding roles see)."""
    framework = built_in_framework(framework_id, version)
    if framework is None:
        return False
    return _judges(criterion.id for criterion in framework.criteria())
