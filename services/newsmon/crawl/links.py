"""Links on a listing or e-paper page: which lead to articles, which to the next page. Pure functions.

`parse_page` decodes and parses a page once; `article_links` picks the article links (by a URL
pattern and/or CSS selector when the source gives them, else by what article URLs look like)
with the date printed beside each in the list; `next_page` finds the next-page link. Image-map
`<area>` links count as links (e-paper page maps are made of them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from posixpath import basename, splitext
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from newsmon.crawl.decode import decode_html
from newsmon.crawl.urls import canonical_url

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: File types that are never articles.
ASSET_SUFFIXES = frozenset(
    ".css .js .json .xml .rss .jpg .jpeg .png .gif .bmp .webp .svg .ico .pdf .doc .docx .xls .xlsx .ppt .pptx "
    ".zip .rar .7z .gz .mp3 .mp4 .avi .flv .swf .apk .exe .txt .wps .ofd".split()
)
#: Link texts of navigation rather than content.
NAV_TEXTS = frozenset(
    "首页 上一页 下一页 上页 下页 尾页 末页 前页 后页 更多 更多>> 更多>  返回 返回首页 打印 关闭 关闭窗口 登录 注册 "
    "网站地图 联系我们 english next prev previous more home".split()
)
NEXT_TEXTS = frozenset("下一页 下页 后页 下一页> 下一页>> next next> next» > › » >>".split())
#: Paths of listing and navigation pages: index.html, index_2.html, list_3.htm, default.aspx, node_12.htm.
_LIST_PAGE = re.compile(r"^(?:index|default|list|more|node|column|channel)(?:[_-]\w+)?$", re.IGNORECASE)
#: An article path carries a long number (t20240108_4180013, content_123, /2024/01/08/) or an id.
_ARTICLE_MARK = re.compile(r"\d{4,}|/\d{4}[-/]?\d{2}/|[?&](?:id|aid|articleid|docid|newsid|contentid)=\w", re.IGNORECASE)
_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)\s*(?:年|-|/|\.)\s*(1[0-2]|0?[1-9])\s*(?:月|-|/|\.)\s*(3[01]|[12]\d|0?[1-9])(?!\d)"
)
#: Second-level labels under which a site is three labels long (gov.cn: shiyan.gov.cn is the site).
_GENERIC_SLD = frozenset({"com", "net", "org", "gov", "edu", "ac", "mil"})
#: Elements that hold one row of a list: the date beside a link is looked for in the nearest one.
_ROW_TAGS = ("li", "tr", "dd", "dt", "p", "div", "td")


@dataclass(frozen=True)
class Link:
    """An article (or page) link: canonical absolute URL, its text, the list's date for it (or None)."""

    url: str
    text: str
    date: datetime | None = None


@dataclass(frozen=True)
class ParsedPage:
    tree: etree._Element
    base: str
    encoding: str


def parse_page(body: bytes, url: str, content_type: str | None = None) -> ParsedPage | None:
    """Decoded and parsed HTML with its base URL (a <base href> wins), or None when unparseable."""
    html, encoding = decode_html(body, content_type)
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    base = url
    for element in tree.iter("base"):
        if element.get("href"):
            try:
                base = urljoin(url, element.get("href").strip())
            except ValueError:
                pass
            break
    return ParsedPage(tree, base, encoding)


def site_of(host: str) -> str:
    """The registrable part of a host: news.shiyan.gov.cn -> shiyan.gov.cn, www.example.com -> example.com."""
    labels = host.lower().rstrip(".").split(".")
    if ":" in host or labels[-1].isdigit():  # an address is its own site
        return host.lower()
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GENERIC_SLD:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(url: str, other: str) -> bool:
    a, b = urlsplit(url).hostname or "", urlsplit(other).hostname or ""
    return bool(a) and (a == b or site_of(a) == site_of(b))


