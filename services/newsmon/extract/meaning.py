"""What each figure is about and when: scope, region, breakdowns, period kind and dates (GUIDE v2).

The compiled walk (extract/indicators.py) finds the figures with their metric wording, the subject
in topic position and the period in force. This module reads its records again against the
article's structure and decides what the version-2 fields say. The rules, in order:

1. Shared clauses. "A和B增速均居全市第一" gives one record per metric; "A、B分别增长x%、y%"
   gives each metric its own rate; "两项指标均位列全市第三" lends its rank to the figures before it.
2. Scope, by the word a name ends with (data/meaning.yaml `scope_suffixes`): the walk's subject
   when it is not a region ("…产业园项目" -> project, "…公司" -> enterprise, a zone -> park), else a
   name heading the metric phrase ("化工领域签约项目" -> sector 化工领域, metric 签约项目).
3. Breakdowns. A scoped figure without a metric of its own ("分行业看，纺织业下降2.0%"), or under
   an enumeration opener with its total's metric ("其中，化工领域协议金额…"), breaks down the
   region's figure before it: it takes that figure's metric and `breakdown_of` names it.
4. Region: the subject's division; for other scopes a division named inside the scope's name,
   else the region in force (that of the last region-wide figure), else the source's region.
5. Period. A period right after a comparison word ("较一季度提高") is a base, not the figure's
   period: the figure keeps the period in force. Plans and capacities (计划, 达产后, 年产) are
   "plan" and are dated only by a period of their own clause; stocks (余额, 市场主体) are "point",
   dated at the end of their period; year-to-date spans ("1-6月", "今年以来", "截至6月底") are
   "cumulative"; other spans are "period".

Pure functions over plain dicts; never raises on any text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files
import yaml

from newsmon.extract.metrics import (
    FALLBACK_METRIC_ID, metric_id as metric_id_of, metric_name, metric_taxonomy, metric_vocabulary,
)
from newsmon.extract.numbers import parse_number
from newsmon.extract.periods import PERIOD_RE, resolve_period
from newsmon.extract.regions import Region, RegionContext, find_regions, gazetteer
from newsmon.reconcile.keys import measure_of, observation_key

_TEXT_YEAR_RE = re.compile(r"((?:19|20)\d{2})年")
_SENTENCE_END = "。！？!?；;\n"
_CLAUSE_END = _SENTENCE_END + "，,：:"
_LIST_SPLIT_RE = re.compile(r"[、和及与]|以及")
_RATE_TAIL_RE = re.compile(r"(?:的)?(?:增速|增幅|增长率|降幅)$")
_CUMULATIVE_RE = re.compile(r"(?:^|年)(?:1|一|元)\s*[-—–－~～至到]\s*(?:\d{1,2}|[二三四五六七八九十]{1,2})月|以来|前[二三]季度|^(?:截至|截止|到)")
_MONTH_END_RE = re.compile(r"月(?:底|末)$|年(?:底|末)$|^(?:年底|年末)$")
_SHARED_WORDS_RE = re.compile(r"[均都]")
_RESPECTIVELY = "分别"
# A metric phrase that is only the base of a rate ("比年初", "较上年末"): the rate is the figure's.
_BASE_ONLY_RE = re.compile(r"^(?:比|较)(?:年初|上年末|去年末|上年底|去年底|上月末|上年同期|去年同期|上年|去年|上月)$")
# Metric phrases that only carry the clause's verb or comparison, not a measured thing.
_METRIC_TAIL_RE = re.compile(r"(?:可达|可|将|达|为|是|共|有)+$")
_METRIC_HEAD_RE = re.compile(r"^(?:达产后|投产后|建成后|满产后|产后|预计|计划|力争|争取|全年|实现|完成)+")


@dataclass(frozen=True, slots=True)
class _Words:
    suffixes: dict[str, tuple[tuple[str, str], ...]]  # last character -> (suffix, kind), longest first
    sector_heads: tuple[str, ...]
    not_scope_names: frozenset[str]
    opener_re: re.Pattern[str]
    plan_re: re.Pattern[str]
    capacity_re: re.Pattern[str]
    stock_re: re.Pattern[str]
    comparison_re: re.Pattern[str]
    shared_rank_re: re.Pattern[str]
    name_lead_re: re.Pattern[str]
    generic_metrics: frozenset[str]


def _alternation(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(map(str, words), key=len, reverse=True)))


@lru_cache(maxsize=1)
def _words() -> _Words:
    raw = yaml.safe_load(files("newsmon.extract").joinpath("data/meaning.yaml").read_text("utf-8"))
    suffixes: dict[str, list[tuple[str, str]]] = {}
    for kind, words in raw["scope_suffixes"].items():
        for suffix in map(str, words):
            suffixes.setdefault(suffix[-1], []).append((suffix, kind))
    return _Words(
        suffixes={last: tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)) for last, pairs in suffixes.items()},
        sector_heads=tuple(map(str, raw["sector_heads"])),
        not_scope_names=frozenset(map(str, raw["not_scope_names"])),
        opener_re=re.compile(_alternation(raw["enumeration_openers"])),
        plan_re=re.compile(_alternation(raw["plan_words"])),
        capacity_re=re.compile(_alternation(raw["capacity_words"])),
        stock_re=re.compile(_alternation(raw["stock_words"])),
        comparison_re=re.compile(f"(?:{_alternation(raw['comparison_words'])})$"),
        generic_metrics=frozenset(map(str, raw["generic_metrics"])),
        name_lead_re=re.compile(f"(?:{_alternation(raw['name_lead_words'])})"),
        shared_rank_re=re.compile(rf"^(?P<n>[两二三四五六七八九十\d]+)(?:{_alternation(raw['shared_rank_words'])})"),
    )


# --- names -------------------------------------------------------------------------------------


# Scopes that are names of things (a project, a park, an enterprise, a team) rather than groupings.
# A duration ("26天后开工") measures a process, not a period's flow: it inherits no period.
_DURATION_UNITS = frozenset({"天", "小时", "个工作日", "个月", "分钟", "周"})
_VERB_ONLY_RE = re.compile(
    r"^(?:较|比|同比|环比)?(?:去年同期|上年同期|上年|去年|上月|年初)?(?:增加|减少|提高|提升|下降|回落|跃升至|升至|降至|增长|加快|放缓|收窄|扩大)$"
)
_SIZE_CLASS_RE = re.compile(r"^(?:总投资|投资)?(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千]+)?[万亿]?元(?:及)?以上(?:的)?[\u4e00-\u9fff]{0,4}(?:项目|企业)$")
_PRODUCT_TAILS = ("产量",)
_NAMED_KINDS = frozenset({"project", "park", "enterprise", "team"})
_ENTITY_COUNT_RE = re.compile(r"(?:企业|项目|公司|园区)$")
_INHERITED_KINDS = frozenset({"project", "park", "enterprise", "sector", "industry", "other"})
_GROUPING_SUFFIXES = ("行业", "产业", "领域", "板块", "集群", "产业链")


def scope_kind_of_name(name: str) -> str | None:
    """The scope kind a name's last word says ("…项目" project, "纺织业" industry), or None."""
    words = _words()
    if not name or name in words.not_scope_names:
        return None
    for suffix, kind in words.suffixes.get(name[-1], ()):
        # a one-character suffix ("业") needs two characters before it: "工业" is no industry name
        if name.endswith(suffix) and len(name) - len(suffix) >= (2 if len(suffix) == 1 else 1):
            if kind == "industry" and suffix == "产业" and name.startswith(words.sector_heads):
                return "sector"
            return kind
    return None


