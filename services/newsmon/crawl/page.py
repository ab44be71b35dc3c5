"""HTML page → `Page`: main text and the metadata a news article carries.

Steps, each a plain function:
  1. decode the bytes (`decode.decode_html`), parse once with lxml: every later step reads that
     tree (readability a copy, as it edits what it reads; trafilatura copies it itself);
  2. main text: readability's main block (trafilatura's port of readability-lxml: best on
     Chinese portal pages), trafilatura as the fallback when that block is short; blocks become
     lines, captions and credits dropped;
  3. publish time: structured data first (JSON-LD, meta tags), then a labelled date in the page
     (发布时间：…), then the date nearest above the main text, then htmldate;
  4. author: meta / JSON-LD names that look like people, then Chinese bylines (作者：, 记者, 编辑：,
     执笔, 文/, "（记者 某某）" closing a story, "某某 发表于" on forums). 来源 is a source, not an
     author.
Bounded work: the HTML is cut to `MAX_HTML_CHARS` before parsing, giant trees skip the
super-linear extractors (`MAX_ELEMENTS`), and every regex is linear.
"""

from __future__ import annotations

import json
import logging
import re
from copy import deepcopy
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import htmldate
import lxml.html
import trafilatura
from cssselect import SelectorError, SelectorSyntaxError
from lxml import etree
from lxml.cssselect import CSSSelector
from trafilatura.readability_lxml import Document

from newsmon.crawl.decode import decode_html

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Parsing and extraction see at most this much HTML (characters); news pages are far smaller.
MAX_HTML_CHARS = 3_000_000
#: Pages with more elements than this skip readability and trafilatura (super-linear on them).
MAX_ELEMENTS = 20_000
#: readability's block is replaced by trafilatura's text when it is shorter than this share of it.
MIN_READABILITY_SHARE = 0.2
#: trafilatura's text trims readability's edges only when it holds at least this share of it.
MIN_ANCHOR_SHARE = 0.3
#: How far above the main text (characters of page text) the header with date and byline may sit.
HEADER_WINDOW = 400
#: Lines at least this long locate the main text in the page (shorter ones repeat: titles).
LOCATE_LINE_CHARS = 20
#: How far below the main text an editor / reporter line may sit.
FOOTER_WINDOW = 300
#: Dates outside this range are page furniture (copyright years, calendars), not publication.
EARLIEST = datetime(1990, 1, 1, tzinfo=SHANGHAI)

BLOCK_TAGS = frozenset(
    "address article aside blockquote br center dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td th thead tr ul".split()
)
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "textarea", "select", "button")
#: Meta names / properties that hold the publication time, best first.
DATE_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "og:release_date",
    "publishdate", "publish_date", "publish-date", "pubdate", "datepublished", "publishtime",
    "dc.date.issued", "dcterms.issued", "dc.date", "sailthru.date", "firstpublishedtime", "createdate",
)
AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "citation_author", "byl")
#: Words marking an organisation or site rather than a person, in meta authors and bylines.
NOT_A_PERSON = re.compile(
    r"(网|报|社|台|刊|站|集团|中心|新闻|频道|客户端|公司|编辑部|委员会|政府|贡献者|www|http|\.com|\.cn|team|inc\b|ltd|corp|\d)",
    re.IGNORECASE,
)

