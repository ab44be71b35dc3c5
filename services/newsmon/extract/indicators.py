"""Economic indicators in an article: one record per figure (see shared/corpus/GUIDE.md).

How an article is read (pure functions, no I/O after the vocabularies are loaded):
1. Mask text whose digits are not quantities: periods, place names, short quoted slogans
   ("“4611”"), book titles, slogan expansions in parentheses, fixed phrases ("四大家").
2. Find every number with its unit and qualifier, and the growth ("同比增长5.3%") and rank
   ("排名全市第二") phrases; refuse names, codes, dates and ordinals.
3. Walk paragraphs, sentences and clauses in order, keeping the period and the subject in force:
   a period opening a paragraph governs the following paragraphs until a heading, one opening a
   sentence or clause governs the rest of its paragraph, one inside a clause only its "；" segment,
   and a date only its clause; the subject is the region, organisation or project in topic position.
4. One record per figure: a growth or rank clause without a metric of its own joins the figure
   before it; "A和B均…" gives one record per metric.

The rules' patterns and word lists are here; the walk that applies them (steps 1 to 4, metric
ids and "core" included) runs compiled, in `newsmon._native` (native/src, Rust): in Python it was
the slowest stage of enrichment. Finding the regions and dating periods stay in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import lru_cache
from importlib.resources import files

import yaml

from newsmon import _native
from newsmon.extract.meaning import add_meaning
from newsmon.extract.metrics import FALLBACK_METRIC_ID, metric_vocabulary
from newsmon.extract.numbers import CHINESE_NUMERAL_CHARS
from newsmon.extract.periods import (
    AS_OF_NOW_WORDS, BARE_YEAR_RE, PERIOD_FIRST_CHARS, PERIOD_PATTERN, PERIOD_RE, POINT_RE, resolve_period,
)
from newsmon.extract.regions import DEICTIC_RE, Region, RegionContext, find_regions, gazetteer
from newsmon.extract.units import unit_vocabulary
from newsmon.text.clean import CleanedText, Paragraph, clean, without_lone_surrogates


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator mention; fields as in GUIDE.md plus ids, codes, dates and quote offsets."""

    metric: str | None
    metric_id: str
    subject: str | None
    subject_code: str | None
    subject_parent_codes: tuple[str, ...]
    period: str | None
    period_start: str | None
    period_end: str | None
    value: float | None
    unit: str | None
    value_normalized: float | None
    unit_normalized: str | None
    growth_pct: float | None
    growth_basis: str | None
    rank: int | None
    rank_scope: str | None
    qualifier: str | None
    quote: str
    quote_start: int
    quote_end: int
    core: bool
    region_code: str | None
    region_name: str | None
    region_level: str | None
    scope_kind: str
    scope_name: str | None
    breakdown_of: str | None
    period_kind: str | None
    metric_name: str | None
    measure: str | None
    observation_key: str | None


_INDICATOR_FIELDS = tuple(spec.name for spec in fields(Indicator))


def indicator_to_dict(indicator: Indicator, doc: str | None = None) -> dict:
    """A plain, JSON-ready dict of the record (every key present, None where unknown).

    Fields are read directly: they are all scalars or a tuple of strings, so `asdict`'s deep
    copy would only cost time.
    """
    record = {name: getattr(indicator, name) for name in _INDICATOR_FIELDS}
    record["subject_parent_codes"] = list(indicator.subject_parent_codes)
    return {"doc": doc, **record} if doc is not None else record



# --- the rules: patterns and words, handed to the compiled walk ---------------------------------
# Names are those native/src/walk.rs and mentions.rs use. Each pattern matches as Python's `re`
# would (the regex crate's automata or PCRE2; tests/unit/extract/test_native_patterns.py).

