"""Time periods a figure covers ("一季度", "1至3月", "今年以来", "2022年度") and their dates.

Relative periods are resolved against the publication date; without one, only periods that name
their year can be dated.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from newsmon.extract.numbers import parse_number

_YEAR = r"(?:(?:19|20)\d{2}年|今年|去年|上年|明年|本年)"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_SEP = r"(?:至|到|—|–|－|-|~|～)"
_CORE = (
    rf"{_MONTH}{_SEP}{_MONTH}月份?"
    rf"|{_MONTH}月{_DAY}[日号]"
    rf"|{_MONTH}月份?(?:上旬|中旬|下旬|初|底|末)?(?:前|以来)?"
    r"|(?:第?[一二三四1-4]|首)季度(?:以来)?|首季|前[二三]季度|[上下]半年|全年"
    r"|年初以来|年初|年底|年末|年中|以来"
)
PERIOD_PATTERN = (
    rf"(?:19|20)\d{{2}}年度|(?:今年|去年|上年)[底末初](?!以来)|{_YEAR}(?:{_CORE})?|(?:{_CORE})|新的一年"
)
# Every character a period can start with, and every character that can follow its first. Leading
# the pattern with them lets the regex engine reject the other positions in two tests instead of
# trying each alternative there (7x faster; the second character turns away "一个", "以上", "全市").
PERIOD_FIRST_CHARS = r"\d今去上明本十一二三四五六七八九第首前下全年以新"
PERIOD_SECOND_CHARS = r"\d年半至到—–－\-~～月季十一二三四的初底末中来"
PERIOD_RE = re.compile(rf"(?=[{PERIOD_FIRST_CHARS}][{PERIOD_SECOND_CHARS}])(?:{PERIOD_PATTERN})")

# Words that mean "as of now": the figures after them describe a state, not a period.
AS_OF_NOW_WORDS = ("目前", "当前", "现在", "截至目前", "截止目前", "如今", "现已")

POINT_RE = re.compile(r"[日号旬]|底|末|初(?!以来)|年中|前$|(?<![至到—–－\-~～\d十])\d{0,2}月$")
BARE_YEAR_RE = re.compile(r"(?:19|20)\d{2}年")
_QUARTER_RE = re.compile(r"(?:第?([一二三四1-4])|(首))季度|(首)季")
_FIRST_QUARTERS_RE = re.compile(r"前([二三])季度")
_MONTH_RANGE_RE = re.compile(rf"({_MONTH}){_SEP}({_MONTH})月")
_MONTH_DAY_RE = re.compile(rf"({_MONTH})月({_DAY})[日号]")
_MONTH_RE = re.compile(rf"({_MONTH})月份?(上旬|中旬|下旬|初|底|末)?(前)?")
_EXPLICIT_YEAR_RE = re.compile(r"((?:19|20)\d{2})年")


def is_point(period: str) -> bool:
    """True for a moment or short window ("2月8日", "3月底前", "年初"): it dates an event
    rather than a statistical span, so it governs only its own clause or sentence."""
    return bool(POINT_RE.search(period))


def is_bare_year(period: str) -> bool:
    """True for "2023年" alone, which inside a clause usually modifies a noun ("2023年中央资金")."""
    return bool(BARE_YEAR_RE.fullmatch(period))


def _year_of(period: str, published: date | None) -> int | None:
    explicit = _EXPLICIT_YEAR_RE.search(period)
    if explicit:
        return int(explicit.group(1))
    if published is None:
        return None
    if period.startswith(("去年", "上年")):
        return published.year - 1
    if period.startswith("明年"):
        return published.year + 1
    return published.year


def _month(text: str) -> int:
    return int(parse_number(text) or 1)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def resolve_period(period: str | None, published: date | None) -> tuple[date | None, date | None]:
    """First and last day `period` covers, given the publication date.

    Returns (None, None) when the year is unknowable or the text is not a period. Open-ended
    periods ("今年以来") end on the publication date; deadlines ("3月底前") have no start.
    """
    if not period:
        return None, None
    year = _year_of(period, published)
    if year is None:
        return None, None
    body = _EXPLICIT_YEAR_RE.sub("", period, count=1).removeprefix("今年").removeprefix("去年")
    body = body.removeprefix("上年").removeprefix("明年").removeprefix("本年").removeprefix("当年")
    since = period.endswith("以来")
    end_if_since = published if since and published and published.year == year else None

    if match := _FIRST_QUARTERS_RE.search(body):
        return date(year, 1, 1), _last_day(year, 3 * _month(match.group(1)))
    if match := _QUARTER_RE.search(body):
        quarter = 1 if (match.group(2) or match.group(3)) else _month(match.group(1))
        start = date(year, 3 * quarter - 2, 1)
        return start, end_if_since if since else _last_day(year, 3 * quarter)
    if "上半年" in body:
        return date(year, 1, 1), date(year, 6, 30)
    if "下半年" in body:
        return date(year, 7, 1), date(year, 12, 31)
    if match := _MONTH_RANGE_RE.search(body):
        first, last = _month(match.group(1)), _month(match.group(2))
        if 1 <= first <= last <= 12:
            return date(year, first, 1), _last_day(year, last)
        return None, None
    if match := _MONTH_DAY_RE.search(body):
        month, day = _month(match.group(1)), _month(match.group(2))
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
            return date(year, month, day), date(year, month, day)
        return None, None
    if match := _MONTH_RE.search(body):
        month = _month(match.group(1))
        if not 1 <= month <= 12:
            return None, None
        part, before = match.group(2), match.group(3)
        first, last = 1, calendar.monthrange(year, month)[1]
        if part in ("上旬", "初"):
            last = 10
        elif part == "中旬":
            first, last = 11, 20
        elif part in ("下旬", "底", "末"):
            first = 21
        start = None if before else date(year, month, first)
        return start, (end_if_since if since else date(year, month, last))
    if body.startswith(("年初", "初")) and not since:
        return date(year, 1, 1), date(year, 1, 31)
    if body.startswith(("年底", "年末", "底", "末")):
        return date(year, 12, 1), date(year, 12, 31)
    if body.startswith("年中"):
        return date(year, 6, 1), date(year, 7, 31)
    if since:
        return date(year, 1, 1), end_if_since
    return date(year, 1, 1), date(year, 12, 31)
