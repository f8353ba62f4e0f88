"""The school year in England by half term, for planning visits.

Term dates are set by each local authority or academy trust; they follow a common pattern,
which this reproduces: autumn from early September, a week's half term at the end of October,
Christmas; spring from early January, a week's half term in mid-February, Easter (two weeks
around Easter Sunday); summer after Easter, a week's half term at the spring bank holiday
(last Monday of May), to late July. The early-May bank holiday is a day off too. Good enough to
show a trust its year and to warn when a visit falls in a holiday; not an official calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


def easter_sunday(year: int) -> date:
    """Easter Sunday (Gregorian; the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _last_weekday_of_month(year: int, month: int, weekday: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return _weekday_on_or_before(following - timedelta(days=1), weekday)


MONDAY, WEDNESDAY, FRIDAY = 0, 2, 4


@dataclass(frozen=True, slots=True)
class HalfTerm:
    """One half term: ``name`` (Autumn 1 ...), first and last school day."""

    name: str
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        return f"{self.name} {self.start.year}"


@dataclass(frozen=True, slots=True)
class SchoolYear:
    """An academic year (``start_year`` 2026 is 2026 to 2027) and its six half terms."""

    start_year: int
    half_terms: tuple[HalfTerm, ...]
    #: Single days off inside a half term (the early-May bank holiday).
    days_off: tuple[date, ...]

    @property
    def label(self) -> str:
        return f"{self.start_year} to {self.start_year + 1}"

    def half_term_of(self, day: date) -> HalfTerm | None:
        return next((h for h in self.half_terms if h.contains(day)), None)

    def is_school_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.half_term_of(day) is not None and day not in self.days_off


def school_year(start_year: int) -> SchoolYear:
    """The usual pattern of half terms for the year starting in September ``start_year``."""
    y, n = start_year, start_year + 1
    autumn_start = _weekday_on_or_after(date(y, 9, 3), MONDAY)
    if autumn_start.day > 5:  # a late first Monday: start mid-week instead
        autumn_start = _weekday_on_or_after(date(y, 9, 2), WEDNESDAY)
    october_break = _last_weekday_of_month(y, 10, MONDAY)
    christmas = _weekday_on_or_before(date(y, 12, 20), FRIDAY)
    spring_start = _weekday_on_or_after(date(n, 1, 4), MONDAY)
    february_break = _weekday_on_or_after(date(n, 2, 12), MONDAY)
    easter = easter_sunday(n)
    easter_break = easter - timedelta(days=6)  # Monday of Holy Week
    summer_start = easter + timedelta(days=8)  # the Monday after Easter week
    may_break = _last_weekday_of_month(n, 5, MONDAY)
    summer_end = _weekday_on_or_before(date(n, 7, 23), FRIDAY)
    halves = (
        HalfTerm("Autumn 1", autumn_start, october_break - timedelta(days=3)),
        HalfTerm("Autumn 2", october_break + timedelta(days=7), christmas),
        HalfTerm("Spring 1", spring_start, february_break - timedelta(days=3)),
        HalfTerm("Spring 2", february_break + timedelta(days=7), easter_break - timedelta(days=3)),
        HalfTerm("Summer 1", summer_start, may_break - timedelta(days=3)),
        HalfTerm("Summer 2", may_break + timedelta(days=7), summer_end),
    )
    early_may = _weekday_on_or_after(date(n, 5, 1), MONDAY)
    return SchoolYear(start_year=y, half_terms=halves, days_off=(early_may,))


def school_year_of(day: date) -> SchoolYear:
    """The school year ``day`` falls in (August belongs to the year ending)."""
    return school_year(day.year if day.month >= 9 else day.year - 1)


def days_out_of_term(start: date, end: date) -> list[date]:
    """Days from ``start`` to ``end`` that are weekends, holidays or bank holidays."""
    out = []
    day = start
    while day <= end:
        if not school_year_of(day).is_school_day(day):
            out.append(day)
        day += timedelta(days=1)
    return out