_PRE_QUALIFIERS = {
    "高达": "达", "达到": "达", "达": "达", "将近": "近", "接近": "近", "近": "近", "大约": "约",
    "约": "约", "超过": "超", "超": "超", "突破": "突破", "逾": "逾", "不低于": "不低于",
    "不少于": "不少于", "不足": "不足",
}
_CJK_NUM = f"[{CHINESE_NUMERAL_CHARS.replace('万', '').replace('亿', '')}]{{1,12}}"
# Every alternative opens with a literal, so the engine skips to those characters in one scan.
_RANK_HINT_PATTERN = r"第[一二三四五六七八九十\d]|冠军|亚军|季军|首位|榜首"
_SPEECH_VERBS = ("说", "表示", "介绍", "指出", "强调", "认为", "透露")
_LEADING_WORDS_PATTERN = (
    r"(?:[“‘]|其中|同时|此外|另外|与此同时|总体来看|总的来看|截至目前|共计|合计|共|累计|力争|确保|预计|计划"
    r"|争取|全力|仅|在|截至|截止|到|于|已|还|将|并|也|均)+"
)
_PERIOD_LEAD_CHARS = "“‘仅在截到于"
_LEADING_FIRST_CHARS = "“‘其同此另与总截共合累力确预计争全仅在到于已还将并也均"
_DEICTIC_FIRST_CHARS = "全我本该此辖省市区县"
_ORG_SUFFIX_PATTERN = r"公司|集团|局|管委会|委|中心|银行"
_THIS_PROJECT_WORDS = ("该项目", "此项目", "这个项目", "这一项目")
# A clause without figures matters to the walk only through what it opens with (a period, an
# as-of-now word, a subject) or ends with (a speech verb). Leading adverbs, periods, as-of-now
# words, deictic and anaphoric subjects and "该项目" all start with one of these characters; the
# rest sit at a known period or region start, or are an organisation or project name.
_CONTEXT_FIRST_CHARS = frozenset(
    _PERIOD_LEAD_CHARS + _LEADING_FIRST_CHARS + _DEICTIC_FIRST_CHARS + "该本此这"
    + "".join(word[0] for word in AS_OF_NOW_WORDS)
)
_ANAPHORIC_ORG_PATTERN = r"(?:该|本)(局|公司|集团|中心|委)"
_METRIC_TRIM_RIGHT_WORDS = ("的", "为", "是", "达到", "达", "有", "约", "共", "共计", "合计", "分别", "均", "都", "等", "，", "、", "：")
_PRE_QUALIFIER_WORDS = ("高达", "达到", "将近", "接近", "大约", "超过", "突破", "不低于", "不少于", "近", "约", "超", "达")
# The guard admits every first character of the words: most wordings open with none of them.
_LEADING_CONTEXT_PATTERN = (
    rf"(?=[{PERIOD_FIRST_CHARS}，,其同此另目今力确预计全我该辖区市县已仅还将共均也])"
    rf"(?:{PERIOD_PATTERN}|[，,]|其中|同时|此外|另外|目前|今年以来|力争|确保|预计|计划|全区|全市|全县|我市|我区|我县|该区|该县|该市"
    r"|辖区内?|区内|市内|县内|已|仅|还|将|共|均|也)+"
)

