"""Synthetic Chinese regional economic news whose indicators are known by construction.

The demo site (demo/site.py) serves these articles, and the end-to-end and fault-injection tests
compare what newsmon indexed with `GeneratedArticle.expected`. Every figure in an article is
written by this module, which records it (as GUIDE.md would annotate it) at the moment it writes
it; the free wording in data/vocabulary.yaml holds no digits. Same seed and same calls, same
articles.

The figures tell one consistent story: each district has one set of figures per year (monthly
increments, so year-to-date figures grow month by month, and growth rates fixed per period), drawn
from the seed and the district alone. A statistics bureau's release ("release", section "stats",
in 万元 and formal wording) and the newspaper's economy report (in 亿元, in its own words) state
the same figures for the same period; reprints repeat them; once in a while the newspaper has a
typo (two digits swapped), which reconciliation should flag as a conflict.

What `expected` covers: every quantity in `paragraphs` (economic ones with core=True, counts of
volunteers or trainings with core=False). Titles, bylines and captions carry no figures; the
dates and periods in the text ("4月12日", "1至5月") are not indicators, they are the `period`
of the figures next to them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from newsmon.extract.metrics import metric_id

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_START = datetime(2024, 1, 8, 8, 30, tzinfo=SHANGHAI)
DEFAULT_STEP = timedelta(hours=3)

#: Kind of article -> (site section, drawing weight).
KINDS: dict[str, tuple[str, int]] = {
    "economy": ("news", 30),
    "signing": ("investment", 22),
    "startup": ("investment", 20),
    "park": ("investment", 15),
    "community": ("news", 13),
    "release": ("stats", 14),
}

#: Keys of every expected-indicator dict (GUIDE.md fields, plus metric_id, subject_code, paragraph).
EXPECTED_KEYS = (
    "metric", "metric_id", "subject", "subject_code", "period", "value", "unit", "value_normalized",
    "unit_normalized", "growth_pct", "growth_basis", "rank", "rank_scope", "qualifier", "quote", "core",
    "paragraph",
)

_MONEY = {"亿元": Decimal(10**8), "万元": Decimal(10**4)}
_CHINESE = {2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}
_TENS = {10: "十", 20: "二十", 30: "三十", 40: "四十", 50: "五十"}
_ORDINALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}
#: Classifiers that read naturally after a Chinese numeral ("两家", but not "两人次").
_CHINESE_OK = frozenset("个家项名期")
#: Plausible growth ranges (percent) for each reported metric.
_GROWTH_RANGES = {"gdp": (2.0, 9.5), "industrial_value_added": (1.5, 16.0), "fixed_asset_investment": (2.0, 28.0),
                  "retail_sales": (3.0, 15.0), "fiscal_revenue": (1.0, 25.0), "tax_revenue": (1.0, 25.0)}
_GROWTH_UP = (("同比增长", "yoy", 6), ("增长", "unspecified", 2))
_GROWTH_DOWN = (("同比下降", "yoy", 2), ("同比回落", "yoy", 1), ("下降", "unspecified", 1))
_REPRINT_LEADS = ("据{source}消息，", "（{source}）", "本网讯　")
_REPRINT_TITLES = ("{title}", "【区县传真】{title}", "{title}（转载）")
_MAX_TRIES = 200
#: Monthly increments (亿元) of each district's additive figures, and the share of tax in fiscal revenue.
_MONTHLY_RANGES = {"gdp": (15.0, 60.0), "retail_sales": (5.0, 22.0), "fiscal_revenue": (0.6, 3.0)}
_TAX_SHARE = (0.6, 0.9)
#: How often the newspaper gets a figure wrong (two adjacent digits swapped).
TYPO_CHANCE = 0.04


@dataclass(frozen=True, slots=True)
class Region:
    """A county-level division (data/regions.yaml)."""

    name: str
    code: str
    city: str
    city_code: str
    province: str

    @property
    def deictic(self) -> str:
        """How the region's own paper says "the whole district/county/city": 全区, 全县, 全市."""
        return "全" + self.name[-1]

    @property
    def short(self) -> str:
        """The name without its suffix, as used in park names ("张湾", but "房县" stays)."""
        return self.name[:-1] if len(self.name) > 2 else self.name