def _short_industry(name: str) -> str | None:
    """"农业", "渔业": a one-character branch name, taken only before a generic measure."""
    return "industry" if len(name) == 2 and name.endswith("业") and name not in _words().not_scope_names else None


# What a branch's own share in a total is measured as ("…增加值占地区生产总值的比重", "…对经济增长的贡献率").
_BRANCH_MEASURE_RE = re.compile(r"^(?:增加值|产值)?(?:占|对)[\u4e00-\u9fff]{2,12}(?:比重|贡献率|比例)")


def _wording_end_at_start(phrase: str) -> int:
    """Where the longest metric wording opening `phrase` ends (0 when none opens it)."""
    match = metric_vocabulary().wording_re.match(phrase)
    return match.end() if match else 0


def split_scope(phrase: str | None) -> tuple[str, str, str] | None:
    """A scope name heading a metric phrase: (kind, name, rest). "化工领域签约项目" ->
    ("sector", "化工领域", "签约项目"); "电力行业" -> ("industry", "电力行业", ""). None when the
    phrase opens with a metric wording or names no scope."""
    if not phrase:
        return None
    words = _words()
    if words.name_lead_re.match(phrase):
        return None
    if _SIZE_CLASS_RE.match(phrase):
        return "other", phrase, ""  # "10亿元以上项目": a class of projects
    covered = _wording_end_at_start(phrase)
    if phrase.endswith(_PRODUCT_TAILS) and covered < len(phrase) and len(phrase) > 3:
        name = phrase[: -2]
        if name not in words.not_scope_names and not _wording_end_at_start(name):
            return "other", name, phrase[-2:]  # "服装产量": a product
    for end in range(2, len(phrase) + 1):
        name = phrase[:end]
        rest = phrase[end:].lstrip("的")
        kind = scope_kind_of_name(name) or (_short_industry(name) if rest in words.generic_metrics else None)
        if kind is None:
            continue
        if kind in ("industry", "sector") and (rest in words.generic_metrics or _BRANCH_MEASURE_RE.match(rest)):
            return kind, name, rest  # "第一产业增加值", "农业产值", "工业对经济增长的贡献率": a branch
        if end <= covered:
            continue
        if rest and not _wording_end_at_start(rest):
            continue
        if kind in _NAMED_KINDS and (not rest or _ENTITY_COUNT_RE.search(rest)):
            continue  # "签约项目", "拜访企业": the metric counts them; no name is given
        if kind == "industry" and rest and not name.endswith(_GROUPING_SUFFIXES):
            continue  # "…业" before a metric is too often part of the wording ("容纳工业企业")
        return kind, name, rest
    return None


