"""Chinese and Arabic numbers, fractions and magnitudes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsmon import _native
from newsmon.extract.numbers import parse_magnitude, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [("147", 147), ("1,200", 1200), ("60.5", 60.5), ("1/4", 0.25), ("十", 10), ("十五", 15), ("两", 2),
     ("三千", 3000), ("一百零五", 105), ("两万三千", 23000), ("二〇二三", 2023), ("千", 1000)],
)
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "万", "abc", "1/0", "十x"])
def test_parse_number_refuses_non_numbers(text):
    assert parse_number(text) is None


def test_magnitudes():
    assert parse_magnitude("亿") == 1e8
    assert parse_magnitude("万亿") == 1e12
    assert parse_magnitude(None) == 1.0


NUMBER_CHARS = "0123456789,./零〇一二两三四五六七八九十百千万亿٣①x"


@settings(max_examples=500, deadline=None)
@given(st.text(NUMBER_CHARS, max_size=14))
def test_the_compiled_walk_reads_numbers_as_parse_number(text):
    # newsmon._native has its own parse_number (the walk runs in Rust); it must agree exactly.
    assert _native.parse_number(text) == parse_number(text)


@pytest.mark.parametrize("text", ["147", "1,200", "1,20", "60.5", "1/4", "3/0", "二〇二三", "两万三千", "٣٤", "1" * 25])
def test_the_compiled_walk_reads_these_numbers_as_parse_number(text):
    assert _native.parse_number(text) == parse_number(text)
