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
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import lru_cache
from importlib.resources import files

import yaml

from newsmon.extract.metrics import is_economic, metric_id
from newsmon.extract.numbers import CHINESE_NUMERAL_CHARS, parse_magnitude, parse_number
from newsmon.extract.periods import (
    AS_OF_NOW_WORDS, PERIOD_FIRST_CHARS, PERIOD_PATTERN, PERIOD_RE, is_bare_year, is_point, resolve_period,
)
from newsmon.extract.regions import DEICTIC_RE, Region, RegionContext, find_regions, gazetteer
from newsmon.extract.units import Unit, unit_vocabulary
from newsmon.text.clean import CleanedText, Paragraph, clean


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


_INDICATOR_FIELDS = tuple(spec.name for spec in fields(Indicator))


def indicator_to_dict(indicator: Indicator, doc: str | None = None) -> dict:
    """A plain, JSON-ready dict of the record (every key present, None where unknown).

    Fields are read directly: they are all scalars or a tuple of strings, so `asdict`'s deep
    copy would only cost time.
    """
    record = {name: getattr(indicator, name) for name in _INDICATOR_FIELDS}
    record["subject_parent_codes"] = list(indicator.subject_parent_codes)
    return {"doc": doc, **record} if doc is not None else record


# --- vocabularies and patterns, built once on first use ---------------------------------------

_PRE_QUALIFIERS = {
    "高达": "达", "达到": "达", "达": "达", "将近": "近", "接近": "近", "近": "近", "大约": "约",
    "约": "约", "超过": "超", "超": "超", "突破": "突破", "逾": "逾", "不低于": "不低于",
    "不少于": "不少于", "不足": "不足",
}
_CJK_NUM = f"[{CHINESE_NUMERAL_CHARS.replace('万', '').replace('亿', '')}]{{1,12}}"


@dataclass(frozen=True, slots=True)
class _Patterns:
    mention: re.Pattern[str]
    fixed_phrases: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    units = unit_vocabulary().pattern
    pre = "|".join(sorted(_PRE_QUALIFIERS, key=len, reverse=True))
    # The characters a mention can start with, checked first so that other positions fail fast.
    first = re.escape("".join(sorted({word[0] for word in _PRE_QUALIFIERS} | {"百"}))) + CHINESE_NUMERAL_CHARS
    mention = re.compile(
        rf"(?=[\d{first}])"
        rf"(?P<pre>{pre})?"
        rf"(?:百分之(?P<pct>\d+(?:\.\d+)?|{_CJK_NUM})"
        rf"|(?P<num>\d{{1,15}}(?:,\d{{3}}){{0,5}}(?:\.\d{{1,6}})?(?:/\d{{1,6}})?|{_CJK_NUM})"
        r"(?P<q1>余|多)?(?P<mag>万亿|千亿|百亿|亿|千万|百万|十万|万)?(?P<q2>余|多)?"
        rf"(?P<unit>{units})?(?P<post>及以上|及以下|以上|以下|左右|以内|之内|内)?)"
    )
    raw = yaml.safe_load(files("newsmon.extract").joinpath("data/refusals.yaml").read_text("utf-8"))
    phrases = sorted(map(str, raw["fixed_phrases"]), key=len, reverse=True)
    return _Patterns(mention=mention, fixed_phrases=re.compile("|".join(map(re.escape, phrases))))


_SHORT_QUOTE_RE = re.compile(r"“[^“”\n]{1,12}”|‘[^‘’\n]{1,12}’|「[^「」\n]{1,12}」")
_BOOK_TITLE_RE = re.compile(r"《[^《》\n]{0,60}》")
_SLOGAN_EXPANSION_RE = re.compile(r"[”’][\u4e00-\u9fff]{0,4}(?P<paren>（[^（）\n]{0,80}）)")
# Opening with the digit itself (not a lookahead) lets the engine skip to digits in one scan.
_PLUS_CODE_RE = re.compile(r"\d(?<![\d+]\d)\d*+(?:\+\d++)+")
_DIGIT_OR_NUMERAL_RE = re.compile(rf"[\d{CHINESE_NUMERAL_CHARS}]")

_GROWTH_BEFORE_RE = re.compile(
    r"(?P<basis>同比|环比|比上年同期|比去年同期|比上年|比去年|较上年同期|较去年同期|较上年|较去年|比上月|较上月)?"
    r"(?:分别|均|都|共|也)?"
    r"(?P<dir>增长|增加|提高|提升|上升|上涨|增速为|增速达|增速|增幅为|增幅达|增幅|降幅为|降幅|下降|减少"
    r"|回落|降低|下滑|下跌|增|降|减)(?P<to>至|到|为)?(?:了)?$"
)
_NEGATIVE_DIRECTIONS = ("降", "减", "回落", "下滑", "下跌")
_BASIS_RE = re.compile(r"同比|环比|比上年|比去年|较上年|较去年|比上月|较上月")

_RANK_RE = re.compile(
    r"(?:(?:排名|排位|排在|排|位居|位列|位于|居于|居|名列|列|跻身)(?P<scope>[^，。；：、第]{0,14}?)"
    r"|(?P<scope2>全国|全省|全市|全区|全县|全州))"
    r"第(?P<n>\d{1,3}|[一二三四五六七八九十]{1,3})(?:名|位)?"
    r"|(?:位居|居|排名|位列)(?P<scope3>[^，。；：、]{0,12}?)(?:首位|榜首)"
    r"|(?:蝉联|获得|夺得|荣获|摘得|勇夺|夺|获|拿下|斩获|问鼎)(?P<champion>冠军|亚军|季军)"
)
_BARE_RANK_RE = re.compile(
    r"(?P<noun>[\u4e00-\u9fff]{1,8}?(?:额|量|率|速度|值|数|规模|增速))第(?P<n>[一二三四五六七八九十]|\d{1,2})"
    r"(?=[：:，。；、”]|$)"
)
# Every alternative opens with a literal, so the engine skips to those characters in one scan.
_RANK_HINT_RE = re.compile(r"第[一二三四五六七八九十\d]|冠军|亚军|季军|首位|榜首")
_CHAMPION_RANKS = {"冠军": 1, "亚军": 2, "季军": 3}
_SCOPE_RE = re.compile(r"全国|全省|全市|全区|全县|全州")