# --- regions -----------------------------------------------------------------------------------


def region_level(code: str | None) -> str | None:
    """Administrative level of a 6-digit division code."""
    if not code:
        return None
    if code == "100000":
        return "country"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county" if len(code) == 6 else "town"


@lru_cache(maxsize=4096)
def _region_named_in(name: str) -> str | None:
    """The most specific division named inside a scope's name ("房县…产业园项目" -> 420325)."""
    best: tuple[int, str] | None = None
    for _, _, region in find_regions(name).mentions:
        code = region.code or (region.parent_codes[-1] if region.parent_codes else None)
        if code and (best is None or len(region.chain) > best[0]):
            best = (len(region.chain), code)
    return best[1] if best else None


# --- text structure ----------------------------------------------------------------------------


# How far back the context of a figure is read: a sentence, a clause or a period in force
# further away than this is not its context (and the pass stays linear on any text).
_REACH = 600


def _start_after(text: str, position: int, limit: int, marks: str) -> int:
    """The first offset after the last of `marks` before `position` (not before `limit`, nor
    further back than _REACH)."""
    limit = max(limit, position - _REACH)
    return max(limit, *(text.rfind(mark, limit, position) + 1 for mark in marks))


@dataclass(slots=True)
class _Place:
    """Where a record sits: its paragraph and sentence starts, and its clause's start."""

    paragraph: int
    sentence: int
    clause: int


def _place(text: str, paragraph_starts: list[int], start: int) -> _Place:
    at = bisect_right(paragraph_starts, start)
    paragraph = paragraph_starts[at - 1] if at else 0
    return _Place(
        paragraph=paragraph,
        sentence=_start_after(text, start, paragraph, _SENTENCE_END),
        clause=_start_after(text, start, paragraph, _CLAUSE_END),
    )


def _total_for(record: dict, totals: list[dict]) -> dict | None:
    """The region-wide figure `record` may break down: the newest flow (a metric that adds up, or
    one outside the taxonomy) measured in the same unit family, else the newest flow."""
    taxonomy = metric_taxonomy()
    flows = [
        t for t in totals
        if t["metric_id"] == FALLBACK_METRIC_ID or (t["metric_id"] in taxonomy and taxonomy[t["metric_id"]].additive)
    ]
    unit = record.get("unit_normalized") if record.get("value") is not None else None
    same_unit = [t for t in flows if unit is None or t.get("unit_normalized") == unit]
    return (same_unit or flows or [None])[-1]


