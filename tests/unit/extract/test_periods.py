"""Period words resolved against the publication date."""

from datetime import date

import pytest

from newsmon.extract.periods import PERIOD_RE, is_point, resolve_period

PUBLISHED = date(2023, 4, 20)


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("一季度", date(2023, 1, 1), date(2023, 3, 31)),
        ("第一季度", date(2023, 1, 1), date(2023, 3, 31)),
        ("前三季度", date(2023, 1, 1), date(2023, 9, 30)),
        ("上半年", date(2023, 1, 1), date(2023, 6, 30)),
        ("1至3月", date(2023, 1, 1), date(2023, 3, 31)),
        ("1—6月", date(2023, 1, 1), date(2023, 6, 30)),
        ("1-2月", date(2023, 1, 1), date(2023, 2, 28)),
        ("今年以来", date(2023, 1, 1), PUBLISHED),
        ("2022年度", date(2022, 1, 1), date(2022, 12, 31)),
        ("去年", date(2022, 1, 1), date(2022, 12, 31)),
        ("去年底", date(2022, 12, 1), date(2022, 12, 31)),
        ("2月8日", date(2023, 2, 8), date(2023, 2, 8)),
        ("3月底前", None, date(2023, 3, 31)),
        ("全年", date(2023, 1, 1), date(2023, 12, 31)),
    ],
)
def test_resolve_period(period, start, end):
    assert resolve_period(period, PUBLISHED) == (start, end)


def test_without_publication_date_only_explicit_years_resolve():
    assert resolve_period("一季度", None) == (None, None)
    assert resolve_period("2021年上半年", None) == (date(2021, 1, 1), date(2021, 6, 30))


def test_period_words_are_found_in_text():
    found = [m.group() for m in PERIOD_RE.finditer("今年以来，1至5月，2022年度，二季度，3月中旬")]
    assert found == ["今年以来", "1至5月", "2022年度", "二季度", "3月中旬"]


def test_points_and_spans():
    assert is_point("2月8日") and is_point("3月底前") and is_point("年初")
    assert not is_point("一季度") and not is_point("1至3月") and not is_point("今年以来")
