"""The sources file: feeds, sitemaps, listing pages and e-paper editions to poll, re-read when it changes.

The models below are the file's schema (schemas/sources.schema.json is generated from them, and
README's "Sources file" section describes them). A bad entry is reported with its line and
reason and skipped; it never stops the crawler or the other sources.

An entry has exactly one of `feed`, `sitemap`, `listing` or `epaper` (an older file's entry with
both a feed and a sitemap keeps polling the feed). A top-level `base_url` lets every URL in the
file be written relative to it, so re-pointing a file at another host is a one-line change.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import yaml
from cssselect import SelectorError, SelectorSyntaxError
from lxml.cssselect import CSSSelector
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator, model_validator

log = logging.getLogger("newsmon.crawl")

Authority = Literal["statistics_bureau", "government", "newspaper", "portal", "other"]
#: Named e-paper systems: (edition URL template relative to `base`, 版面 link pattern, article link pattern).
EPAPER_SYSTEMS: dict[str, tuple[str, str, str]] = {
    # 方正翔宇 (Founder) classic layout, the most common county and city paper system.
    "founder": ("html/{yyyy}-{mm}/{dd}/node_1.htm", r"node_\d+\.htm$", r"content_\d+\.htm$"),
    # Founder's newer "pc" layout (人民日报 and many provincial papers since about 2020).
    "founder_pc": ("pc/layout/{yyyy}{mm}/{dd}/node_01.html", r"node_\d+\.html$", r"content_[\d_]+\.html$"),
}
_TEMPLATE_FIELDS = frozenset({"yyyy", "yy", "mm", "dd", "m", "d"})


def _css(value: str | None) -> str | None:
    """A CSS selector, checked now so a typo is reported with its entry, not at the first poll."""
    if value is not None:
        try:
            CSSSelector(value)
        except (SelectorError, SelectorSyntaxError) as exc:
            raise ValueError(f"not a CSS selector: {exc}") from None
    return value


def _regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExtractHints(_Strict):
    """CSS selectors for a site the general page extractor gets wrong; each optional."""

    body: str | None = Field(None, description="CSS selector of the article body (all matches, in order).")
    title: str | None = Field(None, description="CSS selector of the headline.")
    date: str | None = Field(None, description="CSS selector of the element holding the publication date.")

    _check = field_validator("body", "title", "date")(lambda cls, v: _css(v))


class Listing(_Strict):
    """Index pages (栏目页) whose links lead to articles, newest first, maybe paginated."""

    urls: tuple[HttpUrl, ...] = Field(min_length=1, description="Index page URLs (page 1 of each listing).")
    link_pattern: str | None = Field(None, description="Regex an article URL must match (searched in the absolute URL).")
    link_selector: str | None = Field(None, description="CSS selector of the article links (<a> or their containers).")
    next_selector: str | None = Field(None, description="CSS selector of the next-page link (default: a link reading 下一页 / 下页 / next).")
    page_template: str | None = Field(
        None, description="Page n>=1 of the listing, relative to the index URL, e.g. 'index_{n}.html'; overrides next links.")
    max_pages: int = Field(3, ge=1, le=50, description="List pages fetched per poll and index URL.")

    _css = field_validator("link_selector", "next_selector")(lambda cls, v: _css(v))
    _re = field_validator("link_pattern")(lambda cls, v: _regex(v))

    @field_validator("urls", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("page_template")
    @classmethod
    def _has_n(cls, value: str | None) -> str | None:
        if value is not None and "{n}" not in value:
            raise ValueError("page_template needs '{n}' (the page number, from 1)")
        return value


class Epaper(_Strict):
    """A newspaper's digital edition (数字报): one edition a day, a page index per 版面."""

    edition: str | None = Field(
        None, description="Edition URL template, fields {yyyy} {yy} {mm} {dd} {m} {d}, e.g. "
        "'https://paper.example.cn/html/{yyyy}-{mm}/{dd}/node_1.htm'.")
    system: Literal["founder", "founder_pc"] | None = Field(
        None, description="A named e-paper system; with `base`, it gives the edition template and link patterns.")
    base: HttpUrl | None = Field(None, description="The paper's root URL, for `system`.")
    page_pattern: str | None = Field(None, description="Regex of page (版面) index links; default by system, else node_N.")
    article_pattern: str | None = Field(None, description="Regex of article links; default by system, else content_N.")
    backfill_days: int = Field(0, ge=0, le=366, description="Past editions fetched once, besides today's.")
    max_pages: int = Field(32, ge=1, le=200, description="Pages (版面) read per edition.")

    _re = field_validator("page_pattern", "article_pattern")(lambda cls, v: _regex(v))

    @model_validator(mode="after")
    def _template(self) -> Epaper:
        if (self.edition is None) == (self.system is None):
            raise ValueError("give either `edition` (a URL template) or `system` with `base`")
        if self.system is not None and self.base is None:
            raise ValueError(f"system {self.system!r} needs `base`, the paper's root URL")
        template = self.template()
        fields = set(re.findall(r"{(\w+)}", template))
        if not fields or fields - _TEMPLATE_FIELDS:
            raise ValueError(f"edition template needs date fields among {sorted(_TEMPLATE_FIELDS)}: {template}")
        if urlsplit(template).scheme not in ("http", "https") or not urlsplit(template).hostname:
            raise ValueError(f"edition template is not an http(s) URL: {template}")
        return self

    def template(self) -> str:
        if self.system is not None:
            base = str(self.base)
            return urljoin(base if base.endswith("/") else base + "/", EPAPER_SYSTEMS[self.system][0])
        return self.edition or ""

    def patterns(self) -> tuple[str, str]:
        """(page link regex, article link regex)."""
        page, article = (EPAPER_SYSTEMS[self.system][1:] if self.system else (r"node_\w+\.s?html?$", r"content_[\w-]+\.s?html?$"))
        return self.page_pattern or page, self.article_pattern or article