def looks_like_article(url: str) -> bool:
    """The default test: not an asset, not a list or index page, and an id or date in the URL."""
    parts = urlsplit(url)
    path = parts.path
    if path.endswith("/") and not parts.query:
        return False
    stem, suffix = splitext(basename(path))
    if suffix.lower() in ASSET_SUFFIXES:
        return False
    if _LIST_PAGE.match(stem) and not re.search(r"[?&](?:id|aid|articleid|docid|newsid|contentid)=", parts.query, re.I):
        return False
    return bool(_ARTICLE_MARK.search(path + ("?" + parts.query if parts.query else "")))


def _text(element: etree._Element) -> str:
    return re.sub(r"\s+", " ", element.text_content() if hasattr(element, "text_content") else "").strip() or (
        element.get("title") or element.get("alt") or "").strip()


def _absolute(base: str, href: str | None) -> str | None:
    """The canonical absolute http(s) URL of an href, or None (javascript:, mailto:, malformed)."""
    if not href:
        return None
    href = href.strip()
    if href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    try:
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        return canonical_url(url)
    except ValueError:
        return None


def list_date(anchor: etree._Element) -> datetime | None:
    """The date printed in the link's row (its <li>, <tr>, …), as midnight Asia/Shanghai; None if none.

    The anchor's own text is searched last: a headline may hold a period ("2024年1月"), not a date.
    """
    row = anchor.getparent()
    depth = 0
    while row is not None and depth < 3 and not (isinstance(row.tag, str) and row.tag in _ROW_TAGS):
        row, depth = row.getparent(), depth + 1
    if row is None:
        return None
    own = _text(anchor)
    rest = re.sub(r"\s+", " ", row.text_content()).replace(own, " ", 1) if own else row.text_content()
    if len(rest) > 200:  # a container of many rows, not one row
        return None
    for candidate in (rest, own):
        for match in _DATE.finditer(candidate):
            try:
                return datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=SHANGHAI)
            except ValueError:
                continue
    return None


def _anchors(root: etree._Element) -> list[etree._Element]:
    return [el for el in root.iter("a", "area") if el.get("href")]


def article_links(page: ParsedPage, *, pattern: str | None = None, selector: str | None = None,
                  same_site_only: bool = True) -> list[Link]:
    """Article links of a listing page, in page order, each once.

    `selector` narrows the candidates to the matched links (or the links inside the matched
    elements); `pattern` (a regex searched in the absolute URL) replaces the default test
    `looks_like_article`. Links to other sites are dropped unless `same_site_only` is False.
    """
    if selector:
        candidates = []
        for element in CSSSelector(selector)(page.tree):
            candidates.extend([element] if element.tag in ("a", "area") and element.get("href") else _anchors(element))
    else:
        candidates = _anchors(page.tree)
    compiled = re.compile(pattern) if pattern else None
    links: dict[str, Link] = {}
    for anchor in candidates:
        url = _absolute(page.base, anchor.get("href"))
        if url is None or url in links or (same_site_only and not same_site(url, page.base)):
            continue
        text = _text(anchor)
        if compiled is not None:
            if not compiled.search(url):
                continue
        elif text.lower() in NAV_TEXTS or not looks_like_article(url):
            continue
        links[url] = Link(url, text, list_date(anchor))
    return list(links.values())


def next_page(page: ParsedPage, selector: str | None = None) -> str | None:
    """The next page's URL: the first link `selector` matches, else a link reading 下一页 / next / ›."""
    if selector:
        for element in CSSSelector(selector)(page.tree):
            anchors = [element] if element.get("href") else _anchors(element)
            for anchor in anchors:
                if url := _absolute(page.base, anchor.get("href")):
                    return url
        return None
    for anchor in page.tree.iter("a"):
        text = _text(anchor).replace(" ", "").lower()
        if text in NEXT_TEXTS or (anchor.get("rel") or "").lower() == "next":
            url = _absolute(page.base, anchor.get("href"))
            if url and url != canonical_url(page.base):
                return url
    return None


def numbered_page(index_url: str, template: str, n: int) -> str:
    """Page `n` of a listing (0: the index itself; 1: the first further page, as TRS CMSes count)."""
    return index_url if n == 0 else canonical_url(urljoin(index_url, template.format(n=n)))
