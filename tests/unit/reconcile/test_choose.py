"""The choice rule, report by report: authority, reprints, revisions, conflicts, idempotence."""

from __future__ import annotations

import itertools
from typing import Any

from newsmon.reconcile.choose import apply, authority_rank
from tests.unit.reconcile.factory import BUREAU, GOVERNMENT, NEWSPAPER, PORTAL, indicator

NOW = "2026-12-02T05:00:00+00:00"


def fold(reports: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, list[str | None]]:
    observation, changes = None, []
    for record in reports:
        key = record["observation_key"]
        observation, change = apply(observation, record, key, extractor_version="1", now=NOW)
        changes.append(change)
    return observation, changes


def four_reports() -> list[dict[str, Any]]:
    official = indicator("bureau-q1", value=147.0, unit="亿元", authority=BUREAU, published_at="2023-04-18T10:00:00+08:00",
                         source_id="shiyan-stats", quote="张湾区一季度实现地区生产总值147亿元，同比增长5.3%")
    paper = indicator("paper-q1", value=1470000.0, unit="万元", authority=NEWSPAPER, published_at="2023-04-19T08:00:00+08:00",
                      quote="一季度，张湾区GDP达到1470000万元，比上年同期增长5.3%")
    reposts = [
        indicator(f"repost-{i}", value=1470000.0, unit="万元", authority=PORTAL, duplicate_of=paper["article_id"],
                  published_at=f"2023-04-19T1{i}:00:00+08:00", source_id=f"portal-{i}")
        for i in (1, 2)
    ]
    return [official, paper, *reposts]


def test_four_reports_of_one_figure_make_one_observation_with_four_sources() -> None:
    reports = four_reports()
    assert len({r["observation_key"] for r in reports}) == 1
    observation, changes = fold(reports)
    assert changes == ["new", "source", "source", "source"]
    assert observation["value_normalized"] == 147e8 and observation["growth_pct"] == 5.3
    assert observation["unit_normalized"] == "CNY" and observation["measure"] == "level"
    assert observation["decided_by"] == reports[0]["article_id"] and observation["authority"] == BUREAU
    assert observation["source_count"] == 4 and observation["conflicts"] == []
    reprints = [s for s in observation["sources"] if s["duplicate_of"]]
    assert sorted(s["article_id"] for s in reprints) == sorted(r["article_id"] for r in reports[2:])


def test_arrival_order_does_not_change_the_observation() -> None:
    reports = four_reports() + [indicator("portal-typo", value=174.0, authority=PORTAL, published_at="2023-04-21T08:00:00+08:00")]
    results = set()
    for order in itertools.permutations(reports):
        observation, _ = fold(list(order))
        results.add((observation["value_normalized"], observation["decided_by"], repr(observation["conflicts"]),
                     repr(observation["sources"])))
    assert len(results) == 1


def test_the_highest_authority_decides_even_when_it_reports_later() -> None:
    paper = indicator("paper", value=146.0, authority=NEWSPAPER, published_at="2023-04-18T08:00:00+08:00")
    bureau = indicator("bureau", value=147.0, authority=BUREAU, published_at="2023-04-20T08:00:00+08:00")
    observation, changes = fold([paper, bureau])
    assert changes == ["new", "revised"]
    assert observation["value_normalized"] == 147e8 and observation["decided_by"] == bureau["article_id"]
    assert observation["conflicts"] == [{"value_normalized": 146e8, "growth_pct": 5.3, "rank": None,
                                         "status": "superseded", "sources": [paper["article_id"]]}]


def test_a_lower_authority_with_another_figure_is_a_conflict_to_review() -> None:
    bureau = indicator("bureau", value=147.0, authority=BUREAU, published_at="2023-04-18T08:00:00+08:00")
    portal = indicator("portal", value=174.0, authority=PORTAL, published_at="2023-04-19T08:00:00+08:00")
    observation, changes = fold([bureau, portal])
    assert changes == ["new", "conflict"]
    assert observation["value_normalized"] == 147e8
    assert [(c["value_normalized"], c["status"], c["sources"]) for c in observation["conflicts"]] == [
        (174e8, "review", [portal["article_id"]])]


def test_a_later_revision_by_the_same_bureau_supersedes_its_value() -> None:
    first = indicator("bureau-1", value=147.0, authority=BUREAU, published_at="2023-04-18T08:00:00+08:00")
    paper = indicator("paper", value=147.0, authority=NEWSPAPER, published_at="2023-04-19T08:00:00+08:00")
    revised = indicator("bureau-2", value=148.2, growth=5.6, authority=BUREAU, published_at="2023-07-18T08:00:00+08:00")
    observation, changes = fold([first, paper, revised])
    assert changes == ["new", "source", "revised"]
    assert (observation["value_normalized"], observation["growth_pct"]) == (148.2e8, 5.6)
    assert observation["decided_by"] == revised["article_id"]
    assert [(c["value_normalized"], c["status"], c["sources"]) for c in observation["conflicts"]] == [
        (147e8, "superseded", [first["article_id"]])]


def test_a_reprint_never_decides_nor_makes_a_conflict() -> None:
    paper = indicator("paper", value=147.0, authority=NEWSPAPER)
    typo = indicator("repost", value=174.0, authority=GOVERNMENT, duplicate_of=paper["article_id"],
                     published_at="2023-04-21T08:00:00+08:00")
    observation, changes = fold([paper, typo])
    assert changes == ["new", "source"]
    assert observation["value_normalized"] == 147e8 and observation["conflicts"] == []
    only_reprint, _ = fold([typo])
    assert only_reprint["decided_by"] is None and only_reprint["value_normalized"] == 174e8


def test_a_redelivered_report_changes_nothing_and_emits_nothing() -> None:
    reports = four_reports()
    observation, _ = fold(reports)
    again, change = apply(observation, reports[1], reports[1]["observation_key"], extractor_version="1", now="later")
    assert change is None and again is observation


def test_a_reextracted_report_replaces_its_own_entry() -> None:
    bureau = indicator("bureau", value=147.0, authority=BUREAU)
    observation, _ = fold([bureau])
    fixed = {**bureau, "growth_pct": 5.4}
    observation, change = apply(observation, fixed, bureau["observation_key"], extractor_version="2", now=NOW)
    assert change == "revised" and observation["source_count"] == 1 and observation["growth_pct"] == 5.4


def test_a_growth_only_report_fills_the_growth_of_an_agreeing_level() -> None:
    bureau = indicator("bureau", value=147.0, growth=None, authority=BUREAU)
    paper = indicator("paper", value=147.0, growth=5.3, authority=NEWSPAPER)
    observation, _ = fold([bureau, paper])
    assert observation["growth_pct"] == 5.3 and observation["decided_by"] == bureau["article_id"]


def test_authority_order() -> None:
    assert [authority_rank(a) for a in (BUREAU, GOVERNMENT, NEWSPAPER, PORTAL, "other", None)] == [0, 1, 2, 3, 4, 4]