def _names_subject(clause: str, subject: str | None) -> bool:
    """True when the clause names its subject itself (a region name or "全县/我区…")."""
    return bool(subject and subject in clause) or bool(_DEICTIC_IN_CLAUSE_RE.search(clause))


_DEICTIC_IN_CLAUSE_RE = re.compile(r"[全我本该][省市区县]")


# --- 1. shared clauses -------------------------------------------------------------------------


def _metric_parts(metric: str | None) -> list[str]:
    """"规上工业增加值和固定资产投资增速" -> ["规上工业增加值", "固定资产投资"]: two or more
    parts that each name a metric, else []."""
    if not metric or not _LIST_SPLIT_RE.search(metric):
        return []
    parts = [_RATE_TAIL_RE.sub("", part).strip() for part in _LIST_SPLIT_RE.split(_RATE_TAIL_RE.sub("", metric))]
    parts = [part for part in parts if part]
    if len(parts) < 2 or not all(_wording_end_at_start(part) or split_scope(part) for part in parts):
        return []
    return parts


def _split_shared(records: list[dict], text: str) -> list[dict]:
    """Step 1: one record per metric of a shared clause, and shared ranks lent to their figures."""
    words = _words()
    out: list[dict] = []
    index = 0
    while index < len(records):
        record = records[index]
        group = [record]
        while index + len(group) < len(records) and records[index + len(group)]["quote_start"] == record["quote_start"]:
            group.append(records[index + len(group)])
        index += len(group)
        shared_rank = words.shared_rank_re.match(record["quote"])
        if len(group) == 1 and shared_rank and record.get("rank") is not None and record.get("growth_pct") is None:
            count = int(parse_number(shared_rank.group("n")) or 0)
            sentence = _start_after(text, record["quote_start"], 0, "。！？!?\n")
            earlier = [r for r in out if r["quote_start"] >= sentence and r.get("rank") is None][-count:]
            if count >= 2 and len(earlier) == count:
                for figure in earlier:
                    figure["rank"], figure["rank_scope"] = record["rank"], record.get("rank_scope")
                continue
        parts = _metric_parts(record.get("metric"))
        if (
            len(group) == 1 and out and record.get("value") is None and record.get("growth_pct") is not None
            and _BASE_ONLY_RE.match(record.get("metric") or "") and out[-1].get("growth_pct") is None
            and out[-1].get("value") is not None and out[-1]["quote_end"] < record["quote_start"]
            and text.find("。", out[-1]["quote_end"], record["quote_start"]) < 0
        ):
            # "余额320.5亿元，比年初增长8.9%": the rate of the figure before, against another base
            out[-1].update(
                growth_pct=record["growth_pct"], growth_basis=record.get("growth_basis"),
                quote_end=record["quote_end"], quote=text[out[-1]["quote_start"] : record["quote_end"]],
            )
            continue
        if parts and len(group) == 1 and _SHARED_WORDS_RE.search(record["quote"]) and record.get("value") is None:
            out.extend({**record, "metric": part, "metric_id": metric_id_of(part)} for part in parts)
            continue
        if len(group) > 1 and _RESPECTIVELY in record["quote"]:
            # "A、B分别增长x%、y%": the rates after the first are rates too, each of its own metric
            as_growth = record.get("growth_pct") is not None and record.get("value") is None
            names = parts if len(parts) == len(group) else [None] * len(group)
            for part, member in zip(names, group, strict=True):
                if part is not None:
                    member = {**member, "metric": part, "metric_id": metric_id_of(part)}
                if as_growth and member.get("growth_pct") is None and member.get("unit_normalized") == "percent":
                    member.update(
                        growth_pct=member["value"], growth_basis=record.get("growth_basis"),
                        value=None, unit=None, value_normalized=None, unit_normalized=None,
                    )
                out.append(member)
            continue
        out.extend(group)
    return out


# --- 5. periods --------------------------------------------------------------------------------


