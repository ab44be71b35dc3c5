"""Property tests: clean and extract never raise and always emit well-typed records."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmon.extract.indicators import extract_indicators, indicator_to_dict
from newsmon.text.clean import clean

FIELDS = {
    "metric": (str, type(None)), "metric_id": (str,), "subject": (str, type(None)),
    "subject_code": (str, type(None)), "subject_parent_codes": (list,), "period": (str, type(None)),
    "period_start": (str, type(None)), "period_end": (str, type(None)), "value": (float, int, type(None)),
    "unit": (str, type(None)), "value_normalized": (float, int, type(None)), "unit_normalized": (str, type(None)),
    "growth_pct": (float, int, type(None)), "growth_basis": (str, type(None)), "rank": (int, type(None)),
    "rank_scope": (str, type(None)), "qualifier": (str, type(None)), "quote": (str,), "quote_start": (int,),
    "quote_end": (int,), "core": (bool,),
    "region_code": (str, type(None)), "region_name": (str, type(None)), "region_level": (str, type(None)),
    "scope_kind": (str,), "scope_name": (str, type(None)), "breakdown_of": (str, type(None)),
    "period_kind": (str, type(None)), "metric_name": (str, type(None)), "measure": (str, type(None)),
    "observation_key": (str, type(None)),
}

GENRE = st.sampled_from(list(
    "0123456789１２３.%％,，。；：、“”（）()《》亿万元个家项名次同比增长下降第一二三四五六七八九十百千两余多近约达"
    "今年以来季度上半年月日全市区县张湾竹溪江陵排名位居冠军总投资签约项目地区生产总值\n \t+/-"
))
TEXT = st.one_of(
    st.text(max_size=400),
    st.text(GENRE, max_size=400),
    st.lists(st.sampled_from(["\x00", "\u200b", "\r\n", "\ufeff", "𠀀", "ñ", "張灣區", "٣", "Ⅻ", "①"]),
             max_size=50).map("".join),
    # lone surrogates: JSON can carry them, UTF-8 cannot (the compiled walk reads them as U+FFFD)
    st.lists(st.one_of(st.text(GENRE, max_size=8), st.sampled_from(["\ud800", "\udfff", "\udc00亿元"])),
             max_size=40).map("".join),
)


def check_records(text: str) -> None:
    cleaned = clean(text)
    assert isinstance(cleaned.text, str) and len(cleaned.simplified) == len(cleaned.text)
    for indicator in extract_indicators(cleaned):
        record = indicator_to_dict(indicator)
        assert set(record) == set(FIELDS)
        for name, types in FIELDS.items():
            assert isinstance(record[name], types), (name, record[name])
        assert 0 <= record["quote_start"] <= record["quote_end"] <= len(cleaned.text)
        assert cleaned.text[record["quote_start"] : record["quote_end"]] == record["quote"]
        assert all(isinstance(code, str) for code in record["subject_parent_codes"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_clean_and_extract_never_raise_and_emit_typed_records(text):
    check_records(text)


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.text(GENRE, min_size=200, max_size=400))
def test_huge_inputs(seed):
    check_records(seed * (1_000_000 // len(seed)))