class Source(_Strict):
    """One entry of the sources file."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="Unique; keys the source's crawl state.")
    name: str | None = Field(None, description="Human-readable label.")
    feed: HttpUrl | None = Field(None, description="RSS / Atom / JSON Feed URL.")
    sitemap: HttpUrl | None = Field(None, description="Sitemap or sitemap index URL.")
    listing: Listing | None = None
    epaper: Epaper | None = None
    interval_s: float | None = Field(None, gt=0, description="Seconds between polls (default Settings.default_poll_interval_s; e-papers: hourly until today's edition is in).")
    region_hint: str | None = Field(None, description="The region the source covers (gazetteer name or code).")
    authority: Authority | None = Field(None, description="Who publishes it; default by host: stats.gov.cn / tjj.*.gov.cn -> statistics_bureau, gov.cn -> government.")
    extract: ExtractHints | None = Field(None, description="CSS selectors for the article pages, when the general extractor gets the site wrong.")
    tags: tuple[str, ...] = Field((), description="Labels copied onto every article.")
    enabled: bool = True

    @model_validator(mode="after")
    def _one_kind(self) -> Source:
        kinds = [k for k in ("feed", "sitemap", "listing", "epaper") if getattr(self, k) is not None]
        if not kinds:
            raise ValueError("needs one of feed, sitemap, listing or epaper")
        if len(kinds) > 1 and kinds != ["feed", "sitemap"]:
            raise ValueError(f"has {' and '.join(kinds)}: give exactly one")
        return self

    @property
    def kind(self) -> str:
        """"feed", "sitemap", "listing" or "epaper"."""
        return next(k for k in ("feed", "sitemap", "listing", "epaper") if getattr(self, k) is not None)

    def url(self) -> str:
        """The URL whose host owns this source's polls (the first index page, the edition template's host)."""
        if self.listing is not None:
            return str(self.listing.urls[0])
        if self.epaper is not None:
            parts = urlsplit(self.epaper.template())
            return f"{parts.scheme}://{parts.netloc}/"
        return str(self.feed or self.sitemap)

    def effective_authority(self) -> str | None:
        """`authority`, else guessed from the host (None when nothing can be said)."""
        return self.authority or authority_of(self.url())


def authority_of(url: str) -> str | None:
    """statistics_bureau for stats.gov.cn, tjj.* / stats.* under gov.cn and 统计 hosts; government for gov.cn."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    try:
        shown = host.encode("ascii").decode("idna")
    except UnicodeError:
        shown = host
    if "统计" in shown or host == "stats.gov.cn" or host.endswith(".stats.gov.cn"):
        return "statistics_bureau"
    if host == "gov.cn" or host.endswith(".gov.cn"):
        return "statistics_bureau" if host.split(".")[0] in ("tjj", "stats", "tjgb") else "government"
    return None