def period_kind(period: str | None, metric: str | None, clause: str) -> str | None:
    """"plan", "point", "cumulative", "period" or None (see the module's step 5)."""
    words = _words()
    if words.plan_re.search(clause) or words.capacity_re.search(clause):
        return "plan"
    if metric and words.stock_re.search(metric):
        return "point"
    if not period:
        return None
    if _CUMULATIVE_RE.search(period) or (_MONTH_END_RE.search(period) and re.search(r"截至|截止|到", clause)):
        return "cumulative"
    if _MONTH_END_RE.search(period):
        return "point"
    return "period"


def _dates(period: str | None, kind: str | None, published: date | None) -> tuple[str | None, str | None]:
    start, end = resolve_period(period, published) if period else (None, None)
    if kind == "point":
        start = end
    elif kind == "cumulative" and end is not None:
        start = date(end.year, 1, 1) if start is None or _MONTH_END_RE.search(period or "") else start
    return (start.isoformat() if start else None, end.isoformat() if end else None)


def _period_in_force(text: str, start: int, position: int) -> str | None:
    """The last period named between `start` and `position` that is not a comparison base."""
    comparison = _words().comparison_re
    found = None
    for match in PERIOD_RE.finditer(text, max(start, position - _REACH), position):
        if not comparison.search(text[max(start, match.start() - 3) : match.start()]):
            found = match.group()
    return found


def reference_date(text: str, published: date | None) -> date | None:
    """What dates relative periods: the publication date, else the last day of the first year the
    text names ("2022年湘潭县国民经济和社会发展统计公报" -> 2022-12-31)."""
    if published is not None:
        return published
    year = _TEXT_YEAR_RE.search(text)
    return date(int(year.group(1)), 12, 31) if year else None


def _borrowed_period(record: dict, text: str) -> bool:
    """True when the walk's period is not the figure's: named only after the figure (the walk
    spreads a clause's period over its segment), or named last as a comparison base ("较一季度")."""
    period = record.get("period")
    if not period:
        return False
    at = text.rfind(period, max(0, record["quote_start"] - _REACH), record["quote_end"])
    return at < 0 or bool(_words().comparison_re.search(text[max(0, at - 3) : at]))


# --- the pass ----------------------------------------------------------------------------------


def _tidy_metric(metric: str | None) -> str | None:
    if not metric:
        return metric
    tidy = _METRIC_TAIL_RE.sub("", _METRIC_HEAD_RE.sub("", metric))
    return tidy or metric