@dataclass(frozen=True)
class GeneratedArticle:
    """One synthetic article; `expected` lists its indicator dicts (keys: EXPECTED_KEYS)."""

    slug: str
    kind: str
    section: str
    title: str
    paragraphs: list[str]
    published_at: datetime  # Asia/Shanghai, whole seconds
    byline: str  # "记者 王晓东 通讯员 李静怡"
    authors: list[str]
    source: str
    caption: str  # picture caption, ends with the "… 摄" credit
    region_name: str
    region_code: str
    city_name: str
    city_code: str
    expected: list[dict[str, Any]]
    reprint_of: str | None = None

    @property
    def text(self) -> str:
        """The body as plain text, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def path(self) -> str:
        """Where the demo site serves the article."""
        return f"/news/{self.published_at:%Y/%m}/{self.slug}.html"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (published_at as ISO 8601 with offset)."""
        record = asdict(self)
        record["published_at"] = self.published_at.isoformat()
        return record


@dataclass(frozen=True, slots=True)
class _Figure:
    """A piece of text that states one indicator, and the record describing it."""

    text: str
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Amount:
    text: str  # "147.3亿元", "超80亿元", "十余家"
    value: Decimal
    unit: str
    qualifier: str | None


@dataclass(frozen=True, slots=True)
class _Growth:
    text: str  # "同比增长5.3%"
    pct: Decimal  # signed
    basis: str


@dataclass(frozen=True, slots=True)
class _Rank:
    text: str  # "位居全市第二"
    rank: int
    scope: str


class _Draft:
    """Paragraphs under construction; figures are recorded as they are placed."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.expected: list[dict[str, Any]] = []

    def add(self, *parts: str | _Figure) -> None:
        index = len(self.paragraphs)
        for part in parts:
            if isinstance(part, _Figure):
                record = {**part.record, "quote": part.text, "paragraph": index}
                self.expected.append({key: record[key] for key in EXPECTED_KEYS})
        self.paragraphs.append("".join(p.text if isinstance(p, _Figure) else p for p in parts))


@dataclass(frozen=True, slots=True)
class _Context:
    """What one article is about and when: its region, dates and statistical period."""

    region: Region
    published: datetime
    event_date: str  # "4月12日", the day of the reported event
    period: str  # the latest statistical period at publication ("1至5月", "上半年", "去年")
    months: int  # months the period covers
    quarterly: bool  # GDP is reported for this period


@lru_cache(maxsize=1)
def regions() -> tuple[Region, ...]:
    """The regions the generator writes about (data/regions.yaml), loaded once."""
    raw = yaml.safe_load(files("newsmon.demo").joinpath("data/regions.yaml").read_text("utf-8"))
    return tuple(Region(**entry) for entry in raw["regions"])


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The generator's wording (data/vocabulary.yaml), loaded once."""
    return yaml.safe_load(files("newsmon.demo").joinpath("data/vocabulary.yaml").read_text("utf-8"))


_metric_id = lru_cache(maxsize=None)(metric_id)


def _fmt(number: Decimal) -> str:
    """A number as news writes it: "147", "47.6", "3.25" (no trailing zeros, no exponent)."""
    return format(number.normalize(), "f")


def _statistical_period(published: datetime, rng: random.Random) -> tuple[str, int, bool]:
    """(wording, months covered, has GDP) of the latest period reported at `published`."""
    done = published.month - 1
    if done == 0:
        return rng.choice(("去年", "去年全年")), 12, True
    return _period_wording(done, rng), done, done in (3, 6, 9)


def _period_wording(months: int, rng: random.Random) -> str:
    """How a report names the first `months` months of the current year."""
    named = {1: ("1月份",), 3: ("一季度", "今年一季度", "1至3月"), 6: ("上半年", "今年上半年", "1—6月"),
             9: ("前三季度", "1至9月", "1—9月")}
    return rng.choice(named.get(months, (f"1至{months}月", f"1—{months}月", f"今年1至{months}月")))