_SPACE = r"[ \t\u00a0\u3000]"
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)" + _SPACE + r"*(?:年|-|/|\.)" + _SPACE + r"*(?P<m>1[0-2]|0?[1-9])" + _SPACE
    + r"*(?:月|-|/|\.)" + _SPACE + r"*(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)" + _SPACE + r"*日?"
    + r"(?:[ \t\u00a0\u3000T]*(?P<H>[01]?\d|2[0-3])[:：时](?P<M>[0-5]\d)(?:[:：分](?P<S>[0-5]\d))?)?"
)
#: Month/day/year, as old ASP sites print it ("发布日期： 9/17/2004 5:54:13 AM"); only after a label.
_US_DATE = re.compile(
    r"(?<![\d/])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/(?P<y>(?:19|20)\d\d)"
    r"(?:\s+(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?\s*(?P<ampm>[AP]M)?)?",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(
    r"(?:(?:发布|发表|发稿|更新|刊发|录入|上传|出版|成文)(?:时间|日期|于)|(?<![\u4e00-\u9fa5])(?:时间|日期))"
    + _SPACE + r"*[:：]?" + _SPACE + r"*$"
)
#: A Chinese personal name, ending where a name can end: not inside a longer run of Han
#: characters (unless a role word follows, as in "周炜本报记者") and not before a colon.
_NAME = r"[\u4e00-\u9fa5·]{2,4}(?=$|[^\u4e00-\u9fa5:：·]|本报|记者|通讯员|实习生|报道|摄)"
_NAMES = rf"((?:{_NAME})(?:[ \u3000、,，]{{1,2}}(?:{_NAME}))*)"
#: Labels that may follow a newspaper or agency name ("光明日报记者 某某", "本报记者 某某").
_REPORTER = r"(?:记者|通讯员|实习生|特约撰稿人)"
#: Labels that must stand alone (so "制作者" is not "作者").
_WRITER = r"(?<![\u4e00-\u9fa5])(?:作者|撰文|撰稿|执笔人?|编辑|责任编辑|责编|文|图文|文图)"
_BYLINE = re.compile(
    rf"(?:{_REPORTER}|{_WRITER})" + _SPACE + r"*(?:[:：/|｜]" + _SPACE + r"*|" + _SPACE + r"+)" + _NAMES
)
_CLOSING_BYLINE = re.compile(
    r"[（(]" + _SPACE + r"*(?:[\u4e00-\u9fa5]{0,6}" + _REPORTER + ")?" + _SPACE + r"*" + _NAMES
    + r"(?:" + _SPACE + r"+[\u4e00-\u9fa5]{0,8}报道)?" + _SPACE + r"*[)）]"
)
#: Forum and blog bylines name a user handle ("作者：放飞&心情", "ggjjzhzz 发表于 …").
_HANDLE = r"([\w&.\-]{2,20})(?![\w&.\-=])"
_AUTHOR_HANDLE = re.compile(r"(?<![\u4e00-\u9fa5])(?:作者|发帖人|楼主)[:：]" + _SPACE + "*" + _HANDLE)
_FORUM_BYLINE = re.compile(r"(?<![\w&])" + _HANDLE + _SPACE + r"*(?:发表于|发表时间)", re.IGNORECASE)
#: Words that a byline pattern may catch in place of a name.
NOT_NAMES = frozenset("本报 本台 本刊 本网 报道 摄影 通讯员 记者 编辑 来源 出处 日期 时间 发布 综合 整理 实习生 见习 特约 图片 口述 声明 网友 未完待续 待续 全文完".split())
#: Lines that are picture captions or credits, not article text.
_CAPTION = re.compile(
    r"^(?:.{0,40}(?:摄|摄影|供图|图片来源[:：].*)|[（(]?图片?[:：/].{0,30}|\(?(?:资料)?图\)?|"
    r"(?:责任编辑|责编|编辑|来源|原标题)[:：].{0,40})$"
)


#: Characters XML forbids, raw or as numeric references ("&#28", "&#x1b;"): libxml2's HTML parser
#: lets them into the tree, and lxml then refuses them wherever readability or trafilatura copy
#: text from one node to another. Raw ones are dropped first, then references become a space, so
#: that no new reference can form from the text around a removed one.
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_XML_REFS = re.compile(
    r"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01]|6553[45])(?!\d)|[xX]0*(?:[0-8bcefBCEF]|1[\da-fA-F]|[fF]{3}[eEfF])(?![\da-fA-F]));?"
)


@dataclass(frozen=True)
class Page:
    """What the crawler keeps of an HTML page; `text` holds paragraphs separated by newlines."""

    title: str | None
    text: str
    published_at: datetime | None
    author: str | None
    site_name: str | None
    canonical_url: str | None
    encoding: str

    def to_json(self) -> dict:
        """JSON-ready dict: `published_at` as ISO 8601 (or None)."""
        record = asdict(self)
        record["published_at"] = self.published_at.isoformat() if self.published_at else None
        return record


def extract_page(body: bytes, url: str | None = None, content_type: str | None = None,
                 hints: dict[str, str | None] | None = None) -> Page:
    """Extract a `Page` from raw HTML bytes. Never raises on bad input: junk gives an empty text.

    `hints` (a source's `extract:` entry) maps "body", "title" and "date" to CSS selectors that
    win over the general rules when they match something; one that matches nothing is ignored.
    """
    html, encoding = decode_html(body, content_type)
    html = _NOT_XML_REFS.sub(" ", _NOT_XML_CHARS.sub("", html[:MAX_HTML_CHARS]))
    tree = _parse(html)
    if tree is None:
        return Page(None, "", None, None, None, url, encoding)
    hints = hints or {}
    hinted_title = _hinted(tree, hints.get("title"))
    hinted_date = _hinted(tree, hints.get("date"))
    meta = _meta(tree)
    text = _hinted_body(tree, hints.get("body")) or _main_text(tree)
    page_text = _visible_text(tree)
    start, end = _locate(page_text, text)
    header = page_text[max(0, start - HEADER_WINDOW) : start]
    footer = page_text[end : end + FOOTER_WINDOW]
    try:  # title and site name; its date search kept short: htmldate runs below only when needed
        doc = trafilatura.extract_metadata(tree, default_url=url, extensive=False)
    except Exception as error:  # it runs htmldate, which raises on odd dates ("+68:00" offsets)
        logging.getLogger(__name__).debug("trafilatura metadata failed: %s", error)
        doc = None
    return Page(
        title=hinted_title or (doc.title if doc and doc.title else _title(tree)),
        text=text,
        published_at=(_parse_date(hinted_date) if hinted_date else None) or _published(tree, meta, page_text, header, text),
        author=_author(meta, header, text, footer),
        site_name=doc.sitename if doc else None,
        canonical_url=_canonical(tree) or url,
        encoding=encoding,
    )


def _select(tree: etree._Element, selector: str | None) -> list[etree._Element]:
    if not selector:
        return []
    try:
        return CSSSelector(selector)(tree)
    except (SelectorError, SelectorSyntaxError, etree.XPathError):  # checked when the sources file loads
        return []


def _hinted(tree: etree._Element, selector: str | None) -> str | None:
    """Whitespace-collapsed text of the first element `selector` matches, if any has text."""
    for element in _select(tree, selector):
        text = re.sub(r"\s+", " ", element.text_content()).strip()
        if text:
            return text
    return None


def _hinted_body(tree: etree._Element, selector: str | None) -> str:
    """Block text of every element `selector` matches, in document order (copies: the tree stays whole)."""
    return "\n".join(t for element in _select(tree, selector) if (t := _block_text(deepcopy(element))))


# --- parsing ---------------------------------------------------------------------------------


def _parse(html: str) -> etree._Element | None:
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    _drop(list(tree.iter(etree.Comment, etree.ProcessingInstruction)))
    return tree


def _drop(elements: list) -> None:
    """Remove elements from their tree, keeping their tails."""
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()


def _meta(tree: etree._Element) -> dict[str, str]:
    """Lower-cased meta name/property/itemprop → first non-empty content."""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("name") or element.get("property") or element.get("itemprop") or "").strip().lower()
        value = (element.get("content") or "").strip()
        if key and value:
            found.setdefault(key, value)
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        for item in _json_ld_items(script.text or ""):
            for key in ("datePublished", "dateCreated"):
                if isinstance(item.get(key), str):
                    found.setdefault(key.lower(), item[key])
            names = _ld_names(item.get("author"))
            if names:
                found.setdefault("author", " ".join(names))
    return found


