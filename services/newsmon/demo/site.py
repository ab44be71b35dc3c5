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
- `/gov/tjsj/index.html`, `index_1.html`, …: a government portal's paginated GBK list pages and
  their articles, dates in the list and the body, none in meta tags (demo/portal.py).
- `/epaper/html/<yyyy>-<mm>/<dd>/node_<p>.htm`: a 7-day e-paper, page indexes with image maps,
  column-wrapped articles and one scanned page per edition (demo/epaper.py).
- `POST /admin/publish[?reprint=1]` publishes the next article at once and returns its URL
  (`?section=portal`: a new portal article, at the top of its list page 1);
  `GET /admin/articles` lists every published feed article with its expected indicators (the
  ground truth for end-to-end tests), `GET /admin/sections` the portal's and the e-paper's.
  All answer loopback clients only.

New articles appear every `interval_s` seconds (0: only on /admin/publish), every
REPRINT_EVERY-th a repost of an earlier one. Articles come from
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
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from importlib.resources import files
from string import Template
from xml.etree import ElementTree as ET

from aiohttp import web

from newsmon.demo import epaper, portal
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
#: Every so many articles published over time, one is a repost of an earlier one (another section's copy).
REPRINT_EVERY = 6
#: Portal articles online at start (one a day back from now): three list pages.
PORTAL_BACKLOG = 20
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

    def __init__(self, seed: int, backlog: int, interval_s: float, portal_backlog: int = PORTAL_BACKLOG) -> None:
        self.interval_s = interval_s
        self.seed = seed
        self.generator = ArticleGenerator(seed)
        self.published: list[PublishedArticle] = []
        self.by_path: dict[str, PublishedArticle] = {}
        now = datetime.now(UTC).replace(microsecond=0)
        self.etag_prefix = f"{seed}-{int(now.timestamp())}"  # a restart with other dates gets new ETags
        self.changed_at = {section: now for section in SECTIONS}
        for position in range(backlog):
            self._add(now - BACKLOG_SPACING * (backlog - position), reprint=False)
        self.portal = portal.Portal(seed, portal_backlog, now)

    def today(self) -> date:
        """The e-paper's newest edition: today in Asia/Shanghai."""
        return datetime.now(SHANGHAI).date()

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


def create_app(seed: int = 7, backlog: int = 20, interval_s: float = 30.0,
               portal_backlog: int = PORTAL_BACKLOG) -> web.Application:
    """The demo site with `backlog` articles already published (90 minutes apart, up to now)
    and, if `interval_s` > 0, a new one every `interval_s` seconds while the app runs; its
    portal has `portal_backlog` articles (one a day), its e-paper the last seven editions."""
    app = web.Application()
    app[STATE] = SiteState(seed, backlog, interval_s, portal_backlog)
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
        web.get("/gov/tjsj/", _portal_list),
        web.get(r"/gov/tjsj/{page:index(_\d+)?\.html}", _portal_list),
        web.get(r"/gov/tjsj/{month:\d{6}}/{slug}.html", _portal_article),
        web.get(r"/epaper/html/{month:\d{4}-\d{2}}/{day:\d{2}}/node_{page:\d+}.htm", _epaper_page),
        web.get(r"/epaper/html/{month:\d{4}-\d{2}}/{day:\d{2}}/content_{number:\d+}.htm", _epaper_article),
        web.post("/admin/publish", _admin_publish),
        web.get("/admin/articles", _admin_articles),
        web.get("/admin/sections", _admin_sections),
    ])
    return app


