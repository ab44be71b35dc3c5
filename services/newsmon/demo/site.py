"""The demo news site: generated articles behind RSS feeds, for machines without internet.

What it serves (aiohttp, meant for 127.0.0.1):
- `/`, `/news/`, `/investment/`, `/stats/`: index pages; three sections, each with its own feed
  (`/stats/` carries the district statistics bureaus' releases).
- `/rss.xml` (要闻), `/investment/rss.xml` (招商引资) and `/stats/rss.xml` (统计信息): RSS 2.0, newest 50 items, with ETag and
  Last-Modified; a conditional GET of an unchanged feed gets 304.
- `/news/<yyyy>/<mm>/<slug>.html`: article pages like a Chinese county news CMS (nav bar,
  breadcrumb, info line, picture caption, related links, footer). A third are GBK, declared in a
  <meta>, only in the HTTP header, or nowhere; the rest UTF-8 (PublishedArticle says which).
- `/robots.txt`, `/sitemap.xml`, `/img/<name>` (a 1x1 GIF).
- `POST /admin/publish[?reprint=1]` publishes the next article at once and returns its URL;
  `GET /admin/articles` lists every published article with its expected indicators (the ground
  truth for end-to-end tests). Both answer loopback clients only.

New articles appear every `interval_s` seconds (0: only on /admin/publish). Articles come from
demo.generator, so a seed fixes the texts (their dates follow the wall clock).
"""

from __future__ import annotations

import asyncio
import html
import ipaddress
import json
import zlib
from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from importlib.resources import files
from string import Template
from xml.etree import ElementTree as ET

from aiohttp import web

from newsmon.demo.generator import SHANGHAI, ArticleGenerator, GeneratedArticle, vocabulary

FEED_ITEMS = 50
#: Section -> (name, index path, feed path).
SECTIONS = {
    "news": ("要闻", "/news/", "/rss.xml"),
    "investment": ("招商引资", "/investment/", "/investment/rss.xml"),
    "stats": ("统计信息", "/stats/", "/stats/rss.xml"),  # the district statistics bureaus' releases
}
#: (charset, where it is declared), cycled over publication order so any nine consecutive
#: articles cover every case: "both" = <meta> and HTTP header, "none" = neither.
ENCODINGS = (
    ("utf-8", "both"), ("gbk", "meta"), ("utf-8", "header"), ("utf-8", "http-equiv"), ("gbk", "header"),
    ("utf-8", "both"), ("utf-8", "header"), ("gbk", "none"), ("utf-8", "meta"),
)
BACKLOG_SPACING = timedelta(minutes=90)
_EDITORS = ("刘洋", "陈静", "王芳", "张磊")
_GIF = bytes.fromhex("47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b")


@dataclass(frozen=True, slots=True)
class PublishedArticle:
    """An article as the site serves it."""

    article: GeneratedArticle
    seq: int  # publication order, from 0
    charset: str  # "utf-8" or "gbk"
    declared: str  # where the charset is declared: "both", "meta", "http-equiv", "header" or "none"

    @property
    def path(self) -> str:
        return self.article.path

    @property
    def section(self) -> str:
        return self.article.section


class SiteState:
    """The published articles and each feed's version. Publishing is synchronous and does no I/O."""

    def __init__(self, seed: int, backlog: int, interval_s: float) -> None:
        self.interval_s = interval_s
        self.generator = ArticleGenerator(seed)
        self.published: list[PublishedArticle] = []
        self.by_path: dict[str, PublishedArticle] = {}
        now = datetime.now(UTC).replace(microsecond=0)
        self.etag_prefix = f"{seed}-{int(now.timestamp())}"  # a restart with other dates gets new ETags
        self.changed_at = {section: now for section in SECTIONS}
        for position in range(backlog):
            self._add(now - BACKLOG_SPACING * (backlog - position), reprint=False)

    def publish(self, *, reprint: bool = False) -> PublishedArticle:
        """Publish the next article now; its feed's Last-Modified moves forward by at least 1 s
        (HTTP dates have whole seconds, and a conditional GET must not miss it)."""
        now = datetime.now(UTC).replace(microsecond=0)
        published = self._add(now, reprint=reprint)
        self.changed_at[published.section] = max(now, self.changed_at[published.section] + timedelta(seconds=1))
        return published

    def _add(self, at: datetime, *, reprint: bool) -> PublishedArticle:
        seq = len(self.published)
        charset, declared = ENCODINGS[seq % len(ENCODINGS)]
        published = PublishedArticle(self.generator.next(at, reprint=reprint), seq, charset, declared)
        self.published.append(published)
        self.by_path[published.path] = published
        return published

    def latest(self, section: str | None = None, limit: int = FEED_ITEMS) -> list[PublishedArticle]:
        """Newest first, of one section or all."""
        chosen = [p for p in reversed(self.published) if section is None or p.section == section]
        return chosen[:limit]

    def etag(self, section: str) -> str:
        count = sum(1 for p in self.published if p.section == section)
        return f'"{self.etag_prefix}-{section}-{count}"'