_VAGUE_YEARS = ("今年", "本年", "新的一年", "全年", "明年")
_SPEECH_VERBS = ("说", "表示", "介绍", "指出", "强调", "认为", "透露")
_SPEECH_LAST_CHARS = frozenset(verb[-1] for verb in _SPEECH_VERBS)  # tested before the endswith
_SPEECH_CLAUSE_RE = re.compile(r"^[\u4e00-\u9fff、·]{2,24}(?:说|表示|介绍|指出|强调|认为|透露)$")
_LEADING_WORDS_RE = re.compile(
    r"(?:[“‘]|其中|同时|此外|另外|与此同时|总体来看|总的来看|截至目前|共计|合计|共|累计|力争|确保|预计|计划"
    r"|争取|全力|仅|在|截至|截止|到|于|已|还|将|并|也|均)+"
)
_PERIOD_LEAD_RE = re.compile(r"[“‘]?(?:仅|在|截至|截止|到|于)?")
_PERIOD_LEAD_CHARS = "“‘仅在截到于"
_LEADING_FIRST_CHARS = "“‘其同此另与总截共合累力确预计争全仅在到于已还将并也均"
_DEICTIC_FIRST_CHARS = "全我本该此辖省市区县"
_ORG_SUFFIX_RE = re.compile(r"公司|集团|局|管委会|委|中心|银行")
# Every organisation or project name in topic position ends in one of these within 27 characters
# of its start (see _organisation_at and _project_at).
_TOPIC_SUFFIX_RE = re.compile(rf"{_ORG_SUFFIX_RE.pattern}|项目")
_THIS_PROJECT_WORDS = ("该项目", "此项目", "这个项目", "这一项目")
# A clause without figures matters to the walk only through what it opens with (a period, an
# as-of-now word, a subject) or ends with (a speech verb). Leading adverbs, periods, as-of-now
# words, deictic and anaphoric subjects and "该项目" all start with one of these characters; the
# rest sit at a known period or region start, or are an organisation or project name.
_CONTEXT_FIRST_CHARS = frozenset(
    _PERIOD_LEAD_CHARS + _LEADING_FIRST_CHARS + _DEICTIC_FIRST_CHARS + "该本此这"
    + "".join(word[0] for word in AS_OF_NOW_WORDS)
)
_TOPIC_ORG_RE = re.compile(
    r"(?:该|本|这个)?[\u4e00-\u9fff]{0,12}?(?:公司|集团|局|管委会|委员会|发改委|经信委|中心|银行)"
    r"(?=将|已|把|在|以|要|党组|党委|总经理|负责人|主任|局长|董事长|书记|相关|、|和|是|还|共|累计|今年|，|$)"
)
_ANAPHORIC_ORG_RE = re.compile(r"(?:该|本)(局|公司|集团|中心|委)")
_PROJECT_TOPIC_RE = re.compile(
    r"(?:[\u4e00-\u9fffA-Za-z“”]{4,24}?项目)(?=是|已|正在|总投资|计划总投资|将于|由|位于|建成|自|于20)"
)
_PROJECT_AFTER_AMOUNT_RE = re.compile(r"的([\u4e00-\u9fffA-Za-z0-9“”]{3,24}?(?:项目|工程))")
_THIS_PROJECT_RE = re.compile(r"(?:该|此|这个|这一)项目")
_GENERIC_PROJECT_RE = re.compile(
    r"^(?:续建|新建|新开工|在建|重点|重大|产业|签约|招商|亿元以上|工业|该|这个|一批|各类|政府投资|备案|省市|市级"
    r"|省级|各|所有|全部|这些|多个|[\d一二三四五六七八九十]+个)"
)
_METRIC_TRIM_LEFT_RE = re.compile(r"^(?:实现|完成|达到|达|有|为|是|以|共|共计|累计|其中|并|和|及|、|，)+")
_METRIC_TRIM_RIGHT_WORDS = ("的", "为", "是", "达到", "达", "有", "约", "共", "共计", "合计", "分别", "均", "都", "等", "，", "、", "：")
_METRIC_TRIM_RIGHT_RE = re.compile(f"(?:{'|'.join(_METRIC_TRIM_RIGHT_WORDS)})+$")
_METRIC_SPLIT_RE = re.compile(r"和|与|及|、")
_GENERIC_METRICS = ("增速", "增幅", "位次", "排名", "")
_SCORE_AFTER_RE = re.compile(r"的?(?:综合|总|考核|测评)?(?:得分|评分|分数|分值)")
_REFUSE_AFTER_RE = re.compile(r"^(?:[年月日号时岁+＋]|周年|以上的|以下的|及以上的|及以下的)")
_REFUSE_BEFORE_CHARS = set("这那每逐前+＋.-－")