_WALK_PATTERNS = {
    # masks: text whose digits are not quantities
    "short_quote": r"“[^“”\n]{1,12}”|‘[^‘’\n]{1,12}’|「[^「」\n]{1,12}」",
    "book_title": r"《[^《》\n]{0,60}》",
    "slogan_expansion": r"[”’][\u4e00-\u9fff]{0,4}(?P<paren>（[^（）\n]{0,80}）)",
    # opening with the digit itself (not a lookahead) lets the engine skip to digits in one scan
    "plus_code": r"\d(?<![\d+]\d)\d*+(?:\+\d++)+",
    # mentions: what may not stand right after a number; a score's head word
    "refuse_after": r"(?:[年月日号时岁+＋]|周年|以上的|以下的|及以上的|及以下的)",
    "score_after": r"的?(?:综合|总|考核|测评)?(?:得分|评分|分数|分值)",
    # growth: the verb right before a percentage (searched in the 14 characters before it)
    "growth_before": (
        r"(?P<basis>同比|环比|比上年同期|比去年同期|比上年|比去年|较上年同期|较去年同期|较上年|较去年|比上月|较上月)?"
        r"(?:分别|均|都|共|也)?"
        r"(?P<dir>增长|增加|提高|提升|上升|上涨|增速为|增速达|增速|增幅为|增幅达|增幅|降幅为|降幅|下降|减少"
        r"|回落|降低|下滑|下跌|增|降|减)(?P<to>至|到|为)?(?:了)?$"
    ),
    "basis": r"同比|环比|比上年|比去年|较上年|较去年|比上月|较上月",
    # ranks
    "rank": (
        r"(?:(?:排名|排位|排在|排|位居|位列|位于|居于|居|名列|列|跻身)(?P<scope>[^，。；：、第]{0,14}?)"
        r"|(?P<scope2>全国|全省|全市|全区|全县|全州))"
        r"第(?P<n>\d{1,3}|[一二三四五六七八九十]{1,3})(?:名|位)?"
        r"|(?:位居|居|排名|位列)(?P<scope3>[^，。；：、]{0,12}?)(?:首位|榜首)"
        r"|(?:蝉联|获得|夺得|荣获|摘得|勇夺|夺|获|拿下|斩获|问鼎)(?P<champion>冠军|亚军|季军)"
    ),
    "bare_rank": (
        r"(?P<noun>[\u4e00-\u9fff]{1,8}?(?:额|量|率|速度|值|数|规模|增速))第(?P<n>[一二三四五六七八九十]|\d{1,2})"
        r"(?=[：:，。；、”]|$)"
    ),
    "rank_hint": _RANK_HINT_PATTERN,
    "scope": r"全国|全省|全市|全区|全县|全州",
    "leading_verb": r"^(?:争|夺|创|当|拿|抢|保|比)",
    # clauses: every alternative of the first mark opens with a literal (one scan to the marks)
    "clause_end": r"(?:，|,|：|:|；|;|。|！|？|!|\?|……)(?:[，,：:；;。！？!?]|……)*[”’」』]*",
    "speech_clause": r"^[\u4e00-\u9fff、·]{2,24}(?:说|表示|介绍|指出|强调|认为|透露)$",
    "leading_words": _LEADING_WORDS_PATTERN,
    "period_lead": r"[“‘]?(?:仅|在|截至|截止|到|于)?",
    # subjects: organisations and projects in topic position; every such name ends in one of the
    # topic suffixes within 27 characters of its start
    "org_suffix": _ORG_SUFFIX_PATTERN,
    "topic_suffix": rf"{_ORG_SUFFIX_PATTERN}|项目",
    "topic_org": (
        r"(?:该|本|这个)?[\u4e00-\u9fff]{0,12}?(?:公司|集团|局|管委会|委员会|发改委|经信委|中心|银行)"
        r"(?=将|已|把|在|以|要|党组|党委|总经理|负责人|主任|局长|董事长|书记|相关|、|和|是|还|共|累计|今年|，|$)"
    ),
    "anaphoric_org": _ANAPHORIC_ORG_PATTERN,
    "project_topic": r"(?:[\u4e00-\u9fffA-Za-z“”]{4,24}?项目)(?=是|已|正在|总投资|计划总投资|将于|由|位于|建成|自|于20)",
    "project_after_amount": r"的([\u4e00-\u9fffA-Za-z0-9“”]{3,24}?(?:项目|工程))",
    "this_project": r"(?:该|此|这个|这一)项目",
    "generic_project": (
        r"^(?:续建|新建|新开工|在建|重点|重大|产业|签约|招商|亿元以上|工业|该|这个|一批|各类|政府投资|备案|省市|市级"
        r"|省级|各|所有|全部|这些|多个|[\d一二三四五六七八九十]+个)"
    ),
    # metric wordings
    "metric_trim_left": r"^(?:实现|完成|达到|达|有|为|是|以|共|共计|累计|其中|并|和|及|、|，)+",
    "metric_trim_right": f"(?:{'|'.join(_METRIC_TRIM_RIGHT_WORDS)})+$",
    "metric_split": r"和|与|及|、",
    "shared": r"[均都]",
    "growth_word_tail": r"(?:增长|增速|增幅|下降|提高|增加|减少)$",
    "post_cut": r"[、，。；：（）()]",
    "duration_lead": r"^(?:后|内|之内|以内|就|即|便|时间|后就)+",
    "score_head": r"(?:综合)?(?:得分|成绩|评分|分数)",
    "adverbial": r"在(.{2,20}?)(?:中|上|期间|里)$",
    "pre_qualifier_tail": f"(?:{'|'.join(_PRE_QUALIFIER_WORDS)})$",
    "leading_context": _LEADING_CONTEXT_PATTERN,
    "zone_after_name": r"经济技术开发区|经济开发区|经开区|开发区|高新区",
    "leading_zone": r"经开区|开发区|高新区",
    # shared with the other modules
    "period": PERIOD_RE.pattern,
    "point": POINT_RE.pattern,
    "bare_year": BARE_YEAR_RE.pattern,
    "deictic": DEICTIC_RE.pattern,
}