STATE = web.AppKey("state", SiteState)


def create_app(seed: int = 7, backlog: int = 20, interval_s: float = 30.0) -> web.Application:
    """The demo site with `backlog` articles already published (90 minutes apart, up to now)
    and, if `interval_s` > 0, a new one every `interval_s` seconds while the app runs."""
    app = web.Application()
    app[STATE] = SiteState(seed, backlog, interval_s)
    app.cleanup_ctx.append(_publish_periodically)
    app.add_routes([
        web.get("/", _index),
        web.get("/news/", _index),
        web.get("/investment/", _index),
        web.get("/stats/", _index),
        web.get("/rss.xml", _feed),
        web.get("/investment/rss.xml", _feed),
        web.get("/stats/rss.xml", _feed),
        web.get("/robots.txt", _robots),
        web.get("/sitemap.xml", _sitemap),
        web.get(r"/news/{year:\d{4}}/{month:\d{2}}/{slug}.html", _article),
        web.get("/img/{name}", _image),
        web.post("/admin/publish", _admin_publish),
        web.get("/admin/articles", _admin_articles),
    ])
    return app


async def _publish_periodically(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: publish every interval_s seconds while the app runs."""
    state = app[STATE]

    async def loop() -> None:
        while True:
            await asyncio.sleep(state.interval_s)
            state.publish()

    task = asyncio.create_task(loop()) if state.interval_s > 0 else None
    yield
    if task is not None:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


# --- pages -------------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _template(name: str) -> Template:
    return Template(files("newsmon.demo").joinpath(f"data/{name}").read_text("utf-8"))


def _base(request: web.Request) -> str:
    return str(request.url.origin())


def _section_of(path: str) -> str | None:
    return next((section for section, (_, index, feed) in SECTIONS.items() if path in (index, feed)), None)


async def _index(request: web.Request) -> web.Response:
    state = request.app[STATE]
    section = _section_of(request.path)
    blocks = []
    for name in [section] if section else list(SECTIONS):
        items = "\n".join(
            f'<li><a href="{p.path}">{html.escape(p.article.title)}</a>'
            f"<span>{p.article.published_at:%Y-%m-%d}</span></li>"
            for p in state.latest(name, 30)
        )
        blocks.append(f'<div class="list"><h2>{SECTIONS[name][0]}</h2><ul>\n{items}\n</ul></div>')
    page = _template("index.html").substitute(
        site_name=vocabulary()["site_name"], heading=SECTIONS[section][0] if section else "首页",
        sections="\n".join(blocks),
    )
    return web.Response(text=page, content_type="text/html", charset="utf-8")


async def _article(request: web.Request) -> web.Response:
    state = request.app[STATE]
    published = state.by_path.get(request.path)
    if published is None:
        raise web.HTTPNotFound()
    page = render_article(published, state)
    content_type = "text/html"
    if published.declared in ("header", "both"):
        content_type += f"; charset={published.charset.upper() if published.charset == 'gbk' else 'utf-8'}"
    return web.Response(body=page.encode(published.charset), headers={"Content-Type": content_type})


def render_article(published: PublishedArticle, state: SiteState) -> str:
    """The article page as text (the caller encodes it in `published.charset`)."""
    article = published.article
    checksum = zlib.crc32(article.slug.encode())
    indent = "\u3000\u3000" if published.charset == "gbk" else ""  # older GBK CMSes indent with spaces
    paragraphs = [f"<p>{indent}{html.escape(text)}</p>" for text in article.paragraphs]
    picture = (f'<div class="pic"><img src="/img/{article.slug}.gif" alt="">'
               f"<p>{html.escape(article.caption)}</p></div>")
    paragraphs.insert(1, picture)
    related = "\n".join(
        f'    <li><a href="{p.path}">{html.escape(p.article.title)}</a></li>'
        for p in state.latest(published.section, 6) if p is not published
    ) or "    <li>暂无</li>"
    when = article.published_at
    date_meta = (
        "",
        f'<meta name="PubDate" content="{when:%Y-%m-%d %H:%M}">\n<meta name="ContentSource" content="{article.source}">',
        f'<meta property="article:published_time" content="{when.isoformat()}">\n'
        f'<meta name="author" content="{" ".join(article.authors)}">',
    )[published.seq % 3]
    charset_meta = {
        "meta": f'<meta charset="{published.charset}">',
        "both": f'<meta charset="{published.charset}">',
        "http-equiv": f'<meta http-equiv="Content-Type" content="text/html; charset={published.charset}">',
    }.get(published.declared, "")
    name, index, _ = SECTIONS[published.section]
    return _template("article.html").substitute(
        charset_meta=charset_meta, date_meta=date_meta, site_name=vocabulary()["site_name"],
        title=html.escape(article.title), region=article.region_name, section_name=name, section_url=index,
        published=f"{when:%Y-%m-%d %H:%M}", source=article.source, byline=article.byline,
        body="\n".join(paragraphs), editor=_EDITORS[checksum % len(_EDITORS)], related=related,
    )


# --- feeds ------------------------------------------------------------------------------------


def _not_modified(request: web.Request, etag: str, changed_at: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return since.tzinfo is not None and changed_at <= since
    return False


async def _feed(request: web.Request) -> web.Response:
    state = request.app[STATE]
    section = _section_of(request.path)
    etag, changed_at = state.etag(section), state.changed_at[section]
    headers = {"ETag": etag, "Last-Modified": format_datetime(changed_at, usegmt=True)}
    if _not_modified(request, etag, changed_at):
        return web.Response(status=304, headers=headers)
    body = render_feed(_base(request), section, state.latest(section), changed_at)
    return web.Response(body=body, headers={**headers, "Content-Type": "application/rss+xml; charset=utf-8"})


def render_feed(base: str, section: str, items: list[PublishedArticle], changed_at: datetime) -> bytes:
    """An RSS 2.0 document (UTF-8 bytes) listing `items` in the given order."""
    name, index, feed = SECTIONS[section]
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    for tag, text in (("title", f"{vocabulary()['site_name']} - {name}"), ("link", base + index),
                      ("description", f"{name}频道最新稿件"), ("language", "zh-cn"),
                      ("lastBuildDate", format_datetime(changed_at.astimezone(SHANGHAI)))):
        ET.SubElement(channel, tag).text = text
    for published in items:
        article = published.article
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = article.title
        ET.SubElement(item, "link").text = base + article.path
        ET.SubElement(item, "guid", isPermaLink="true").text = base + article.path
        ET.SubElement(item, "pubDate").text = format_datetime(article.published_at)
        ET.SubElement(item, "category").text = article.region_name
        ET.SubElement(item, "description").text = article.paragraphs[0][:80] + "……"
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)


async def _robots(request: web.Request) -> web.Response:
    return web.Response(text=f"User-agent: *\nDisallow: /admin/\nSitemap: {_base(request)}/sitemap.xml\n")


async def _sitemap(request: web.Request) -> web.Response:
    base = _base(request)
    urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    for published in request.app[STATE].latest(limit=1000):
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = base + published.path
        ET.SubElement(url, "lastmod").text = published.article.published_at.isoformat()
    body = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return web.Response(body=body, headers={"Content-Type": "application/xml; charset=utf-8"})


async def _image(request: web.Request) -> web.Response:
    return web.Response(body=_GIF, content_type="image/gif")


# --- admin (loopback only) --------------------------------------------------------------------


def _require_loopback(request: web.Request) -> None:
    try:
        loopback = ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise web.HTTPForbidden(text="admin endpoints answer loopback clients only\n")


def _describe(base: str, published: PublishedArticle) -> dict:
    article = published.article
    return {
        "url": base + article.path, "slug": article.slug, "title": article.title, "section": article.section,
        "feed": base + SECTIONS[article.section][2], "published_at": article.published_at.isoformat(),
        "charset": published.charset, "declared": published.declared, "reprint_of": article.reprint_of,
    }


async def _admin_publish(request: web.Request) -> web.Response:
    _require_loopback(request)
    published = request.app[STATE].publish(reprint=request.query.get("reprint") in ("1", "true", "yes"))
    return web.json_response(_describe(_base(request), published), dumps=_dumps)


async def _admin_articles(request: web.Request) -> web.Response:
    _require_loopback(request)
    base = _base(request)
    listing = [{**_describe(base, p), "article": p.article.to_json()} for p in request.app[STATE].published]
    return web.json_response(listing, dumps=_dumps)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- running it -------------------------------------------------------------------------------


class DemoSite:
    """The demo site on a real socket in the running event loop (tests, `newsmon demo-site`)."""

    def __init__(self, seed: int = 7, backlog: int = 20, interval_s: float = 0.0) -> None:
        self.app = create_app(seed, backlog, interval_s)
        self.state = self.app[STATE]
        self.base_url: str | None = None
        self._runner: web.AppRunner | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on host:port (0: any free port); returns the base URL, e.g. http://127.0.0.1:8800."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.base_url = f"http://{shown}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        """Close the socket and stop periodic publishing (idempotent)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def publish_next(self, *, reprint: bool = False) -> PublishedArticle:
        """Publish the next article now (synchronous: no I/O). It is in its feed at once."""
        return self.state.publish(reprint=reprint)

    @property
    def articles(self) -> list[PublishedArticle]:
        """Every published article, oldest first."""
        return list(self.state.published)

    def url(self, published: PublishedArticle) -> str:
        return f"{self.base_url}{published.path}"

    def feed_urls(self) -> dict[str, str]:
        """Section -> feed URL (after start)."""
        return {section: f"{self.base_url}{feed}" for section, (_, _, feed) in SECTIONS.items()}
