"""The quick-capture language on a shipped framework, and the check for what looks like a
person's name (pupils only as pseudonymous references, staff by role)."""

from __future__ import annotations

import pytest

from reviewer_app.domain.frameworks import FrameworkLibrary, load_library
from reviewer_app.domain.frameworks.vocabulary import TrustVocabulary
from reviewer_app.domain.quick_capture import (
    CaptureVocabulary,
    completions,
    parse_capture,
    possible_names,
)
from reviewer_app.paths import frameworks_dir


@pytest.fixture(scope="module")
def walk() -> CaptureVocabulary:
    framework = load_library(frameworks_dir()).latest("learning-walk")
    return CaptureVocabulary.for_framework(framework)


@pytest.fixture(scope="module")
def peer() -> CaptureVocabulary:
    """The two-day peer review records pseudonymous pupil references; the walk does not."""
    framework = load_library(frameworks_dir()).latest("two-day-peer-review")
    return CaptureVocabulary.for_framework(framework)


def test_tags_and_criteria_are_taken_out_of_the_text(walk) -> None:
    parsed = parse_capture(
        "Pupils explain their method #y5 #maths #room:14 @climate-routines", walk
    )
    assert parsed.ok
    assert parsed.text == "Pupils explain their method"
    assert parsed.tags == {"year_group": "Year 5", "subject": "Mathematics", "room": "14"}
    assert parsed.criterion_ids == ("climate-routines",)


def test_pupil_references_are_pseudonymous_and_only_where_the_framework_records_them(
    walk, peer
) -> None:
    parsed = parse_capture("Explained the plan @inclusion +p7 +P7 +PP12", peer)
    assert parsed.ok
    assert parsed.pupil_refs == ("P7", "PP12")
    named = parse_capture("Read aloud well +Jane", peer)
    assert not named.ok
    assert "never by name" in named.problems[0]
    assert parse_capture("Read aloud well +P7", walk).problems == (
        "This framework does not record pupil references.",
    )


def test_unknown_and_ambiguous_tokens_are_problems(walk) -> None:
    assert parse_capture("Seen #nosuchtag", walk).problems
    assert parse_capture("Seen @nosuchcriterion", walk).problems
    assert completions("#phon", walk) == ["#phonics"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Jane Smith read aloud to the class", ["Jane Smith"]),
        ("Mrs Patel modelled the method", ["Mrs Patel"]),
        ("Tom and Sam worked together", ["Sam"]),
        ("Worked with O'Neill in the library", ["O'Neill"]),
        ("Little Wandle phonics seen in Reception", ["Little Wandle"]),
    ],
)
def test_what_looks_like_a_name_is_found(walk, text: str, names: list[str]) -> None:
    assert possible_names(text, walk) == names


@pytest.mark.parametrize(
    "text",
    [
        "Pupils settle within a minute of arriving",
        "Year 5 Maths lesson on Monday",
        "Seen in English and in Science. Pupils ready.",
        "SENCO tracks every pupil on the SEND register",
        "Two pupils with SEND use a word bank +P7 +P12",
        "Climate for learning strong in Year 3",
    ],
)
def test_school_words_and_framework_vocabulary_are_not_names(walk, text: str) -> None:
    assert possible_names(text, walk) == []


# ---------------------------------------------------------------- the trust's vocabulary


def _english() -> tuple[FrameworkLibrary, TrustVocabulary]:
    library = load_library(frameworks_dir())
    return library, library.vocabulary("english-schools")


def test_the_capture_bars_own_example_tags_work_in_every_framework() -> None:
    library, english = _english()
    for framework_id in library.framework_ids:
        framework = library.latest(framework_id)
        vocabulary = CaptureVocabulary.for_framework(framework, english)
        parsed = parse_capture("Pupils explained their method #y5 #maths", vocabulary)
        assert parsed.problems == (), framework_id
        assert parsed.tags["year_group"] == "Year 5"
        assert parsed.tags["subject"] in ("Mathematics", "Maths")
    core = library.latest("half-termly-core-visit")
    # Without the trust's vocabulary the core visit has no subject tag (as before).
    assert parse_capture("#maths", CaptureVocabulary.for_framework(core)).problems
    with_trust = CaptureVocabulary.for_framework(core, english)
    assert parse_capture("Guided reading #ks2 #hall", with_trust).tags == {
        "key_stage": "Key stage 2",
        "place": "Hall",
    }
    # The framework's own year groups come first; the trust's join after them.
    year = next(k for k in with_trust.tag_kinds if k.key == "year_group")
    assert year.suggested[:2] == ("Nursery", "Reception")
    assert "Year 11" in year.suggested


def test_the_name_warning_leaves_the_trusts_words_alone() -> None:
    library, english = _english()
    walk = library.latest("learning-walk")
    vocabulary = CaptureVocabulary.for_framework(walk, english)
    assert (
        possible_names("In Y1 the Little Wandle sounds were secure; KS2 pupils read", vocabulary)
        == []
    )
    assert possible_names("Reading with Y1 and Mrs Patel", vocabulary) == ["Mrs Patel"]
    assert possible_names("Pupils in Y1 worked with Sam") == ["Sam"]
    assert possible_names("White Rose fluency starter", vocabulary) == []
    assert possible_names("White Rose fluency starter") == ["White Rose"]
