"""An observation's period in SDMX's ISO 8601 forms (TIME_PERIOD), and its series bucket.

SDMX-CSV names calendar periods 2023, 2023-S1, 2023-Q1, 2023-06 and any other span by its
dates, 2023-01-01/2023-08-31 (a year-to-date figure), a single day as 2023-06-30.
"""

from __future__ import annotations

import calendar
from datetime import date


def _as_date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def time_period(start: str | date, end: str | date) -> str:
    """The SDMX TIME_PERIOD of [start, end] (both inclusive)."""
    s, e = _as_date(start), _as_date(end)
    if s == e:
        return s.isoformat()
    if s.year == e.year and s.day == 1 and e.day == _month_end(e.year, e.month):
        months = (s.month, e.month)
        if months == (1, 12):
            return f"{s.year}"
        if months in ((1, 6), (7, 12)):
            return f"{s.year}-S{1 if s.month == 1 else 2}"
        if e.month - s.month == 2 and s.month % 3 == 1:
            return f"{s.year}-Q{(s.month + 2) // 3}"
        if s.month == e.month:
            return f"{s.year}-{s.month:02d}"
    return f"{s.isoformat()}/{e.isoformat()}"


def bucket(end: str | date, by: str) -> str:
    """The series bucket (month, quarter or year) a period ending on `end` falls in, as a period."""
    e = _as_date(end)
    if by == "month":
        return f"{e.year}-{e.month:02d}"
    if by == "quarter":
        return f"{e.year}-Q{(e.month + 2) // 3}"
    if by == "year":
        return f"{e.year}"
    raise ValueError(f"unknown bucket {by!r}: month, quarter or year")


def bucket_range(first: str, last: str) -> list[str]:
    """Every bucket from `first` to `last` (both labels of one kind: 2023-06, 2023-Q2 or 2023)."""
    def index(label: str) -> tuple[int, int]:
        year, _, rest = label.partition("-")
        if not rest:
            return int(year), 1
        return (int(year) * 4 + int(rest[1]) - 1, 4) if rest.startswith("Q") else (int(year) * 12 + int(rest) - 1, 12)

    (start, per_year), (end, _) = index(first), index(last)
    labels = []
    for i in range(start, end + 1):
        year, part = divmod(i, per_year)
        labels.append(f"{year}" if per_year == 1 else f"{year}-Q{part + 1}" if per_year == 4 else f"{year}-{part + 1:02d}")
    return labels


def is_year_to_date(start: str | date, end: str | date) -> bool:
    """A span from 1 January to a month's end of the same year (a cumulative release)."""
    s, e = _as_date(start), _as_date(end)
    return (s.month, s.day) == (1, 1) and s.year == e.year and e.day == _month_end(e.year, e.month)


def month_end(year: int, month: int) -> date:
    return date(year, month, _month_end(year, month))
