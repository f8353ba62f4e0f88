"""Which installed framework a review without framework text opens on (one started on the
trust server), and the sentence when this laptop does not have it."""

from __future__ import annotations

import pytest

from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.review import Review
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.review_session import installed_framework

WALK = "learning-walk"


def _review(framework_id: str = WALK, version: str = "", content_hash: str = "") -> Review:
    return Review(
        id="r1",
        visit_id="v1",
        framework_id=framework_id,
        framework_version=version,
        framework_hash=content_hash,
    )


def test_no_version_named_means_the_newest_installed() -> None:
    library = installed_library()
    assert installed_framework(_review(), library) == library.latest(WALK)


def test_a_version_and_hash_named_pick_that_framework() -> None:
    library = installed_library()
    walk = library.latest(WALK)
    assert (
        installed_framework(_review(version=walk.version, content_hash=walk.content_hash), library)
        == walk
    )


def test_a_version_not_installed_is_named_with_what_is() -> None:
    library = installed_library()
    assert [f.version for f in library.versions(WALK)] == ["1", "2"]
    with pytest.raises(NotFoundError) as missing:
        installed_framework(_review(version="99"), library)
    assert missing.value.message == (
        "This review uses version 99 of the framework 'Learning walk'; this laptop has versions "
        "1 and 2, so it cannot be opened here."
    )


def test_another_text_of_the_same_version_is_refused() -> None:
    library = installed_library()
    walk = library.latest(WALK)
    with pytest.raises(NotFoundError) as missing:
        installed_framework(_review(version=walk.version, content_hash="0" * 64), library)
    assert missing.value.message == (
        f"This review uses version {walk.version} of the framework 'Learning walk' as it was "
        "when the review began, not as installed on this laptop, so it cannot be opened here."
    )


def test_a_framework_not_installed_is_named() -> None:
    with pytest.raises(NotFoundError) as missing:
        installed_framework(_review("ofsted-deep-dive"), installed_library())
    assert missing.value.message == (
        "This review uses the framework 'Ofsted deep dive', which is not installed on this "
        "laptop, so it cannot be opened here."
    )
    assert missing.value.hint.startswith("Ask your trust admin for that framework file")