# --- masks -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Spans:
    """Sorted, non-overlapping-enough spans with a fast 'inside?' test."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, spans: list[tuple[int, int]]) -> "_Spans":
        spans.sort()
        merged: list[list[int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return cls([s for s, _ in merged], [e for _, e in merged])

    def covers(self, position: int) -> bool:
        index = bisect.bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]


# --- mentions ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Mention:
    start: int  # incl. a leading qualifier
    num_start: int
    end: int
    value: float | None
    unit: str | None
    value_normalized: float | None
    unit_normalized: str | None
    kind: str  # money, percent, pp, score, count, physical, duration
    qualifier: str | None
    growth_pct: float | None = None
    growth_basis: str | None = None


def _find_mentions(text: str, masks: _Spans, slogan_quotes: _Spans) -> list[_Mention]:
    vocabulary = unit_vocabulary()
    mentions: list[_Mention] = []
    for match in _patterns().mention.finditer(text):
        groups = match.groups()
        number = groups[2]
        # Most matches are a number without a unit (a name, code or date part, or a lone "一"):
        # refused here, before the call.
        if number is not None and groups[4] is None and groups[6] is None and "/" not in number \
                and not _SCORE_AFTER_RE.match(text, match.end()):
            continue
        mention = _mention_from_match(match, groups, text, vocabulary, masks, slogan_quotes)
        if mention is not None:
            mentions.append(mention)
    return mentions


def _mention_from_match(match, groups, text, vocabulary, masks: _Spans, slogan_quotes: _Spans) -> _Mention | None:
    """The quantity a regex match stands for, or None when it is a name, code, date or ordinal.

    `groups` is match.groups(): pre, pct, num, q1, mag, q2, unit, post.
    """
    pre, pct, number, q1, magnitude, q2, unit_text, post = groups
    start, end = match.span()
    number_text = number or pct
    num_start = match.start(3) if number else match.start(2) - 3
    if masks.covers(num_start):
        return None
    before = text[num_start - 1] if num_start else ""
    after = text[end : end + 4]
    chinese = not number_text[0].isdigit()

    if before.isascii() and before.isalnum() or before in _REFUSE_BEFORE_CHARS:
        return None
    if _REFUSE_AFTER_RE.match(after) or (post and after.startswith("的")):
        return None
    if before == "第" and unit_text not in ("天",):
        return None
    if pct:
        value = parse_number(number_text)
        if value is None:
            return None
        return _Mention(start, num_start, end, value, "%", value, "percent", "percent", None)
    if chinese:
        if number_text == "一" or (unit_text and after[:1] in CHINESE_NUMERAL_CHARS):
            return None
        if number_text[0] in "零〇":
            return None  # "零部件", "零距离"
        only_magnitude = all(ch in "十百千" for ch in number_text)
        if only_magnitude and not (q1 or q2 or (magnitude and unit_text)):
            return None  # "十分", "千家万户", "千亿产业"; but "十余家", "千亿元"
        if unit_text in ("期", "分") or (unit_text and vocabulary.get(unit_text).kind == "duration"):
            return None
    value = parse_number(number_text)
    if value is None:
        return None
    unit: Unit | None = vocabulary.get(unit_text) if unit_text else None
    if unit is None:
        if not magnitude and slogan_quotes.covers(num_start):
            return None
    elif unit.kind not in ("money", "percent") and slogan_quotes.covers(num_start):
        return None
    qualifier = post or q1 or q2 or (_PRE_QUALIFIERS.get(pre) if pre else None)
    scale = parse_magnitude(magnitude)
    if "/" in number_text:
        if unit is not None or magnitude:
            return None
        return _Mention(start, num_start, end, round(value, 4), None, round(value * 100, 2), "percent", "percent",
                        qualifier)
    if unit is None:
        if magnitude and scale >= 1e4:
            # "6100万", "冲刺3000亿": in economic news a bare magnitude is an amount of money.
            return _Mention(start, num_start, end, value, magnitude, _scaled(value, scale), "CNY", "money", qualifier)
        if _SCORE_AFTER_RE.match(text, end):
            return _Mention(start, num_start, end, value, "分", value, "score", "score", qualifier)
        return None
    if unit.kind in ("percent", "pp", "score"):
        if magnitude:
            return None
        return _Mention(start, num_start, end, value, unit.text, value, unit.normalized, unit.kind, qualifier)
    written = f"{magnitude}{unit.text}" if magnitude else unit.text
    return _Mention(start, num_start, end, value, written, _scaled(value, scale), unit.normalized, unit.kind,
                    qualifier)


def _scaled(value: float, scale: float) -> float:
    """value × scale in decimal, so 34.7亿 is 3470000000.0 and not 3470000000.0000005."""
    if scale == 1.0:
        return value  # what the decimal product gives too, as repr() round-trips
    return float(Decimal(repr(value)) * Decimal(repr(scale)))


def _apply_growth(mention: _Mention, text: str, clause_start: int) -> bool:
    """Turn a percentage right after a growth verb into a growth rate. True if it was one."""
    if mention.kind not in ("percent",) and mention.unit != "倍":
        return False
    window = text[max(clause_start, mention.start - 14) : mention.start]
    growth = _GROWTH_BEFORE_RE.search(window)
    if not growth or mention.value is None:
        return False
    rate = mention.value
    if any(word in growth.group("dir") for word in _NEGATIVE_DIRECTIONS) and not growth.group("to"):
        rate = -rate
    basis_text = growth.group("basis") or ""
    if not basis_text:
        found = _BASIS_RE.search(text, clause_start, mention.start)
        basis_text = found.group() if found else ""
    mention.growth_pct = rate
    mention.growth_basis = "mom" if "环比" in basis_text or "上月" in basis_text else ("yoy" if basis_text else "unspecified")
    mention.start = max(clause_start, mention.start - len(window) + growth.start())
    mention.value = mention.unit = mention.value_normalized = mention.unit_normalized = None
    mention.kind = "growth"
    mention.qualifier = None
    return True


# --- the article walk --------------------------------------------------------------------------


@dataclass(slots=True)
class _Subject:
    name: str
    code: str | None
    parents: tuple[str, ...]


@dataclass(slots=True)
class _Record:
    metric: str | None
    subject: _Subject | None
    period: str | None
    mention: _Mention | None
    rank: int | None
    rank_scope: str | None
    quote_start: int
    quote_end: int
    segment: int


@dataclass(slots=True)
class _Clause:
    start: int
    end: int
    delimiter: str  # the punctuation that ends it ("" at paragraph end)
    segment: int  # "；"/sentence-delimited group it belongs to
    sentence_first: bool


# A clause as _clauses yields it: (start, end, delimiter, segment, sentence_first). The walk makes
# a _Clause only of those it reads; most clauses have no figures and set no context.
_ClauseSpec = tuple[int, int, str, int, bool]


# Every alternative of the first mark opens with a literal, so the engine skips to those
# characters in one scan (a leading lookahead would still be tried at every position).
_CLAUSE_END_RE = re.compile(r"(?:，|,|：|:|；|;|。|！|？|!|\?|……)(?:[，,：:；;。！？!?]|……)*[”’」』]*")
_SEGMENT_END = set("；;。！？!?…")
_SENTENCE_END = set("。！？!?…")  # a subset of _SEGMENT_END


def _clauses(text: str, start: int, end: int, first_segment: int) -> list[_ClauseSpec]:
    clauses: list[_ClauseSpec] = []
    position, segment, sentence_first = start, first_segment, True
    for delimiter in _CLAUSE_END_RE.finditer(text, start, end):
        marks = delimiter.group()
        mark_start, mark_end = delimiter.span()
        if mark_start > position:
            clauses.append((position, mark_start, marks, segment, sentence_first))
            sentence_first = False
        position = mark_end
        if marks != "，" and not _SEGMENT_END.isdisjoint(marks):  # most clauses end in "，"
            segment += 1
            if not _SENTENCE_END.isdisjoint(marks):
                sentence_first = True
    if position < end:
        clauses.append((position, end, "", segment, sentence_first))
    return clauses


class _Reader:
    """State of one walk through an article."""

    def __init__(self, text: str, original: str, regions: RegionContext, published: date | None,
                 context_region: Region | None):
        self.text = text
        self.original = original
        self.regions = regions
        self.published = published
        self.context_region = context_region
        self.region_at = {start: (end, region) for start, end, region in regions.mentions}
        self.region_starts = sorted(self.region_at)
        patterns = _patterns()
        slogan_quotes = [m.span() for m in _SHORT_QUOTE_RE.finditer(text)]
        in_slogan = _Spans.of(list(slogan_quotes))
        self.periods = [
            (m.start(), m.end(), m.group()) for m in PERIOD_RE.finditer(text)
            if _real_period(text, m) and not in_slogan.covers(m.start())
        ]
        self.period_starts = [start for start, _, _ in self.periods]
        self.period_at = {start: (end, period) for start, end, period in self.periods}
        masked = [(s, e) for s, e, _ in self.periods]
        masked += [(s, e) for s, e, _ in regions.mentions]
        masked += [m.span() for m in _BOOK_TITLE_RE.finditer(text)]
        masked += [m.span("paren") for m in _SLOGAN_EXPANSION_RE.finditer(text)]
        masked += [m.span() for m in patterns.fixed_phrases.finditer(text)]
        if "+" in text:
            masked += [m.span() for m in _PLUS_CODE_RE.finditer(text)]
        self.mentions = _find_mentions(text, _Spans.of(masked), _Spans.of(slogan_quotes))
        self.mention_starts = [m.num_start for m in self.mentions]
        self.rank_hints = [m.start() for m in _RANK_HINT_RE.finditer(text)]
        self.figure_starts = sorted(self.mention_starts + self.rank_hints)
        self.last_figure = self.figure_starts[-1] if self.figure_starts else -1
        self.records: list[_Record] = []
        self.doc_period: str | None = None
        self.topic: _Subject | None = None
        self.project: _Subject | None = None
        self.last_org: _Subject | None = None
        # Per article: the region "全市"/"我区"... stands for, the main region, period dates.
        self.deictic_regions: dict[str, Region | None] = {}
        self.main = regions.main or context_region
        self.period_dates: dict[str | None, tuple[str | None, str | None]] = {}

    # -- subjects --

    def _region_subject(self, region: Region) -> _Subject:
        return _Subject(region.name, region.code, region.parent_codes)

    def _resolve_deictic(self, word: str) -> Region | None:
        if word not in self.deictic_regions:
            self.deictic_regions[word] = self.regions.resolve_deictic(word)
        return self.deictic_regions[word]

    def _deictic_subject(self, word: str) -> _Subject | None:
        region = self._resolve_deictic(word)
        if region is None and self.context_region is not None:
            region = self.context_region
        return self._region_subject(region) if region else None

    def _context_chain(self) -> tuple[str, ...]:
        return self.main.chain if self.main else ()

    def _subject_at(self, position: int, limit: int) -> tuple[_Subject | None, int]:
        """The region, deictic word or organisation starting at `position`, and where it ends."""
        if position in self.region_at:
            end, region = self.region_at[position]
            return self._region_subject(region), end
        first = self.text[position : position + 1]
        deictic = first in _DEICTIC_FIRST_CHARS and DEICTIC_RE.match(self.text, position, limit)
        if deictic:
            return self._deictic_subject(deictic.group()), deictic.end()
        anaphoric = first in "该本" and _ANAPHORIC_ORG_RE.match(self.text, position, limit)
        if anaphoric and self.last_org and self.last_org.name.endswith(anaphoric.group(1)):
            return self.last_org, anaphoric.end()
        org = self._organisation_at(position, limit)
        if org and not org.group().startswith(("该", "本", "这个")):
            name = org.group()
            if name in ("市委", "市政府"):
                return self._deictic_subject("全市"), org.end()
            subject = self._organisation(name)
            self.last_org = subject
            return subject, org.end()
        return None, position

    def _organisation(self, name: str) -> _Subject:
        """An organisation; "市发改委" is written out as its city's ("荆州市发改委")."""
        level = name[:1]
        if level in "省市区县" and name[1:2] not in "委政":
            region = self._resolve_deictic(f"全{level}") or (self.context_region if level == "市" else None)
            if region is not None:
                return _Subject(f"{region.name}{name[1:]}", None, region.chain)
        return _Subject(name, None, self._context_chain())

    def _after_leading_words(self, position: int, end: int) -> int:
        """Where the clause's content starts after quotes and adverbs such as 其中/同时/力争."""
        if self.text[position : position + 1] in _LEADING_FIRST_CHARS:
            lead = _LEADING_WORDS_RE.match(self.text, position, end)
            if lead:
                return lead.end()
        return position

    def _topic(self, position: int, clause_end: int) -> _Subject | None:
        """Subject in topic position of a clause; `position` is past leading adverbs and the period."""
        subject, end = self._subject_at(position, clause_end)
        if subject is not None:
            if self.text[end : end + 1] in ("、", "和", "与", "及", "等"):
                return None  # several subjects share the clause
            return subject
        project = self._project_at(position, clause_end)
        if project and not _GENERIC_PROJECT_RE.match(project.group()):
            self.project = _Subject(project.group(), None, self._context_chain())
            return self.project
        if self.project and self.text.startswith(_THIS_PROJECT_WORDS, position):
            return self.project
        return None

    def _subject_in_clause(self, clause: _Clause, before: int) -> _Subject | None:
        """The nearest region or deictic word before `before` in the clause, if any."""
        chosen = None
        index = bisect.bisect_left(self.region_starts, clause.start)
        while index < len(self.region_starts) and self.region_starts[index] < before:
            start = self.region_starts[index]
            end, region = self.region_at[start]
            if end <= before and not _is_object(self.text, start) and self.text[end : end + 1] not in ("、", "等"):
                chosen = (start, self._region_subject(region))
            index += 1
        for deictic in DEICTIC_RE.finditer(self.text, clause.start, before):
            if not _is_object(self.text, deictic.start()) and (chosen is None or deictic.start() > chosen[0]):
                subject = self._deictic_subject(deictic.group())
                if subject:
                    chosen = (deictic.start(), subject)
        return chosen[1] if chosen else None

    # -- periods --

    def _period_at_clause_start(self, position: int, clause_end: int) -> tuple[str | None, int, bool]:
        """(period, end, standalone) for a period opening the clause (after 仅/在/截至...)."""
        found = self.period_at.get(position)
        if found is None and self.text[position : position + 1] in _PERIOD_LEAD_CHARS:
            lead = _PERIOD_LEAD_RE.match(self.text, position, clause_end)
            found = self.period_at.get(lead.end()) if lead else None
        if found is None:
            return None, position, False
        end, period = found
        standalone = self.text[end : clause_end] in ("", "内", "中", "里", "期间", "来")
        return period, end, standalone

    def _periods_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        index = bisect.bisect_left(self.period_starts, start)
        found = []
        while index < len(self.periods) and self.periods[index][0] < end:
            found.append(self.periods[index])
            index += 1
        return found

    # -- the walk --

    def read(self, paragraphs: list[Paragraph]) -> list[_Record]:
        segment = 0
        for paragraph in paragraphs:
            if paragraph.start > self.last_figure:
                break  # only a figure makes or changes a record: the rest of the walk is idle
            if paragraph.kind != "body":
                self.doc_period = None
                continue
            clauses = _clauses(self.text, paragraph.start, paragraph.end, segment)
            if clauses:
                segment = clauses[-1][3] + 1
                self._read_paragraph(clauses)
        return self.records

    def _ends_with_speech_verb(self, start: int, end: int) -> bool:
        return self.text[end - 1] in _SPEECH_LAST_CHARS and self.text.endswith(_SPEECH_VERBS, start, end)

    def _inert(self, start: int, end: int) -> bool:
        """True for a clause that sets no period, subject or speaker (if it has no figures either,
        the walk passes over it at the cost of a few lookups; see _CONTEXT_FIRST_CHARS)."""
        text = self.text
        if self._ends_with_speech_verb(start, end):
            return False
        position = start + 1 if text[start] in "“‘" else start
        if text[position : position + 1] in _CONTEXT_FIRST_CHARS or position in self.period_at \
                or position in self.region_at:
            return False
        if not _TOPIC_SUFFIX_RE.search(text, position, min(end, position + 27)):
            return True  # the usual case, in one search instead of the two below
        return not (self._organisation_at(position, end) or self._project_at(position, end))

    def _organisation_at(self, position: int, limit: int) -> re.Match | None:
        """An organisation name in topic position ("市发改委将…"); its suffix is checked first."""
        if _ORG_SUFFIX_RE.search(self.text, position, min(limit, position + 18)):
            return _TOPIC_ORG_RE.match(self.text, position, limit)
        return None

    def _project_at(self, position: int, limit: int) -> re.Match | None:
        """A project name in topic position ("XX项目总投资…"); "项目" is looked for first."""
        if self.text.find("项目", position, position + 27) >= 0:
            return _PROJECT_TOPIC_RE.match(self.text, position, limit)
        return None

    def _read_paragraph(self, clauses: list[_ClauseSpec]) -> None:
        text = self.text
        para_period = self.doc_period
        sentence_period: str | None = None
        sentence_subject: _Subject | None = None
        segment_periods: dict[int, list[tuple[int, str]]] = {}
        speech_next = False
        pending_rank: _Record | None = None
        figure_starts = self.figure_starts
        for index, spec in enumerate(clauses):
            start, end, _, segment, sentence_first = spec
            if start > self.last_figure and pending_rank is None:
                break  # as in read()
            sentence_initial = sentence_first or speech_next
            if sentence_first:
                sentence_period, sentence_subject = None, None
            # Does a number or a ranking phrase start inside the clause?
            first_figure = bisect.bisect_left(figure_starts, start)
            figures = first_figure < len(figure_starts) and figure_starts[first_figure] < end
            if not figures and pending_rank is None and self._inert(start, end):
                speech_next = False
                continue
            speech_next = self._ends_with_speech_verb(start, end) \
                and bool(_SPEECH_CLAUSE_RE.match(text[start:end].lstrip("“‘")))
            if speech_next:
                speaker_org, _ = self._subject_at(start, end)
                if speaker_org is not None:
                    self.topic = sentence_subject = speaker_org
                continue
            position = start + 1 if text[start] in "“‘" else start
            clause_period = None
            period, after_period, standalone = self._period_at_clause_start(position, end)
            if period:
                if is_point(period):
                    if standalone and sentence_initial:
                        sentence_period = period
                    else:
                        clause_period = period
                elif not (is_bare_year(period) and not standalone):
                    para_period = period
                    if index == 0 and standalone and period not in _VAGUE_YEARS:
                        self.doc_period = period
                position = self._after_leading_words(after_period, end)
            else:
                position = self._after_leading_words(position, end)
                if text.startswith(AS_OF_NOW_WORDS, position):
                    para_period = None
            topic = self._topic(position, end)
            if topic is not None:
                if topic is not self.project:
                    self.topic = topic
                sentence_subject = topic
            mentions: list[_Mention] = []
            ranks: list[tuple[int, str | None, int]] = []
            if figures:
                clause = _Clause(*spec)
                mentions = self._mentions_in(clause)
                hint = bisect.bisect_left(self.rank_hints, start)
                if hint < len(self.rank_hints) and self.rank_hints[hint] < end:
                    ranks = list(_rank_matches(text, clause))
            if not mentions and not ranks:
                if pending_rank is not None and segment != pending_rank.segment:
                    self.records.append(pending_rank)
                    pending_rank = None
                continue
            in_clause = [(s, p) for s, e, p in self._periods_in(clause.start, clause.end)
                         if not (is_bare_year(p) and para_period)]
            period_for = clause_period or (in_clause[0][1] if in_clause else None)
            if period_for is None:
                if segment not in segment_periods:
                    segment_periods[segment] = self._segment_periods(clauses, index)
                candidates = segment_periods[segment]
                if candidates:
                    period_for = min(candidates, key=lambda item: abs(item[0] - clause.start))[1]
            period_for = period_for or sentence_period or para_period
            pending_rank = self._emit(clause, mentions, ranks, period_for, sentence_subject, pending_rank)
        if pending_rank is not None:
            self.records.append(pending_rank)

    def _segment_periods(self, clauses: list[_ClauseSpec], index: int) -> list[tuple[int, str]]:
        """Spans named inside the clauses of the "；" segment of clauses[index] (not opening them):
        they govern the segment. A segment's clauses are adjacent, so it is found around `index`."""
        segment = clauses[index][3]
        first = index
        while first and clauses[first - 1][3] == segment:
            first -= 1
        found = []
        for member in range(first, len(clauses)):
            member_start, member_end, _, member_segment, _ = clauses[member]
            if member_segment != segment:
                break
            periods = self._periods_in(member_start, member_end)
            if not periods:
                continue
            opening = _PERIOD_LEAD_RE.match(self.text, member_start + (self.text[member_start] in "“‘")).end()
            for start, _, period in periods:
                if is_point(period) or is_bare_year(period) or start == opening:
                    continue
                found.append((start, period))
        return found

    def _mentions_in(self, clause: _Clause) -> list[_Mention]:
        index = bisect.bisect_left(self.mention_starts, clause.start)
        found = []
        while index < len(self.mentions) and self.mentions[index].num_start < clause.end:
            mention = self.mentions[index]
            if mention.start < clause.start:
                mention.start = clause.start
            if mention.kind == "percent" or mention.unit == "倍":
                _apply_growth(mention, self.text, clause.start)
            found.append(mention)
            index += 1
        return found

    def _emit(self, clause, mentions, ranks, period, sentence_subject, pending_rank) -> _Record | None:
        """Records for one clause; returns a rank waiting for the figure it introduces."""
        text = self.text
        clause_records: list[_Record] = []
        previous_end = clause.start
        for position, mention in enumerate(mentions):
            following = mentions[position + 1 : position + 3]
            metric = _metric_for(text, clause, mention, previous_end, following)
            if not metric and mention.kind != "growth" and position and previous_end == mention.start:
                metric = clause_records[-1].metric if clause_records else metric
            previous_end = mention.end
            if mention.kind == "growth" and not metric:
                target = self._last_record(clause.segment)
                if target is not None and target.mention is not None and target.mention.growth_pct is None \
                        and target.mention.kind != "growth":
                    target.mention.growth_pct = mention.growth_pct
                    target.mention.growth_basis = mention.growth_basis
                    target.quote_end = max(target.quote_end, clause.end)
                    continue
            subject = self._subject_for(clause, mention, sentence_subject)
            metrics = _split_shared(metric)
            for single in metrics:
                record = _Record(single, subject, period, _copy(mention) if len(metrics) > 1 else mention,
                                 None, None, clause.start, clause.end, clause.segment)
                clause_records.append(record)
                self.records.append(record)
        if pending_rank is not None:
            if clause_records and _similar(pending_rank.metric, clause_records[0].metric, 0.75):
                clause_records[0].rank, clause_records[0].rank_scope = pending_rank.rank, pending_rank.rank_scope
                clause_records[0].quote_start = pending_rank.quote_start
            else:
                self.records.insert(len(self.records) - len(clause_records), pending_rank)
            pending_rank = None
        for rank, scope, rank_start in ranks:
            if clause_records:
                target = clause_records[-1]
                target.rank, target.rank_scope = rank, target.rank_scope or scope
                continue
            metric = _clean_metric(text[clause.start : rank_start])
            if metric in _GENERIC_METRICS or metric.startswith(("增速", "增幅", "位居", "排名")):
                target = self._last_record(clause.segment) or self._last_record(clause.segment - 1)
                if target is not None and target.rank is None:
                    target.rank, target.rank_scope = rank, scope
                    target.quote_end = max(target.quote_end, clause.end)
                    continue
            subject = self.project if _THIS_PROJECT_RE.match(text, clause.start) and self.project else (
                sentence_subject or self.topic or self._main_subject())
            record = _Record(metric or None, subject, period, None, rank, scope, clause.start, clause.end, clause.segment)
            if clause.delimiter.startswith(("：", ":")):
                pending_rank = record
            else:
                self.records.append(record)
        return pending_rank

    def _last_record(self, segment: int) -> _Record | None:
        if self.records and self.records[-1].segment == segment:
            return self.records[-1]
        return None

    def _main_subject(self) -> _Subject | None:
        return self._region_subject(self.main) if self.main else None

    def _subject_for(self, clause: _Clause, mention: _Mention, sentence_subject: _Subject | None) -> _Subject | None:
        project = _PROJECT_AFTER_AMOUNT_RE.match(self.text, mention.end)
        if project and mention.kind == "money" and not _GENERIC_PROJECT_RE.match(project.group(1)):
            self.project = _Subject(project.group(1), None, self._context_chain())
            return self.project
        in_clause = self._subject_in_clause(clause, mention.start)
        return in_clause or sentence_subject or self.topic or self._main_subject()

    # -- output --

    def fields(self) -> list[dict]:
        """The Indicator fields of each record, in order (subject_parent_codes a tuple)."""
        return [self._fields(record) for record in self.records]

    def _period_dates(self, period: str | None) -> tuple[str | None, str | None]:
        """ISO first and last day of `period`; an article names few periods, each resolved once."""
        if period not in self.period_dates:
            start, end = period and resolve_period(period, self.published) or (None, None)
            self.period_dates[period] = (start.isoformat() if start else None, end.isoformat() if end else None)
        return self.period_dates[period]

    def _fields(self, record: _Record) -> dict:
        mention = record.mention
        start, end = self._period_dates(record.period)
        subject = record.subject
        quote = self.original[record.quote_start : record.quote_end]
        value_kind = mention.kind if mention else None
        identifier = metric_id(record.metric) if value_kind != "growth" or record.metric else "other"
        return {
            "metric": record.metric or None,
            "metric_id": identifier,
            "subject": subject.name if subject else None,
            "subject_code": subject.code if subject else None,
            "subject_parent_codes": subject.parents if subject else (),
            "period": record.period,
            "period_start": start,
            "period_end": end,
            "value": mention.value if mention else None,
            "unit": mention.unit if mention else None,
            "value_normalized": mention.value_normalized if mention else None,
            "unit_normalized": mention.unit_normalized if mention else None,
            "growth_pct": mention.growth_pct if mention else None,
            "growth_basis": mention.growth_basis if mention else None,
            "rank": record.rank,
            "rank_scope": record.rank_scope,
            "qualifier": mention.qualifier if mention else None,
            "quote": quote,
            "quote_start": record.quote_start,
            "quote_end": record.quote_end,
            "core": _is_core(record.metric, identifier, value_kind),
        }