_WALK_WORDS = {
    "vague_years": ["今年", "本年", "新的一年", "全年", "明年"],
    "speech_verbs": list(_SPEECH_VERBS),
    "as_of_now": list(AS_OF_NOW_WORDS),
    "this_project": list(_THIS_PROJECT_WORDS),
    "metric_trim_right": list(_METRIC_TRIM_RIGHT_WORDS),
    "pre_qualifier_words": list(_PRE_QUALIFIER_WORDS),
    "generic_metrics": ["增速", "增幅", "位次", "排名", ""],
    # growth verbs that make a rate negative, unless "至/到/为" says the rate is the level reached
    "negative_directions": ["降", "减", "回落", "下滑", "下跌"],
    # a place right after these verbs is an object, not the subject ("位居全市…")
    "object_verbs": ["落户", "排名", "位居", "位列", "依托", "位于", "围绕"],
}
_WALK_CHARS = {
    "leading_first": _LEADING_FIRST_CHARS,
    "deictic_first": _DEICTIC_FIRST_CHARS,
    "period_lead": _PERIOD_LEAD_CHARS,
    "context_first": "".join(sorted(_CONTEXT_FIRST_CHARS)),
    # a place right after a preposition or verb is not the subject ("占全市比重", "在全市…中")
    "object_before": "占在居比向对赴与和同及从于至到列、",
    "chinese_numerals": CHINESE_NUMERAL_CHARS,
    # a number right after these is part of a name, code or ordinal ("前3", "每5", "+2")
    "refuse_before": "这那每逐前+＋.-－",
}


def mention_pattern() -> str:
    """A number with its qualifiers, magnitude and unit; most positions fail on the first check."""
    units = unit_vocabulary().pattern
    pre = "|".join(sorted(_PRE_QUALIFIERS, key=len, reverse=True))
    # The characters a mention can start with, checked first so that other positions fail fast.
    first = re.escape("".join(sorted({word[0] for word in _PRE_QUALIFIERS} | {"百"}))) + CHINESE_NUMERAL_CHARS
    return (
        rf"(?=[\d{first}])"
        rf"(?P<pre>{pre})?"
        rf"(?:百分之(?P<pct>\d+(?:\.\d+)?|{_CJK_NUM})"
        rf"|(?P<num>\d{{1,15}}(?:,\d{{3}}){{0,5}}(?:\.\d{{1,6}})?(?:/\d{{1,6}})?|{_CJK_NUM})"
        r"(?P<q1>余|多)?(?P<mag>万亿|千亿|百亿|亿|千万|百万|十万|万)?(?P<q2>余|多)?"
        rf"(?P<unit>{units})?(?P<post>及以上|及以下|以上|以下|左右|以内|之内|内)?)"
    )


def fixed_phrases_pattern() -> str:
    """Number-like fixed phrases no rule can tell from a quantity (data/refusals.yaml)."""
    raw = yaml.safe_load(files("newsmon.extract").joinpath("data/refusals.yaml").read_text("utf-8"))
    phrases = sorted(map(str, raw["fixed_phrases"]), key=len, reverse=True)
    return "|".join(map(re.escape, phrases))


@lru_cache(maxsize=1)
def _extractor() -> _native.Extractor:
    """The compiled walk with every pattern and vocabulary, built once on first use."""
    units = {text: (unit.normalized, unit.kind) for text, unit in unit_vocabulary().units.items()}
    patterns = {**_WALK_PATTERNS, "mention": mention_pattern(), "fixed_phrases": fixed_phrases_pattern()}
    metrics = metric_vocabulary()
    return _native.Extractor(
        patterns, units, _PRE_QUALIFIERS, _WALK_WORDS, _WALK_CHARS, sorted(gazetteer().matcher.names),
        (metrics.wording_re.pattern, metrics.id_by_wording, metrics.core_re.pattern, FALLBACK_METRIC_ID),
    )


# --- records -----------------------------------------------------------------------------------