def _json_ld_items(source: str) -> list[dict]:
    try:
        data = json.loads(source)
    except (json.JSONDecodeError, RecursionError):
        return []
    items = data if isinstance(data, list) else [data]
    graphs = [item.get("@graph") for item in items if isinstance(item, dict)]
    graph = [node for nodes in graphs if isinstance(nodes, list) for node in nodes]
    return [item for item in items + graph if isinstance(item, dict)]


def _ld_names(author: object) -> list[str]:
    authors = author if isinstance(author, list) else [author]
    names = [a.get("name") if isinstance(a, dict) else a for a in authors]
    return [name for name in names if isinstance(name, str) and name.strip()]


def _title(tree: etree._Element) -> str | None:
    title = tree.findtext(".//title")
    return title.strip() if title and title.strip() else None


def _canonical(tree: etree._Element) -> str | None:
    for link in tree.xpath('//link[@rel="canonical"][@href]'):
        return link.get("href").strip() or None
    return None


# --- main text -------------------------------------------------------------------------------


def _main_text(tree: etree._Element) -> str:
    """readability's main block (good recall on portal pages), its edges trimmed by trafilatura.

    readability tends to take a container one level too big (title, date line, share buttons,
    footer); trafilatura is precise at the edges but loses blocks in the middle on older
    table layouts. Lines before the first and after the last line trafilatura also kept are
    dropped. If readability finds little, trafilatura's text is used. Past `MAX_ELEMENTS` both
are skipped for the plain block text of the body: their cost grows faster than linearly.
    trafilatura runs fast (no fallback of its own): its fallback is readability and jusText,
    and readability has just run here.
    """
    if sum(1 for _ in tree.iter()) > MAX_ELEMENTS:
        return _block_text(tree.find("body") if tree.find("body") is not None else tree)
    readable = ""
    try:
        summary = Document(deepcopy(tree)).summary()  # it edits the tree it is given
        readable = _block_text(lxml.html.fragment_fromstring(summary, create_parent="div"))
    except Exception as error:  # readability raises bare Exception subclasses on odd markup
        logging.getLogger(__name__).debug("readability failed: %s", error)
    precise = _clean_lines(
        (trafilatura.extract(tree, include_tables=True, deduplicate=True, fast=True) or "").splitlines()
    )
    if len(_compact(readable)) < MIN_READABILITY_SHARE * len(_compact(precise)):
        return precise
    lines = readable.splitlines()
    anchor = _compact(precise)
    kept = [i for i, line in enumerate(lines) if _compact(line) and _compact(line) in anchor]
    if not kept or len(anchor) < MIN_ANCHOR_SHARE * len(_compact(readable)):
        return readable
    return "\n".join(lines[kept[0] : kept[-1] + 1])