def _real_period(text: str, match: re.Match) -> bool:
    """PERIOD_RE also hits "年" inside words; keep matches that are not glued to other digits."""
    period = match.group()
    if period in ("以来",):
        return False
    before = text[match.start() - 1 : match.start()]
    return not (before.isdigit() or (before == "第" and not period.startswith(("一", "二", "三", "四"))))


def _is_object(text: str, position: int) -> bool:
    """A place right after a preposition or verb is not the subject ("占全市比重", "在全市…中")."""
    before = text[max(0, position - 2) : position]
    return before[-1:] in "占在居比向对赴与和同及从于至到列、" or before in ("落户", "排名", "位居", "位列", "依托", "位于", "围绕")


def _rank_matches(text: str, clause: _Clause):
    """(rank, scope, start) for each ranking phrase in the clause."""
    found = False
    for match in _RANK_RE.finditer(text, clause.start, clause.end):
        found = True
        if match.group("champion"):
            scope = None
            scopes = list(_SCOPE_RE.finditer(text, max(0, clause.start - 40), match.start()))
            if scopes:
                scope = scopes[-1].group()
            yield _CHAMPION_RANKS[match.group("champion")], scope, match.start()
            continue
        if match.group("n") is None:
            yield 1, (match.group("scope3") or None), match.start()
            continue
        rank = parse_number(match.group("n"))
        scope = match.group("scope") or match.group("scope2") or None
        if rank:
            yield int(rank), scope, match.start()
    if not found:
        for match in _BARE_RANK_RE.finditer(text, clause.start, clause.end):
            rank = parse_number(match.group("n"))
            if rank and not _LEADING_VERB_RE.match(match.group("noun")):
                yield int(rank), None, match.end("noun")