@dataclass
class SourceList:
    sources: list[Source] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _entry_lines(text: str) -> list[int]:
    """The line (from 1) where each entry of the `sources:` list starts."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "sources" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _absolute(entry: Any, base: str) -> Any:
    """The entry with its URLs joined to the file's `base_url`."""
    if not isinstance(entry, dict):
        return entry
    entry = dict(entry)
    for key in ("feed", "sitemap"):
        if isinstance(entry.get(key), str):
            entry[key] = urljoin(base, entry[key])
    for key, fields in (("listing", ("urls",)), ("epaper", ("edition", "base"))):
        if isinstance(entry.get(key), dict):
            part = dict(entry[key])
            for name in fields:
                if isinstance(part.get(name), str):
                    part[name] = urljoin(base, part[name])
                elif isinstance(part.get(name), list):
                    part[name] = [urljoin(base, u) if isinstance(u, str) else u for u in part[name]]
            entry[key] = part
    return entry


def parse_sources(text: str, base_url: str | None = None) -> SourceList:
    """Validate every entry; keep the good ones, describe the bad ones ("line 12: entry 3 (id): where: why").
    `base_url`, when given, replaces the file's own."""
    result = SourceList()
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        result.problems.append(f"not valid YAML: {exc}")
        return result
    entries = doc.get("sources") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        result.problems.append("expected a top-level 'sources:' list")
        return result
    base = base_url or doc.get("base_url")
    if base is not None and (not isinstance(base, str) or urlsplit(base).scheme not in ("http", "https")):
        result.problems.append(f"base_url: not an http(s) URL: {base!r}")
        base = None
    lines = _entry_lines(text)
    seen: set[str] = set()
    for position, entry in enumerate(entries, 1):
        where = f"line {lines[position - 1]}: entry {position}" if position <= len(lines) else f"entry {position}"
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            where += f" ({entry['id']})"
        try:
            source = Source.model_validate(_absolute(entry, base) if base else entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"]) or "entry"
            result.problems.append(f"{where}: {loc}: {first['msg'].removeprefix('Value error, ')}")
            continue
        if source.id in seen:
            result.problems.append(f"{where}: duplicate id {source.id!r}")
        else:
            seen.add(source.id)
            result.sources.append(source)
    return result


def sources_json_schema() -> dict[str, Any]:
    """The JSON Schema of a sources file (schemas/sources.schema.json is this, written out)."""
    entry = Source.model_json_schema()
    defs = entry.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://newsmon.dev/schemas/sources.schema.json",
        "title": "newsmon sources file",
        "description": "Feeds, sitemaps, listing pages and e-paper editions the crawler polls (services/newsmon/crawl/sources.py).",
        "type": "object",
        "required": ["sources"],
        "properties": {
            "base_url": {"type": "string", "description": "URLs in the entries may be relative to this."},
            "sources": {"type": "array", "items": {"$ref": "#/$defs/Source"}},
        },
        "$defs": {**defs, "Source": entry},
    }


class SourceFile:
    """The sources file, re-read when its modification time changes (no restart needed)."""

    def __init__(self, path: Path, base_url: str | None = None) -> None:
        self.path = path
        self.base_url = base_url
        self._stamp: tuple[float, int] | None = None
        self.current = SourceList()

    def reload(self) -> bool:
        """Re-read the file if it changed; True when it did. Problems are logged and kept."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            if self._stamp != (0.0, 0):
                self._stamp = (0.0, 0)
                self.current = SourceList(problems=[f"{self.path} does not exist"])
                log.error("sources file %s does not exist", self.path)
                return True
            return False
        stamp = (stat.st_mtime, stat.st_size)
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        self.current = parse_sources(self.path.read_text(encoding="utf-8"), self.base_url)
        for problem in self.current.problems:
            log.error("sources file %s: %s", self.path, problem)
        log.info("sources file %s: %d sources", self.path, len(self.current.sources))
        return True
