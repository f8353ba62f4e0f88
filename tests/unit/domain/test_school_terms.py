"""The school year by half term (the usual English pattern) used to plan visits."""

from __future__ import annotations

from datetime import date

import pytest

from reviewer_app.domain.school_terms import (
    days_out_of_term,
    easter_sunday,
    school_year,
    school_year_of,
)


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
     (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25))],
)  # fmt: skip
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_the_2025_to_2026_year_has_six_half_terms_around_the_usual_holidays() -> None:
    year = school_year(2025)
    assert [(h.name, h.start, h.end) for h in year.half_terms] == [
        ("Autumn 1", date(2025, 9, 3), date(2025, 10, 24)),
        ("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
        ("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
        ("Spring 2", date(2026, 2, 23), date(2026, 3, 27)),  # Easter Sunday is 5 April
        ("Summer 1", date(2026, 4, 13), date(2026, 5, 22)),
        ("Summer 2", date(2026, 6, 1), date(2026, 7, 17)),
    ]
    assert year.label == "2025 to 2026"
    assert not year.is_school_day(date(2026, 5, 4))  # early-May bank holiday
    assert year.is_school_day(date(2026, 5, 5))


def test_a_day_belongs_to_the_school_year_starting_the_september_before() -> None:
    assert school_year_of(date(2026, 8, 20)).start_year == 2025
    assert school_year_of(date(2026, 9, 1)).start_year == 2026
    half = school_year_of(date(2026, 11, 10)).half_term_of(date(2026, 11, 10))
    assert half is not None
    assert half.label == "Autumn 2 2026"


def test_days_out_of_term_are_weekends_and_holidays() -> None:
    assert days_out_of_term(date(2026, 3, 2), date(2026, 3, 3)) == []
    assert days_out_of_term(date(2026, 2, 13), date(2026, 2, 16)) == [
        date(2026, 2, 14),
        date(2026, 2, 15),
        date(2026, 2, 16),  # February half term
    ]