_LEADING_VERB_RE = re.compile(r"^(?:争|夺|创|当|拿|抢|保|比)")


def _metric_for(text: str, clause: _Clause, mention: _Mention, previous_end: int, following: list[_Mention]) -> str:
    """The measured thing: the words before the figure, plus the noun after a count ("36名县级干部")."""
    left = max(clause.start, previous_end, mention.start - 40)
    pre_text = text[left : mention.start]
    cut = max(pre_text.rfind("、"), -1)
    if cut >= 0 and mention.kind not in ("growth",):
        pre_text = pre_text[cut + 1 :]
    pre = _clean_metric(pre_text)
    if mention.kind == "growth":
        shared = "均" if _SHARED_RE.search(text, mention.start, mention.num_start) else ""
        pre = _BASIS_RE.split(pre)[0] if _BASIS_RE.search(pre) else pre
        pre = _clean_metric(_GROWTH_WORD_TAIL_RE.sub("", pre))
        return f"{pre}{shared}" if pre else pre
    if mention.kind == "duration":
        post_text = text[mention.end : following[0].start if following else clause.end]
        lead = _DURATION_LEAD_RE.match(post_text)
        post = post_text[lead.end() if lead else 0 :][:20]
        return _clean_metric(post) or _clean_metric(pre.removesuffix("第"))
    if mention.kind == "score":
        head = _SCORE_HEAD_RE.search(text, mention.end, clause.end)
        context = pre or _adverbial_context(text, clause)
        return f"{context}{head.group() if head else ''}"
    post = ""
    if mention.kind in ("count", "physical") or mention.unit in ("家", "个"):
        post_end = following[0].start if following else clause.end
        post_text = text[mention.end : post_end]
        if following and text.startswith("的", following[0].end) and following[0].end < clause.end:
            after_de = following[0].end + 1
            post_text = text[after_de : following[1].start if len(following) > 1 else clause.end]
        cut_at = _POST_CUT_RE.search(post_text)
        if cut_at:
            post_text = post_text[: cut_at.start()]
        post = post_text.strip("的")[:20]
    metric = f"{pre}{post}" if post else pre
    return metric[-24:]


