"""The indicator query: metric by id, name or any wording (both scripts), region levels, scope kind."""

from newsmon.index.search import indicator_query


def _filters(query: dict) -> list[dict]:
    return query["query"]["bool"]["filter"]


def test_metric_by_id_name_or_wording_in_either_script():
    for metric in ("gdp", "地区生产总值", "地區生產總值", "GDP"):
        assert {"term": {"metric_id": "gdp"}} in _filters(indicator_query(metric=metric)), metric


def test_an_unknown_wording_matches_as_written():
    assert {"term": {"metric": "某某指数"}} in _filters(indicator_query(metric="某某指数"))


def test_region_matches_the_figures_region_and_the_levels_above_it():
    (region,) = [f for f in _filters(indicator_query(region="420300", include_non_core=True))]
    fields = {next(iter(term["term"])) for term in region["bool"]["should"]}
    assert {"region_code", "city_code", "province_code"} <= fields
    assert all(term["term"][field] == "420300" for term in region["bool"]["should"] for field in term["term"])


def test_scope_kind_filters():
    assert {"term": {"scope_kind": "project"}} in _filters(indicator_query(scope_kind="project"))