def _block_text(root: etree._Element) -> str:
    """Text of an element with a line break at every block boundary, captions dropped."""
    _drop(list(root.iter(*DROP_TAGS)))
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        block = isinstance(element.tag, str) and element.tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        if isinstance(element.tag, str) and element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    return _clean_lines("".join(parts).splitlines())


def _clean_lines(lines: list[str]) -> str:
    kept = []
    for line in lines:
        line = re.sub(r"[ \t\u00a0\u3000\r\f\v\u200b\ufeff\ufffd]+", " ", line).strip()
        if line and not _CAPTION.match(line):
            kept.append(line)
    return "\n".join(kept)


def _compact(text: str) -> str:
    return "".join(text.split())


def _visible_text(tree: etree._Element) -> str:
    """The page's text, whitespace collapsed, scripts and styles left out."""
    body = tree.find("body")
    root = body if body is not None else tree
    parts = [
        text
        for text in root.xpath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")
    ]
    return re.sub(r"\s+", " ", " ".join(parts))


def _locate(page_text: str, text: str) -> tuple[int, int]:
    """(start, end) of the main text inside the page text, found by its first and last long lines.

    Long lines only: a short first line (the title) also occurs in the page header.
    """
    lines = [line for line in text.splitlines() if len(line) >= LOCATE_LINE_CHARS]
    if not lines:
        return len(page_text), len(page_text)
    first = page_text.find(re.sub(r"\s+", " ", lines[0])[:30])
    tail = re.sub(r"\s+", " ", lines[-1])[-30:]
    last = page_text.rfind(tail)
    start = first if first >= 0 else 0
    end = last + len(tail) if last >= start else start
    return start, end