_SHARED_RE = re.compile(r"[均都]")
_GROWTH_WORD_TAIL_RE = re.compile(r"(?:增长|增速|增幅|下降|提高|增加|减少)$")
_POST_CUT_RE = re.compile(r"[、，。；：（）()]")
_DURATION_LEAD_RE = re.compile(r"^(?:后|内|之内|以内|就|即|便|时间|后就)+")
_SCORE_HEAD_RE = re.compile(r"(?:综合)?(?:得分|成绩|评分|分数)")
_ADVERBIAL_RE = re.compile(r"在(.{2,20}?)(?:中|上|期间|里)$")


def _adverbial_context(text: str, clause: _Clause) -> str:
    """"在全市一季度项目拉练中，…95.06分" -> "项目拉练": the event a score was given in."""
    before = text[max(0, clause.start - 24) : clause.start].rstrip("，,")
    match = _ADVERBIAL_RE.search(before)
    return _clean_metric(match.group(1)) if match else ""


def _clean_metric(text: str) -> str:
    text = _strip_leading_context(text.strip())
    if lead := _METRIC_TRIM_LEFT_RE.match(text):
        text = text[lead.end() :]
    # A "$" pattern is tried at every position; most wordings end in none of its words ("$" also
    # matches before a final newline).
    if text.endswith(_METRIC_TRIM_RIGHT_WORDS) or text.endswith("\n"):
        text = _METRIC_TRIM_RIGHT_RE.sub("", text)
    if text.endswith(_PRE_QUALIFIER_WORDS) or text.endswith("\n"):
        text = _PRE_QUALIFIER_TAIL_RE.sub("", text)
    return text.strip("“‘”’ ")