async def _publish_periodically(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: publish every interval_s seconds while the app runs."""
    state = app[STATE]

    async def loop() -> None:
        while True:
            await asyncio.sleep(state.interval_s)
            state.publish(reprint=len(state.published) % REPRINT_EVERY == REPRINT_EVERY - 1)

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


# --- portal and e-paper ------------------------------------------------------------------------


async def _portal_list(request: web.Request) -> web.Response:
    site = request.app[STATE].portal
    name = request.match_info.get("page", "index.html")
    n = 0 if name == "index.html" else int(name.removeprefix("index_").removesuffix(".html"))
    if n >= site.pages():
        raise web.HTTPNotFound()
    etag, changed_at = site.etag(), site.changed_at
    headers = {"ETag": etag, "Last-Modified": format_datetime(changed_at, usegmt=True)}
    if _not_modified(request, etag, changed_at):
        return web.Response(status=304, headers=headers)
    page = portal.render_list(site, n, vocabulary()["site_name"])
    return web.Response(body=page.encode(portal.CHARSET, "replace"), headers={**headers, "Content-Type": "text/html"})


async def _portal_article(request: web.Request) -> web.Response:
    published = request.app[STATE].portal.by_path.get(request.path)
    if published is None:
        raise web.HTTPNotFound()
    page = portal.render_article(published, vocabulary()["site_name"])
    return web.Response(body=page.encode(portal.CHARSET, "replace"), headers={"Content-Type": "text/html"})


def _edition_day(request: web.Request) -> date:
    state = request.app[STATE]
    try:
        day = date.fromisoformat(f"{request.match_info['month']}-{request.match_info['day']}")
    except ValueError:
        raise web.HTTPNotFound() from None
    if day not in epaper.days(state.today()):
        raise web.HTTPNotFound()
    return day


async def _epaper_page(request: web.Request) -> web.Response:
    state, day = request.app[STATE], _edition_day(request)
    page = int(request.match_info["page"])
    if not 1 <= page <= len(epaper.PAGES):
        raise web.HTTPNotFound()
    text = epaper.render_page(state.seed, day, page, vocabulary()["site_name"], state.today())
    return web.Response(text=text, content_type="text/html", charset="utf-8")


async def _epaper_article(request: web.Request) -> web.Response:
    state, day = request.app[STATE], _edition_day(request)
    number = int(request.match_info["number"])
    article = next((a for a in epaper.edition(state.seed, day) if a.number == number), None)
    if article is None:
        raise web.HTTPNotFound()
    return web.Response(text=epaper.render_article(article, vocabulary()["site_name"]), content_type="text/html",
                        charset="utf-8")


def section_articles(state: SiteState, base: str) -> list[dict]:
    """The portal's and the e-paper's articles as served now: url, title, date, and their stories."""
    listed = [{
        "section": "portal", "url": base + p.path, "title": p.article.title,
        "published_at": p.article.published_at.isoformat(), "dated_in_body": p.dated_in_body,
        "page": None, "stories": [p.article.to_json()],
    } for p in state.portal.articles]
    for day in sorted(epaper.days(state.today())):
        listed += [{
            "section": "epaper", "url": base + a.path, "title": a.title, "published_at": a.published_at.isoformat(),
            "dated_in_body": False, "page": a.page_name, "stories": [story.to_json() for story in a.stories],
        } for a in epaper.edition(state.seed, day)]
    return listed


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
    if request.query.get("section") == "portal":
        added = request.app[STATE].portal.publish(datetime.now(UTC))
        return web.json_response({"url": _base(request) + added.path, "title": added.article.title,
                                  "section": "portal"}, dumps=_dumps)
    published = request.app[STATE].publish(reprint=request.query.get("reprint") in ("1", "true", "yes"))
    return web.json_response(_describe(_base(request), published), dumps=_dumps)


async def _admin_articles(request: web.Request) -> web.Response:
    _require_loopback(request)
    base = _base(request)
    listing = [{**_describe(base, p), "article": p.article.to_json()} for p in request.app[STATE].published]
    return web.json_response(listing, dumps=_dumps)


async def _admin_sections(request: web.Request) -> web.Response:
    _require_loopback(request)
    return web.json_response(section_articles(request.app[STATE], _base(request)), dumps=_dumps)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- running it -------------------------------------------------------------------------------


class DemoSite:
    """The demo site on a real socket in the running event loop (tests, `newsmon demo-site`)."""

    def __init__(self, seed: int = 7, backlog: int = 20, interval_s: float = 0.0,
                 portal_backlog: int = PORTAL_BACKLOG) -> None:
        self.app = create_app(seed, backlog, interval_s, portal_backlog)
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

    async def also_listen(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """One more socket for the same site (after start): a second host for tests. Returns its base URL."""
        assert self._runner is not None, "start() first"
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = site._server.sockets[0].getsockname()[:2]
        return f"http://{bound_host}:{bound_port}"

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

    def portal_url(self) -> str:
        """Page 1 of the portal's 统计数据 list (after start)."""
        return f"{self.base_url}{portal.ROOT}index.html"

    def epaper_template(self) -> str:
        """The e-paper's edition URL template (after start)."""
        return f"{self.base_url}{epaper.ROOT}{{yyyy}}-{{mm}}/{{dd}}/node_1.htm"

    def publish_portal(self) -> portal.PortalArticle:
        """A new portal article now, at the top of list page 1."""
        return self.state.portal.publish(datetime.now(UTC))

    def section_articles(self) -> list[dict]:
        """The portal's and e-paper's articles (see `section_articles`)."""
        return section_articles(self.state, self.base_url or "")