def _region_rows(
    regions: RegionContext, context: Region | None
) -> tuple[list[tuple[int, int, int]], list[tuple], tuple[int | None, ...]]:
    """The article's regions as the walk takes them: mentions by row, the rows, and the rows for
    province, city, county and district words ("全省/市委/该县/我区…"), the context and the main."""
    rows: list[tuple] = []
    row_of: dict[int, int] = {}  # by id(): hashing a Region hashes all its fields

    def row(region: Region | None) -> int | None:
        if region is None:
            return None
        key = id(region)
        if key not in row_of:
            row_of[key] = len(rows)
            rows.append((region.name, region.code, region.parent_codes, region.chain))
        return row_of[key]

    mentions = [(start, end, row(region)) for start, end, region in regions.mentions]
    deictic = tuple(row(regions.resolve_deictic(word)) for word in ("全省", "全市", "全县", "全区"))
    return mentions, rows, (*deictic, row(context), row(regions.main or context))


def _period_dates(published: date | None):
    """period -> ISO first and last day (or Nones), for the walk, which asks once per period."""

    def dates(period: str) -> tuple[str | None, str | None]:
        start, end = resolve_period(period, published) or (None, None)
        return (start.isoformat() if start else None, end.isoformat() if end else None)

    return dates


def extract_indicators(
    cleaned: CleanedText | str,
    *,
    published_at: datetime | date | None = None,
    context_region: str | None = None,
    regions: RegionContext | None = None,
) -> list[Indicator]:
    """Every indicator in an article, in text order.

    `cleaned` is a `clean()` result (a plain string is cleaned first). Quote offsets index
    `cleaned.text`. `published_at` dates relative periods ("一季度"); `context_region` names the
    region the source covers (e.g. "十堰市"), used for "全市"/"我市" when the text names none.
    `regions` is `find_regions(cleaned.simplified)` when the caller needs it too (one scan).
    Never raises on any text.
    """
    return [
        Indicator(**{**record, "subject_parent_codes": tuple(record["subject_parent_codes"])})
        for record in _read(cleaned, published_at, context_region, regions)
    ]


def extract_indicator_dicts(
    cleaned: CleanedText | str,
    *,
    published_at: datetime | date | None = None,
    context_region: str | None = None,
    regions: RegionContext | None = None,
) -> list[dict]:
    """`extract_indicators` as `indicator_to_dict` records, for the worker, which needs only the
    dicts: building each frozen Indicator first cost more than the rest of its record."""
    return _read(cleaned, published_at, context_region, regions)


_DIGIT_OR_NUMERAL_RE = re.compile(rf"[\d{CHINESE_NUMERAL_CHARS}]")


def _read(
    cleaned: CleanedText | str,
    published_at: datetime | date | None,
    context_region: str | None,
    regions: RegionContext | None,
) -> list[dict]:
    """The Indicator fields of every indicator in the article (see extract_indicators), with
    subject_parent_codes a list."""
    if not isinstance(cleaned, CleanedText):
        cleaned = clean(cleaned)
    text = cleaned.simplified
    if not _DIGIT_OR_NUMERAL_RE.search(text):
        return []
    published = published_at.date() if isinstance(published_at, datetime) else published_at
    if regions is None:
        regions = find_regions(text)
    context = None
    if context_region:
        candidates = gazetteer().by_name.get(context_region)
        context = candidates[0] if candidates else None
    paragraphs = cleaned.paragraphs or [Paragraph(text, "body", 0, len(text))]
    mentions, rows, deictic = _region_rows(regions, context)
    spans = [(p.start, p.end, p.kind == "body") for p in paragraphs]
    try:
        found = _extractor().read(text, cleaned.text, spans, mentions, rows, deictic, _period_dates(published))
    except UnicodeEncodeError:
        # A lone surrogate ("\ud800", from JSON) is not text and has no UTF-8 form: the walk reads
        # it as U+FFFD, which keeps every offset (the worker refuses such records before this).
        safe = without_lone_surrogates(text)
        found = _extractor().read(safe, safe, spans, mentions, rows, deictic, _period_dates(published))
        for record in found:
            record["quote"] = cleaned.text[record["quote_start"] : record["quote_end"]]
    return add_meaning(found, text, cleaned.text, [start for start, _, _ in spans], published, regions, context)