_PRE_QUALIFIER_WORDS = ("高达", "达到", "将近", "接近", "大约", "超过", "突破", "不低于", "不少于", "近", "约", "超", "达")
_PRE_QUALIFIER_TAIL_RE = re.compile(f"(?:{'|'.join(_PRE_QUALIFIER_WORDS)})$")
# The guard admits every first character of the words: most wordings open with none of them.
_LEADING_CONTEXT_RE = re.compile(
    rf"(?=[{PERIOD_FIRST_CHARS}，,其同此另目今力确预计全我该辖区市县已仅还将共均也])"
    rf"(?:{PERIOD_PATTERN}|[，,]|其中|同时|此外|另外|目前|今年以来|力争|确保|预计|计划|全区|全市|全县|我市|我区|我县|该区|该县|该市"
    r"|辖区内?|区内|市内|县内|已|仅|还|将|共|均|也)+"
)


_ZONE_AFTER_NAME_RE = re.compile(r"经济技术开发区|经济开发区|经开区|开发区|高新区")
_LEADING_ZONE_RE = re.compile(r"经开区|开发区|高新区")


def _strip_leading_context(text: str) -> str:
    """Drop the period, deictic subject and adverbs that open the words before a figure."""
    matcher = gazetteer().matcher
    previous = None
    while previous != text:
        previous = text
        if lead := _LEADING_CONTEXT_RE.match(text):
            text = text[lead.end() :]
        name = matcher.longest_at(text[:12], 0)
        if name:
            zone = _ZONE_AFTER_NAME_RE.match(text, len(name))
            text = text[zone.end() if zone else len(name) :]
        zone = _LEADING_ZONE_RE.match(text)
        if zone:
            text = text[zone.end() :]
    return text