# --- publish time ----------------------------------------------------------------------------


def _published(tree: etree._Element, meta: dict[str, str], page_text: str, header: str, text: str) -> datetime | None:
    if when := _labelled_date(_DATE, page_text):
        return when
    for key in (*DATE_META, "datepublished", "datecreated"):
        if key in meta and (when := _parse_date(meta[key])):
            return when
    if when := _labelled_date(_US_DATE, page_text):  # ambiguous (6/2 is 6 Feb in France): after meta
        return when
    header_dates = [when for match in _DATE.finditer(header) if (when := _from_match(match))]
    if header_dates:
        return header_dates[-1]
    for match in _DATE.finditer(text[:200]):
        if when := _from_match(match):
            return when
    try:
        # not its extensive text search: in a page without a date it takes figures ("12007万元") for years
        found = htmldate.find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d %H:%M:%S")
    except Exception as error:  # htmldate raises assorted errors on odd markup
        logging.getLogger(__name__).debug("htmldate failed: %s", error)
        found = None
    return _parse_date(found) if found else None


def _labelled_date(pattern: re.Pattern, page_text: str) -> datetime | None:
    for match in pattern.finditer(page_text):
        if _DATE_LABEL.search(page_text[max(0, match.start() - 12) : match.start()]) and (when := _from_match(match)):
            return when
    return None


def _parse_date(value: str) -> datetime | None:
    value = value.strip()
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        match = _DATE.search(value)
        return _from_match(match) if match else None
    return _plausible(when)


def _from_match(match: re.Match) -> datetime | None:
    groups = match.groupdict()
    parts = {key: int(value) for key, value in groups.items() if value and key != "ampm"}
    if (groups.get("ampm") or "").upper() == "PM" and parts.get("H", 12) < 12:
        parts["H"] += 12
    try:
        when = datetime(parts["y"], parts["m"], parts["d"], parts.get("H", 0), parts.get("M", 0), parts.get("S", 0))
    except ValueError:
        return None
    return _plausible(when)


def _plausible(when: datetime) -> datetime | None:
    try:
        when = when.replace(tzinfo=SHANGHAI) if when.tzinfo is None else when.astimezone(SHANGHAI)
    except OverflowError:  # 9999-12-31T23:00-05:00 is in year 10000 in Shanghai
        return None
    if not EARLIEST <= when <= datetime.now(timezone.utc) + timedelta(days=2):
        return None
    return when


# --- author ----------------------------------------------------------------------------------


def _author(meta: dict[str, str], header: str, text: str, footer: str) -> str | None:
    names: list[str] = []
    for key in AUTHOR_META:
        value = meta.get(key, "")
        if value and not NOT_A_PERSON.search(value) and len(value) <= 40:
            names.extend(re.split(r"[;；,，、]\s*", value))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    zones = [header, *lines[:4], *lines[-3:], footer]
    for zone in zones:
        for match in _BYLINE.finditer(zone):
            names.extend(_names(match.group(1)))
        for match in _AUTHOR_HANDLE.finditer(zone):
            names.append(match.group(1))
    for line in lines[-3:]:
        if match := _CLOSING_BYLINE.search(line[-40:]):
            names.extend(_names(match.group(1)))
    if match := _FORUM_BYLINE.search(header):
        names.append(match.group(1))
    names = [name for name in dict.fromkeys(name.strip() for name in names) if _personal(name)]
    return " ".join(names) or None


def _personal(name: str) -> bool:
    """False for what a pattern caught that cannot be a name: a long run of Han characters."""
    return bool(name) and not re.fullmatch(r"[\u4e00-\u9fa5]{5,}", name)


def _names(group: str) -> list[str]:
    return [
        name
        for name in re.split(r"[ \u3000、,，]+", group)
        if name and name not in NOT_NAMES and not NOT_A_PERSON.search(name)
    ]