class ArticleGenerator:
    """Draws articles one after another from a seeded random.Random.

    Titles are distinct across the articles of one generator, and bodies too (a reprint differs
    from its original by small edits). Deterministic: the same seed and the same sequence of
    calls give the same articles. Not thread-safe.
    """

    def __init__(self, seed: int = 7, start: datetime = DEFAULT_START, step: timedelta = DEFAULT_STEP) -> None:
        self._rng = random.Random(seed)
        self._seed = seed
        self._facts: dict[str, Any] = {}
        self._clock = start
        self._step = step
        self._serial = 0
        self._titles: set[str] = set()
        self._bodies: set[str] = set()
        self._originals: list[GeneratedArticle] = []
        self._kinds = list(KINDS)
        self._weights = [weight for _, weight in KINDS.values()]

    def next(self, published_at: datetime | None = None, *, reprint: bool = False) -> GeneratedArticle:
        """The next article, published at `published_at` (default: the generator's own clock,
        advancing by `step` with some jitter). With `reprint`, a lightly edited copy of an
        earlier article, its `reprint_of` set to that article's slug (a fresh article if there
        is none yet). Raises RuntimeError if no new distinct title can be found.
        """
        if published_at is None:
            jitter = timedelta(minutes=self._rng.randrange(int(self._step.total_seconds() // 120) + 1))
            published_at = self._clock + jitter
            self._clock += self._step
        published_at = published_at.astimezone(SHANGHAI).replace(microsecond=0)
        slug = f"t{published_at:%Y%m%d}_{4_180_000 + 13 * self._serial + self._rng.randrange(13)}"
        self._serial += 1
        for _ in range(_MAX_TRIES):
            if reprint and self._originals:
                article = self._reprint(slug, published_at)
            else:
                article = self._fresh(slug, published_at)
                if article.title in self._titles:
                    continue
            if article.text not in self._bodies:
                break
        else:
            raise RuntimeError("no distinct article after %d tries: widen data/vocabulary.yaml" % _MAX_TRIES)
        self._titles.add(article.title)
        self._bodies.add(article.text)
        if article.reprint_of is None:
            self._originals.append(article)
        return article

    # --- one fresh article ---------------------------------------------------------------------

    def _fresh(self, slug: str, published: datetime) -> GeneratedArticle:
        rng, words = self._rng, vocabulary()
        kind = rng.choices(self._kinds, self._weights)[0]
        region = rng.choice(regions())
        event = published - timedelta(days=rng.randrange(3))
        period, months, quarterly = _statistical_period(published, rng)
        ctx = _Context(region, published, f"{event.month}月{event.day}日", period, months, quarterly)
        draft = _Draft()
        slots = {
            "region": region.name, "period": period, "industry": rng.choice(words["industries"]),
            "brand": rng.choice(words["brands"]), "park_kind": rng.choice(words["park_kinds"]),
            "lead": rng.choice(words["park_leads"]), "activity": rng.choice(words["volunteer_activities"]),
            "topic": rng.choice(words["training_topics"]),
        }
        slots["project"] = f"{slots['brand']}{slots['industry']}{rng.choice(words['project_suffixes'])}"
        slots["park"] = f"{region.short}{slots['industry']}{slots['park_kind']}"
        getattr(self, f"_{kind}")(ctx, draft, slots)
        title = rng.choice(words["titles"][kind]).format(**slots)
        authors = [self._name() for _ in range(rng.choice((1, 2, 2, 3)))]
        if len(authors) == 1:
            byline = f"{rng.choice(('记者', '通讯员'))} {authors[0]}"
        else:
            byline = f"记者 {authors[0]} 通讯员 {' '.join(authors[1:])}"
        captions = {"economy": f"{region.name}一家企业的生产车间", "signing": "签约仪式现场",
                    "startup": f"{slots['project']}施工现场", "park": f"{slots['park']}一角",
                    "community": "志愿者正在开展服务活动", "release": f"{region.name}一处商业街区"}
        return GeneratedArticle(
            slug=slug, kind=kind, section=KINDS[kind][0], title=title, paragraphs=draft.paragraphs,
            published_at=published, byline=byline, authors=authors,
            source=f"{region.name}统计局" if kind == "release" else rng.choice(words["sources"]),
            caption=f"图为{captions[kind]}。{self._name()} 摄", region_name=region.name,
            region_code=region.code, city_name=region.city, city_code=region.city_code,
            expected=draft.expected,
        )

    def _economy(self, ctx: _Context, draft: _Draft, slots: dict[str, str]) -> None:
        rng, words, r, p = self._rng, vocabulary(), ctx.region, ctx.period
        lead = words["lead_ins"]
        clauses: list[tuple[str, _Figure]] = []
        if ctx.quarterly:
            clauses.append((rng.choice(lead["gdp"]), self._level(ctx, "gdp", typo=True)))
        clauses.append((rng.choice(lead["industrial_value_added"]), self._growth_only(ctx, "industrial_value_added")))
        clauses.append((rng.choice(lead["fixed_asset_investment"]), self._growth_only(ctx, "fixed_asset_investment")))
        clauses.append((rng.choice(lead["retail_sales"]), self._level(ctx, "retail_sales", typo=True)))
        parts: list[str | _Figure] = [f"{p}，{r.name}{rng.choice(words['economy_openings'])}："]
        for position, (lead_in, figure) in enumerate(clauses):
            parts += (["；"] if position else []) + [lead_in, figure]
        draft.add(*parts, "。")

        draft.add(f"财政收入方面，{p}{r.deictic}", self._level(ctx, "fiscal_revenue", typo=True), "；其中",
                  self._level(ctx, "tax_revenue", verbs=("",), rank=False), "。")
        if rng.random() < 0.6:
            added = self._count(2, 15, "家", qualifier_chance=0.2)
            parts = [f"市场主体活力持续增强，{p}{r.deictic}", self._figure(ctx, "新增规上工业企业", added, p), "。"]
            if rng.random() < 0.5:
                total = self._count(60, 400, "家")
                parts += [f"目前，{r.name}", self._figure(ctx, "规上工业企业", total, None, written="规上工业企业达到",
                                                        qualifier="达"), "。"]
            draft.add(*parts)
        if rng.random() < 0.25:
            meetings = self._count(3, 40, "场次")
            draft.add(f"为帮助企业解决发展难题，{p}{r.name}组织开展",
                      self._figure(ctx, "政企恳谈活动", meetings, p, core=False), "。")
        draft.add(self._official(ctx, "economy"))
        draft.add(self._next_steps(r.name))

    def _release(self, ctx: _Context, draft: _Draft, slots: dict[str, str]) -> None:
        """The district statistics bureau's release: the same figures as the newspaper's, for a
        month of this year (often the latest), in 万元 and the bureau's own wording, never a typo."""
        rng = self._rng
        done = ctx.months if ctx.published.month > 1 else 12
        months = done if rng.random() < 0.5 or done == 1 else rng.randint(1, done - 1)
        period = _period_wording(months, rng) if ctx.published.month > 1 else rng.choice(("去年", "去年全年"))
        ctx = _Context(ctx.region, ctx.published, ctx.event_date, period, months, months in (3, 6, 9, 12))
        slots["period"] = period
        r = ctx.region
        draft.add(f"{period}，面对复杂多变的外部环境，{r.deictic}上下认真落实各项决策部署，经济运行总体平稳。")
        if ctx.quarterly:
            draft.add(f"经初步核算，{period}，{r.name}实现",
                      self._stated(ctx, "gdp", "地区生产总值", with_growth=True, growth_lead="，按可比价格计算，"), "。")
        draft.add(f"{period}，{r.deictic}", self._growth_only(ctx, "industrial_value_added", fixed_wording="规模以上工业增加值"),
                  "；", self._growth_only(ctx, "fixed_asset_investment", fixed_wording="固定资产投资"), "；实现",
                  self._stated(ctx, "retail_sales", "社会消费品零售总额", with_growth=True), "。")
        draft.add(f"{period}，{r.deictic}完成", self._stated(ctx, "fiscal_revenue", "地方一般公共预算收入", with_growth=True),
                  "；其中", self._stated(ctx, "tax_revenue", "税收收入"), "。")
        draft.add(f"注：本公报数据为初步统计数，{r.name}统计局将根据年度统计核算结果进行修订。")

    def _signing(self, ctx: _Context, draft: _Draft, slots: dict[str, str]) -> None:
        rng, words, r, day = self._rng, vocabulary(), ctx.region, ctx.event_date
        n = self._count(4, 30, "个", qualifier_chance=0.15)
        amount = self._money(n.value * Decimal(rng.uniform(1.5, 6)), qualifier_chance=0.3)
        draft.add(f"{day}，{r.name}{rng.choice(words['signing_events'])}在{rng.choice(words['venues'])}举行，",
                  self._figure(ctx, "签约项目", n, day, written="现场签约项目"), "，",
                  self._figure(ctx, "协议投资", amount, day), "。")
        industries = rng.sample(words["industries"], 3)
        draft.add(f"此次签约项目涵盖{industries[0]}、{industries[1]}和{industries[2]}等领域，"
                  f"{rng.choice(words['signing_features'])}。")
        project, company = slots["project"], self._company(slots["brand"], r)
        draft.add(f"其中，由{company}投资建设的{project}",
                  self._figure(ctx, "总投资", self._money(Decimal(rng.uniform(2, 30))), None, subject=project),
                  f"，{rng.choice(words['project_contents'])}，建成后预计可实现",
                  self._figure(ctx, "年产值", self._money(Decimal(rng.uniform(3, 60))), None, subject=project), "。")
        if rng.random() < 0.5:
            other = self._project()
            draft.add(other, self._figure(ctx, "计划总投资", self._money(Decimal(rng.uniform(1, 15))), None, subject=other),
                      "，将于年内开工建设。")
        if ctx.published.month > 1 and rng.random() < 0.7:
            total = self._count(20, 150, "个", qualifier_chance=0.2)
            amount = self._money(total.value * Decimal(rng.uniform(2, 5)))
            draft.add(f"今年以来，{r.name}累计", self._figure(ctx, "新签约项目", total, "今年以来"), "，",
                      self._figure(ctx, "协议投资", amount, "今年以来", growth=self._growth(5, 60)), "。")
        draft.add(self._official(ctx, "signing"))

    def _startup(self, ctx: _Context, draft: _Draft, slots: dict[str, str]) -> None:
        rng, words, r, day = self._rng, vocabulary(), ctx.region, ctx.event_date
        project = slots["project"]
        n = self._count(5, 40, "个", qualifier_chance=0.1)
        big = self._count(2, max(2, int(n.value) - 1), "个")
        investment = self._money(n.value * Decimal(rng.uniform(1.5, 5)), qualifier_chance=0.2)
        draft.add(f"{day}，{r.name}重大项目集中开工活动在{project}施工现场举行，此次",
                  self._figure(ctx, "集中开工项目", n, day), "，", self._figure(ctx, "总投资", investment, day), "，其中",
                  self._figure(ctx, "亿元以上项目", big, day), "。")
        draft.add(f"{project}由{self._company(slots['brand'], r)}投资建设，",
                  self._figure(ctx, "总投资", self._money(Decimal(rng.uniform(1, 25))), None, subject=project),
                  f"，{rng.choice(words['project_contents'])}。项目建成投产后，预计可实现",
                  self._figure(ctx, "年产值", self._money(Decimal(rng.uniform(2, 40))), None, subject=project), "、",
                  self._figure(ctx, "年税收", self._money(Decimal(rng.randrange(300, 9000)), unit="万元"), None,
                               subject=project), "。")
        draft.add(f"{rng.choice(words['construction_scenes'])}。项目建设持续发力，{ctx.period}{r.name}",
                  self._growth_only(ctx, "fixed_asset_investment"), "。")
        draft.add(self._official(ctx, "startup"))

    def _park(self, ctx: _Context, draft: _Draft, slots: dict[str, str]) -> None:
        rng, words, park = self._rng, vocabulary(), slots["park"]
        draft.add(f"走进{park}，{rng.choice(words['park_scenes'])}。")
        settled = self._count(12, 120, "家", qualifier_chance=0.2)
        above = self._count(3, max(3, int(settled.value) // 3), "家")
        tech = self._count(2, 12, "家")
        draft.add(f"{park}{rng.choice(words['park_locations'])}，目前已",
                  self._figure(ctx, "入驻企业", settled, None, subject=park), "，其中",
                  self._figure(ctx, "规上工业企业", above, None, subject=park), "、",
                  self._figure(ctx, "高新技术企业", tech, None, subject=park), "。")
        output = self._money(Decimal(ctx.months) * Decimal(rng.uniform(0.8, 6)))
        tax = self._money(Decimal(rng.randrange(200, 9000)), unit="万元")
        draft.add(f"{ctx.period}，园区实现",
                  self._figure(ctx, "工业总产值", output, ctx.period, subject=park, growth=self._growth(3, 40)), "，上缴",
                  self._figure(ctx, "税收", tax, ctx.period, subject=park), "。")
        draft.add(f"在{self._company(slots['brand'], ctx.region)}的生产车间里，{rng.choice(words['workshop_scenes'])}。"
                  f"“{rng.choice(words['enterprise_voices'])}。”企业负责人说。")
        draft.add(self._next_steps(park))

    def _community(self, ctx: _Context, draft: _Draft, slots: dict[str, str]) -> None:
        rng, words, r, day = self._rng, vocabulary(), ctx.region, ctx.event_date
        deed = rng.choice(words["volunteer_deeds"])
        opening = f"{day}，{r.name}组织开展{slots['activity']}，"
        if rng.random() < 0.6:
            volunteers = self._count(20, 300, "名", qualifier_chance=0.5)
            draft.add(opening, self._figure(ctx, "志愿者", volunteers, day, core=False, noun_after=True), f"{deed}。")
        else:
            draft.add(f"{opening}志愿者们{deed}。")
        if rng.random() < 0.6:
            events = self._count(30, 600, "场次", qualifier_chance=0.3)
            people = self._count(500, 20000, "人次", qualifier_chance=0.3)
            draft.add(f"今年以来，{r.name}已组织开展各类",
                      self._figure(ctx, "志愿服务活动", events, "今年以来", core=False), "，",
                      self._figure(ctx, "志愿者", people, "今年以来", core=False, written="参与志愿者"), "。")
        if rng.random() < 0.6:
            classes = self._count(2, 20, "期")
            trained = self._count(60, 3000, "人次", qualifier_chance=0.2)
            draft.add(f"{ctx.period}，{r.deictic}共举办",
                      self._figure(ctx, "培训班", classes, ctx.period, core=False, written=f"{slots['topic']}培训班"),
                      "，", self._figure(ctx, "培训", trained, ctx.period, core=False, written="累计培训"), "。")
        draft.add(f"据了解，{r.name}将持续推进志愿服务常态化，{rng.choice(words['community_closings'])}。")

    # --- figures -------------------------------------------------------------------------------

    def _figure(self, ctx: _Context, metric: str, amount: _Amount, period: str | None, *, subject: str | None = None,
                growth: _Growth | None = None, written: str | None = None, noun_after: bool = False,
                qualifier: str | None = None, core: bool = True) -> _Figure:
        """The clause "{written}{amount}[，{growth}]" (or "{amount}{written}" with `noun_after`,
        as in "120余名志愿者") and its record. `written` is the metric as the text words it
        (default `metric`); `subject` defaults to the article's region."""
        written = written or metric
        text = f"{amount.text}{written}" if noun_after else f"{written}{amount.text}"
        if growth:
            text += f"，{growth.text}"
        return _Figure(text, self._record(ctx, metric, subject, period, amount, growth, None,
                                          qualifier or amount.qualifier, core))

    def _level(self, ctx: _Context, role: str, *, verbs: tuple[str, ...] = ("完成", "实现"), rank: bool = True,
               typo: bool = False) -> _Figure:
        """The district's figure for the period and its growth, in one of the shapes reports use,
        sometimes ranked: "完成地区生产总值147.36亿元，同比增长5.3%", "生产总值达到147.36亿元，增长5.3%，
        增速位居全市第二". With `typo`, now and then two digits of the amount are swapped."""
        rng = self._rng
        wording = rng.choice(vocabulary()["wordings"][role])
        amount = self._money_fact(ctx, role, "亿元")
        if typo and rng.random() < TYPO_CHANCE:
            amount = _swap_digits(amount, rng)
        growth = self._growth_fact(ctx, role)
        ranked = self._rank_fact(ctx, role) if rank and growth.pct > 0 else None
        shape = rng.randrange(3)
        qualifier = None
        if shape == 0:
            text = f"{rng.choice(verbs)}{wording}{amount.text}"
        elif shape == 1:
            text = f"{wording}{amount.text}"
        else:
            text, qualifier = f"{wording}达到{amount.text}", "达"
        text += f"，{growth.text}" + (f"，增速{ranked.text}" if ranked else "")
        return _Figure(text, self._record(ctx, wording, None, ctx.period, amount, growth, ranked, qualifier, True))

    def _stated(self, ctx: _Context, role: str, wording: str, *, with_growth: bool = False, growth_lead: str = "，") -> _Figure:
        """A bureau's statement of the district's figure in 万元: "社会消费品零售总额1473600万元，同比增长5.3%"."""
        amount = self._money_fact(ctx, role, "万元")
        growth = self._growth_fact(ctx, role) if with_growth else None
        text = f"{wording}{amount.text}" + (f"{growth_lead}{growth.text}" if growth else "")
        return _Figure(text, self._record(ctx, wording, None, ctx.period, amount, growth, None, None, True))

    # --- the district's facts: the same for every article that reports them ---------------------

    def _fact(self, ctx: _Context, draw: Callable[[random.Random], Any], *parts: object) -> Any:
        """`draw` of the district's facts for the period's year, made once from a Random seeded by
        the generator's seed, the district, the year and `parts`, then kept: every article gets
        the same figure."""
        year = ctx.published.year - (1 if ctx.published.month == 1 and ctx.months == 12 else 0)
        seed = ":".join(map(str, (self._seed, ctx.region.code, year, *parts)))
        if seed not in self._facts:
            self._facts[seed] = draw(random.Random(seed))
        return self._facts[seed]

    def _level_fact(self, ctx: _Context, role: str) -> Decimal:
        """The year-to-date level (亿元, two decimals) of an additive figure after ctx.months months."""
        if role == "tax_revenue":
            share = self._fact(ctx, lambda rng: Decimal(str(round(rng.uniform(*_TAX_SHARE), 3))), role)
            return (self._level_fact(ctx, "fiscal_revenue") * share).quantize(Decimal("0.01"))
        low, high = _MONTHLY_RANGES[role]
        monthly = self._fact(ctx, lambda rng: [Decimal(str(round(rng.uniform(low, high), 2))) for _ in range(12)], role)
        return sum(monthly[: ctx.months], Decimal(0))

    def _money_fact(self, ctx: _Context, role: str, unit: str) -> _Amount:
        value = self._level_fact(ctx, role) * _MONEY["亿元"] / _MONEY[unit]
        return _Amount(f"{_fmt(value)}{unit}", value.normalize(), unit, None)

    def _growth_fact(self, ctx: _Context, role: str) -> _Growth:
        """The period's growth of a figure; its wording ("同比增长", "增长") is the writer's choice."""
        low, high = _GROWTH_RANGES[role if role in _GROWTH_RANGES else "fiscal_revenue"]

        def draw(rng: random.Random) -> Decimal:
            if rng.random() < 0.12:
                return -Decimal(str(round(rng.uniform(0.3, low + 5), 1)))
            return Decimal(str(round(rng.uniform(low, high), 1)))

        pct = self._fact(ctx, draw, role, ctx.months, "growth")
        forms = _GROWTH_DOWN if pct < 0 else _GROWTH_UP
        word, basis, _ = self._rng.choices(forms, [weight for *_, weight in forms])[0]
        return _Growth(f"{word}{_fmt(abs(pct))}%", pct, basis)

    def _rank_fact(self, ctx: _Context, role: str) -> _Rank | None:
        def draw(rng: random.Random) -> tuple[int, str] | None:
            if rng.random() >= 0.25:
                return None
            return rng.choice((1, 1, 2, 2, 3, 4, 5)), rng.choice(("全市", "全市", "全省"))

        ranked = self._fact(ctx, draw, role, ctx.months, "rank")
        if ranked is None:
            return None
        rank, scope = ranked
        form = self._rng.choice(("位居{s}第{o}", "排名{s}第{o}位", "居{s}第{o}"))
        return _Rank(form.format(s=scope, o=_ORDINALS[rank]), rank, scope)

    def _growth_only(self, ctx: _Context, role: str, *, fixed_wording: str | None = None) -> _Figure:
        """"{wording}同比增长X%" (the district's growth for the period), sometimes ranked: reports
        often give no level for these."""
        wording = fixed_wording or self._rng.choice(vocabulary()["wordings"][role])
        growth = self._growth_fact(ctx, role)
        ranked = self._rank_fact(ctx, role) if growth.pct > 0 else None
        text = f"{wording}{growth.text}" + (f"，增速{ranked.text}" if ranked else "")
        return _Figure(text, self._record(ctx, wording, None, ctx.period, None, growth, ranked, None, True))

    def _record(self, ctx: _Context, metric: str, subject: str | None, period: str | None, amount: _Amount | None,
                growth: _Growth | None, rank: _Rank | None, qualifier: str | None, core: bool) -> dict[str, Any]:
        value = unit = normalized = unit_normalized = None
        if amount is not None:
            value, unit = float(amount.value), amount.unit
            if unit in _MONEY:
                normalized, unit_normalized = float(amount.value * _MONEY[unit]), "CNY"
            else:
                normalized, unit_normalized = value, "count"
        return {
            "metric": metric, "metric_id": _metric_id(metric),
            "subject": subject or ctx.region.name, "subject_code": None if subject else ctx.region.code,
            "period": period, "value": value, "unit": unit, "value_normalized": normalized,
            "unit_normalized": unit_normalized, "growth_pct": float(growth.pct) if growth else None,
            "growth_basis": growth.basis if growth else None, "rank": rank.rank if rank else None,
            "rank_scope": rank.scope if rank else None, "qualifier": qualifier, "core": core,
        }

    def _money(self, level: Decimal, *, unit: str = "亿元", qualifier_chance: float = 0.0) -> _Amount:
        """An amount near `level`: "147.3亿元"; with a qualifier a round one ("超80亿元", "50余亿元")."""
        rng = self._rng
        if level >= 10 and rng.random() < qualifier_chance:
            step = 10 if level >= 100 else 1
            value = Decimal(int(level) // step * step)
            qualifier = rng.choice(("超", "近", "余"))
            text = f"{value}余{unit}" if qualifier == "余" else f"{qualifier}{value}{unit}"
            return _Amount(text, value, unit, qualifier)
        places = 2 if level < 10 and rng.random() < 0.5 else (0 if level >= 1000 else 1)
        value = max(level, Decimal("0.1")).quantize(Decimal(1).scaleb(-places))
        return _Amount(f"{_fmt(value)}{unit}", value, unit, None)

    def _count(self, low: int, high: int, classifier: str, *, qualifier_chance: float = 0.0) -> _Amount:
        """A count such as "12个", "五家", "十余家", "近20个", "120余名"."""
        rng = self._rng
        n = rng.randint(low, high)
        qualifier = None
        if high >= 10 and rng.random() < qualifier_chance:
            n = max(10, n // 10 * 10)
            qualifier = rng.choice(("余", "余", "近", "超")) if n > 10 else "余"
        if qualifier == "余":
            chinese = n in _TENS and classifier in _CHINESE_OK and rng.random() < 0.5
            text = f"{_TENS[n] if chinese else n}余{classifier}"
        elif qualifier:
            text = f"{qualifier}{n}{classifier}"
        elif n in _CHINESE and classifier in _CHINESE_OK and rng.random() < 0.35:
            text = f"{_CHINESE[n]}{classifier}"
        else:
            text = f"{n}{classifier}"
        return _Amount(text, Decimal(n), classifier, qualifier)

    def _growth(self, low: float, high: float, *, negative_chance: float = 0.0) -> _Growth:
        """"同比增长5.3%" with 5.3 drawn from [low, high]; a decline ("同比下降2.1%") with
        `negative_chance`, its size drawn from [0.3, low + 5]."""
        rng = self._rng
        negative = rng.random() < negative_chance
        forms = _GROWTH_DOWN if negative else _GROWTH_UP
        word, basis, _ = rng.choices(forms, [weight for *_, weight in forms])[0]
        pct = Decimal(str(round(rng.uniform(0.3, low + 5) if negative else rng.uniform(low, high), 1)))
        return _Growth(f"{word}{_fmt(pct)}%", -pct if negative else pct, basis)

    # --- wording -------------------------------------------------------------------------------

    def _name(self) -> str:
        words = vocabulary()
        return self._rng.choice(words["surnames"]) + self._rng.choice(words["given_names"])

    def _company(self, brand: str, region: Region) -> str:
        return f"{region.province[:2]}{brand}{self._rng.choice(vocabulary()['company_suffixes'])}"

    def _project(self) -> str:
        words = vocabulary()
        return (self._rng.choice(words["brands"]) + self._rng.choice(words["industries"])
                + self._rng.choice(words["project_suffixes"]))

    def _official(self, ctx: _Context, kind: str) -> str:
        words = vocabulary()
        office = self._rng.choice(words["offices"][KINDS[kind][0]])
        said = self._rng.choice(("说", "表示", "介绍"))
        return f"“{self._rng.choice(words['official_quotes'][kind])}。”{ctx.region.name}{office}负责人{said}。"

    def _next_steps(self, who: str) -> str:
        words = vocabulary()
        first, second = self._rng.sample(words["next_actions"], 2)
        return f"下一步，{who}将{first}，{second}，{self._rng.choice(words['closings'])}。"

    # --- reprints ------------------------------------------------------------------------------

    def _reprint(self, slug: str, published: datetime) -> GeneratedArticle:
        """An earlier article as another site section reprints it: a lead-in added to the first
        paragraph, perhaps a figure-free last paragraph dropped, perhaps a retouched title."""
        rng = self._rng
        original = rng.choice(self._originals)
        source = rng.choice([s for s in vocabulary()["sources"] if s != original.source])
        paragraphs = list(original.paragraphs)
        paragraphs[0] = rng.choice(_REPRINT_LEADS).format(source=source) + paragraphs[0]
        last = len(paragraphs) - 1
        if last >= 2 and rng.random() < 0.5 and all(record["paragraph"] != last for record in original.expected):
            paragraphs.pop()
        return GeneratedArticle(
            **{**asdict(original), "slug": slug, "published_at": published, "source": source,
               "paragraphs": paragraphs, "reprint_of": original.slug,
               "title": rng.choice(_REPRINT_TITLES).format(title=original.title)},
        )


def _swap_digits(amount: _Amount, rng: random.Random) -> _Amount:
    """The amount with two adjacent, different digits swapped (147.36 -> 174.36): a typo."""
    text = amount.text.removesuffix(amount.unit)
    pairs = [i for i in range(len(text) - 1) if text[i].isdigit() and text[i + 1].isdigit() and text[i] != text[i + 1]]
    if not pairs:
        return amount
    i = rng.choice(pairs)
    value = Decimal(text[:i] + text[i + 1] + text[i] + text[i + 2:])
    return _Amount(f"{_fmt(value)}{amount.unit}", value.normalize(), amount.unit, None)


def generate(n: int, seed: int = 7, *, start: datetime = DEFAULT_START, step: timedelta = DEFAULT_STEP,
             reprint_share: float = 0.0) -> list[GeneratedArticle]:
    """`n` articles published `step` apart from `start`; about `reprint_share` of them reprints."""
    generator = ArticleGenerator(seed, start, step)
    choose = random.Random(f"{seed}:reprints")
    return [generator.next(reprint=i > 0 and choose.random() < reprint_share) for i in range(n)]