def _split_shared(metric: str) -> list[str]:
    """"企业数量和产值均占全市" -> ["企业数量占全市", "产值占全市"]: one metric per name before 均/都."""
    if "均" not in metric and "都" not in metric:
        return [metric]
    head, _, tail = metric.partition("均") if "均" in metric else metric.partition("都")
    names = [name for name in _METRIC_SPLIT_RE.split(head) if name]
    if len(names) < 2:
        return [metric]
    return [f"{name}{tail}" for name in names]


def _copy(mention: _Mention) -> _Mention:
    return _Mention(**{name: getattr(mention, name) for name in _Mention.__slots__})


def _similar(a: str | None, b: str | None, share: float) -> bool:
    """True when the wordings share at least `share` of the shorter one's characters."""
    if not a or not b:
        return False
    return len(set(a) & set(b)) >= share * min(len(set(a)), len(set(b)))


def _is_core(metric: str | None, identifier: str, kind: str | None) -> bool:
    """GUIDE "core": money, rates, shares, scores, economic counts; not trainings, meetings, durations.

    `identifier` is metric_id(metric), which the caller has at hand.
    """
    if kind == "duration":
        return False
    if kind in ("money", "growth", "pp", "score"):
        return True
    if identifier not in ("other", "training", "investment_promotion"):
        return True
    if kind == "percent":
        return is_economic(metric)
    return is_economic(metric) and not (metric or "").startswith(("培训", "举办", "开展"))


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
    return [Indicator(**record) for record in _read(cleaned, published_at, context_region, regions)]


def extract_indicator_dicts(
    cleaned: CleanedText | str,
    *,
    published_at: datetime | date | None = None,
    context_region: str | None = None,
    regions: RegionContext | None = None,
) -> list[dict]:
    """`extract_indicators` as `indicator_to_dict` records, for the worker, which needs only the
    dicts: building each frozen Indicator first cost more than the rest of its record."""
    found = _read(cleaned, published_at, context_region, regions)
    for record in found:
        record["subject_parent_codes"] = list(record["subject_parent_codes"])
    return found


def _read(
    cleaned: CleanedText | str,
    published_at: datetime | date | None,
    context_region: str | None,
    regions: RegionContext | None,
) -> list[dict]:
    """The Indicator fields of every indicator in the article (see extract_indicators)."""
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
    reader = _Reader(text, cleaned.text, regions, published, context)
    paragraphs = cleaned.paragraphs or [Paragraph(text, "body", 0, len(text))]
    reader.read(paragraphs)
    return reader.fields()