def add_meaning(
    records: list[dict],
    text: str,
    original: str,
    paragraph_starts: list[int],
    published: date | None,
    regions: RegionContext,
    context: Region | None,
) -> list[dict]:
    """The walk's records with the version-2 fields set, in text order (see the module doc).

    `text` is the Simplified text the rules read, `original` the article in its own script (the
    same offsets): the words a record quotes (metric, subject, scope, period) come from it.
    `context` is the source's region.
    """
    gaz = gazetteer()
    published = reference_date(text, published)
    records = _split_shared(records, text)
    fallback = context or regions.main
    region_in_force = fallback.code if fallback and fallback.code else (fallback.parent_codes[-1] if fallback and fallback.parent_codes else None)
    totals: list[dict] = []  # region-wide figures that later ones may break down, newest last
    previous: dict | None = None
    sentence, sentence_scope = -1, None
    for record in records:
        where = _place(text, paragraph_starts, record["quote_start"])
        clause = text[where.clause : record["quote_end"]]
        record["metric"] = _tidy_metric(record.get("metric"))

        # 2. scope
        subject, subject_code = record.get("subject"), record.get("subject_code")
        scope_kind, scope_name, region_code = "region", None, subject_code
        if where.sentence != sentence:
            sentence, sentence_scope = where.sentence, None
        named = subject and not subject_code and scope_kind_of_name(subject)
        if named:
            scope_kind, scope_name = named, subject
            if record.get("subject_parent_codes"):
                region_code = record["subject_parent_codes"][-1]
        elif split := split_scope(record.get("metric")):
            scope_kind, scope_name, rest = split
            record["metric"] = rest or None
            record["metric_id"] = metric_id_of(rest) if rest else FALLBACK_METRIC_ID
        elif sentence_scope and sentence_scope[0] in _INHERITED_KINDS and not _names_subject(clause, subject):
            # "化工领域签约项目6个，协议金额42亿元": the sentence's scope goes on
            scope_kind, scope_name = sentence_scope
        if scope_kind != "region":
            sentence_scope = (scope_kind, scope_name)
        elif _names_subject(clause, subject):
            sentence_scope = None
            metric = record.get("metric") or ""
            if scope_name and metric.startswith(scope_name) and len(metric) > len(scope_name):
                record["metric"] = metric[len(scope_name) :]

        # 3. breakdowns
        breakdown_of = None
        if _VERB_ONLY_RE.match(record.get("metric") or "") and previous is not None and previous["_sentence"] == where.sentence:
            # "跃升至88.3%", "较去年同期增加1008家": the figure before's metric, measured again
            record["metric"], record["metric_id"] = previous["metric"], previous["metric_id"]
        total = _total_for(record, totals)
        if scope_kind == "region" and not record.get("metric") and total is not None and record.get("value") is not None:
            # "福州市75个，厦门市9个": the total's metric, region by region
            record["metric"], record["metric_id"] = total["metric"], total["metric_id"]
        if scope_kind != "region" and total is not None:
            between = text[total["quote_end"] : record["quote_start"]]
            enumerated = _words().opener_re.search(between) or _words().opener_re.search(text[where.sentence : record["quote_start"]])
            if not record.get("metric") or record["metric"] in _words().generic_metrics:
                breakdown_of = total["metric"]
                record["metric"], record["metric_id"] = total["metric"], total["metric_id"]
            elif enumerated and record["metric_id"] == total["metric_id"] != FALLBACK_METRIC_ID:
                breakdown_of = total["metric"]
        if scope_kind != "region":
            record["subject"] = scope_name

        # 4. region
        if scope_kind != "region":
            region_code = _region_named_in(scope_name or "") or region_code or region_in_force
        elif region_code:
            region_in_force = region_code
        else:
            region_code = region_in_force

        # 5. period
        inherits = not record.get("period") and record.get("unit_normalized") not in _DURATION_UNITS
        if inherits or _borrowed_period(record, text):
            record["period"] = _period_in_force(text, where.paragraph, record["quote_start"]) or (
                previous.get("period") if previous is not None and previous["_paragraph"] == where.paragraph else None
            )
        kind = period_kind(record.get("period"), record.get("metric"), clause)
        own_period = bool(record.get("period")) and record["period"] in clause
        if kind == "plan" and not own_period and _words().capacity_re.search(clause):
            record["period"] = None  # a capacity ("达产后年产值…") holds for no period of the text
        start, end = _dates(record.get("period"), kind, published)

        region = gaz.by_code.get(region_code) if region_code else None
        record.update(
            region_code=region_code,
            region_name=region.name if region else ("全国" if region_code == "100000" else None),
            region_level=region_level(region_code),
            scope_kind=scope_kind,
            scope_name=scope_name,
            breakdown_of=breakdown_of,
            period_kind=kind,
            period_start=start,
            period_end=end,
            metric_name=metric_name(record["metric_id"]),
            measure=measure_of(record),
        )
        record["observation_key"] = observation_key(record)
        record["_paragraph"], record["_sentence"] = where.paragraph, where.sentence
        if scope_kind == "region" and record.get("metric"):
            totals = [*totals[-7:], record]
        previous = record
    for record in records:
        del record["_paragraph"], record["_sentence"]
        if original != text:
            for field in _QUOTED_FIELDS:
                record[field] = _in_script(record.get(field), text, original, record["quote_end"])
    return records


_QUOTED_FIELDS = ("metric", "subject", "scope_name", "breakdown_of", "period", "rank_scope")


def _in_script(phrase: str | None, text: str, original: str, near: int) -> str | None:
    """`phrase` of the Simplified text as the article writes it (Traditional stays Traditional):
    the occurrence nearest before `near` (within _REACH), else as it is."""
    if not phrase:
        return phrase
    at = text.rfind(phrase, max(0, near - _REACH), near + len(phrase))
    return original[at : at + len(phrase)] if at >= 0 else phrase

