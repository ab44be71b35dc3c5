"""Hypothesis strategies for hostile crawler input: feeds, pages, encodings, text.

Structured rather than uniform: the skeletons reach the parsers' interesting states (DOCTYPEs
with entity declarations, CDATA, broken multibyte sequences, misdeclared charsets) that random
bytes almost never hit.
"""

from __future__ import annotations

import codecs
import json
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Moderate example counts keep the package within a couple of minutes in CI; set
#: NEWSMON_FUZZ_EXAMPLES for a long local run.
FUZZ = settings(
    max_examples=int(os.environ.get("NEWSMON_FUZZ_EXAMPLES", "60")),
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

#: What a file:// external entity would leak if it were ever read.
SECRET = "NEWSMON-FUZZ-SECRET-7f3a"

CHINESE = st.sampled_from(list(
    "今年一季度全市地区生产总值同比增长百分之六点五规模以上工业增加值稳步提高固定资产投资社会消费品零售总额"
    "經濟運行穩中向好全區億萬元個項目簽約第一二三四五六七八九十百千两余多近约达排名位居张湾竹溪"
))
#: Characters that break naive text handling: controls, line separators, BOMs, full-width forms,
#: combining marks, right-to-left text, astral characters, private use, replacement character.
AWKWARD = st.sampled_from([
    "\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\r", "\r\n", "\n\n\n", "\t", "\x0b", "\x0c", "\u2028",
    "\u2029", "\ufeff", "\ufffe", "\ufffd", "\u200b", "\u200d", "\u00ad", "\u3000", "\u00a0", "１２３", "．５",
    "％", "ＡＢＣ", "，", "。", "：", "“", "”", "《", "》", "（", "）", "e\u0301", "\u0300\u0301\u0302", "שלום",
    "مرحبا", "\u202e", "𠀀", "𪚥", "😀", "\U0001f468\u200d\U0001f469", "\ue000", "Ⅻ", "①", "٣", "가", "カ", "ß",
    "İ", "ﬁ", "\u0130", "亿", "万元", "%", "-", "+", "1e308", "9" * 40, "0.000", "·",
])
HOSTILE_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(CHINESE, AWKWARD, st.characters(exclude_categories=["Cs"])), max_size=120).map("".join),
)

# --- feeds -----------------------------------------------------------------------------------

FEED_TAGS = st.sampled_from([
    "rss", "channel", "item", "title", "link", "guid", "description", "pubDate", "feed", "entry", "id",
    "updated", "published", "summary", "content", "author", "name", "rdf:RDF", "dc:date", "content:encoded",
    "media:content", "x", "script", "a", "img", "br", "urlset", "url", "loc", "lastmod", "sitemapindex", "sitemap",
])
URLS = st.one_of(
    st.sampled_from([
        "https://news.example.cn/a/1.html?utm_source=rss", "http://[::1", "http://a.cn:99999/x", "http://a.cn:-1/",
        "http://[zz]/", "javascript:alert(1)", "//no-scheme.cn/a", "http://", "https://xn--/a", "file:///etc/passwd",
        "http://127.0.0.1:1/never-fetched", "http://例子.中国/新闻?a=1&b=%E4%B8%AD", "http://a.cn/&#xD800;",
        "http://a.cn/" + "a" * 5000,
    ]),
    st.builds(lambda host, path: f"http://{host}/{path}", st.text(max_size=20), st.text(max_size=40)),
)
DATES = st.one_of(
    st.sampled_from([
        "Wed, 15 Mar 2023 02:20:00 GMT", "Fri, 31 Dec 9999 23:00:00 -1200", "9999-12-31T23:59:59-12:00",
        "0001-01-01T00:00:00+14:00", "Mon, 01 Jan 0001 00:00:00 +0500", "2023-02-30", "2023-13-45T99:99:99Z",
        "10000-01-01T00:00:00Z", "-0001-01-01", "1970-01-01T00:00:00Z", "2038-01-19T03:14:08Z", "Thu, 01 Jan 1970",
        "2023-03-15T10:20:00+68:00", "2023-03-15 10:20:00 -9999", "Wed, 15 Mar 2023 02:20:00 +9900",
    ]),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.text(max_size=30),
)
CHAR_REFS = st.one_of(
    st.sampled_from(["&#xD800;", "&#55296;", "&#xDFFF;", "&#x110000;", "&#1114112;", "&#0;", "&#x0;", "&#xFFFE;",
                     "&#99999999999999999999;", "&#x;", "&#;", "&#xD800", "&#55296 ", "&amp;", "&lt;", "&nbsp;",
                     "&copy;", "&undefined;", "&", "&#x20AC;"]),
    st.integers(0, 0x11_0000).map(lambda n: f"&#{n};"),
)


@st.composite
def doctypes(draw) -> str:
    """A DOCTYPE with internal (possibly exponential) and external entity declarations."""
    names = [f"e{i}" for i in range(draw(st.integers(0, 12)))]
    decls = []
    for i, name in enumerate(names):
        kind = draw(st.sampled_from(["text", "laugh", "system", "parameter", "public"]))
        if kind == "laugh" and i:
            decls.append(f'<!ENTITY {name} "' + f"&{names[i - 1]};" * draw(st.integers(2, 12)) + '">')
        elif kind == "system":
            decls.append(f'<!ENTITY {name} SYSTEM "{draw(st.sampled_from(["file://{secret}", "http://127.0.0.1:1/x.dtd", "/etc/passwd", "expect://id"]))}">')
        elif kind == "parameter":
            decls.append(f'<!ENTITY % {name} SYSTEM "file://{{secret}}"> %{name};')
        elif kind == "public":
            decls.append(f'<!ENTITY {name} PUBLIC "-//X//EN" "file://{{secret}}">')
        else:
            decls.append(f'<!ENTITY {name} "{draw(HOSTILE_TEXT).replace(chr(34), "")}">')
    subset = "".join(decls)
    close = draw(st.sampled_from(["]>", "]>", "]", ">", ""]))
    root = draw(st.sampled_from(["rss", "feed", "urlset", "x", ""]))
    return f"<!DOCTYPE {root} [{subset}{close}" if subset or close else f"<!DOCTYPE {root}>"


@st.composite
def xml_nodes(draw, depth: int = 0) -> str:
    """Random element content: text, entity and character references, CDATA, nested elements."""
    parts = []
    for _ in range(draw(st.integers(0, 6 if depth < 3 else 2))):
        kind = draw(st.sampled_from(["text", "ref", "entity", "cdata", "comment", "pi", "element", "url", "date"]))
        if kind == "text":
            parts.append(draw(HOSTILE_TEXT))
        elif kind == "ref":
            parts.append(draw(CHAR_REFS))
        elif kind == "entity":
            parts.append(f"&e{draw(st.integers(0, 12))};")
        elif kind == "cdata":
            parts.append(f"<![CDATA[{draw(HOSTILE_TEXT)}{draw(st.sampled_from(['', ']]>', ']]', '<p>x</p>']))}]]>")
        elif kind == "comment":
            parts.append(f"<!--{draw(HOSTILE_TEXT)}-->")
        elif kind == "pi":
            parts.append(f"<?{draw(st.sampled_from(['xml-stylesheet', 'php', 'xml']))} {draw(HOSTILE_TEXT)}?>")
        elif kind == "url":
            parts.append(draw(URLS))
        elif kind == "date":
            parts.append(draw(DATES))
        elif depth < 6:
            tag = draw(FEED_TAGS)
            attrs = draw(attributes())
            closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", f"</{tag}>", "", "</x>"]))
            parts.append(f"<{tag}{attrs}>{draw(xml_nodes(depth + 1))}{closing}")
    return "".join(parts)


@st.composite
def attributes(draw) -> str:
    """A few attributes, sometimes huge, sometimes malformed."""
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(["href", "rel", "type", "xml:base", "xmlns", "xml:lang", "src", "version", "a"]))
        value = draw(st.one_of(URLS, HOSTILE_TEXT, CHAR_REFS, st.integers(1, 200_000).map(lambda n: "x" * n)))
        quote = draw(st.sampled_from(['"', "'", ""]))
        parts.append(f" {name}={quote}{value.replace(quote, '') if quote else value}{quote}")
    return "".join(parts)


@st.composite
def feeds(draw, secret_path: str = "/nonexistent") -> bytes:
    """An RSS / Atom / RDF / sitemap-like document with a hostile DOCTYPE, content and encoding."""
    root = draw(st.sampled_from([
        ('<rss version="2.0"><channel>', "</channel></rss>"),
        ('<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>"),
        ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">', "</rdf:RDF>"),
        ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', "</urlset>"),
        ("", ""),
    ]))
    items = []
    for _ in range(draw(st.integers(0, 4))):
        item = draw(st.sampled_from(["item", "entry", "url", "sitemap"]))
        fields = "".join(
            f"<{tag}{draw(attributes())}>{draw(xml_nodes(depth=3))}</{tag}>"
            for tag in draw(st.lists(st.sampled_from(["title", "link", "guid", "id", "pubDate", "updated", "description",
                                                      "summary", "content:encoded", "loc", "lastmod"]), max_size=5))
        )
        items.append(f"<{item}>{fields}<link>{draw(URLS)}</link><pubDate>{draw(DATES)}</pubDate></{item}>")
    nesting = draw(st.sampled_from([0, 0, 0, 50, 300, 3000]))
    label = draw(st.sampled_from(["utf-8", "UTF-8", "gb2312", "gbk", "big5", "utf-16", "iso-8859-1", "nonsense", "", None]))
    declaration = "" if label is None else f'<?xml version="1.0" encoding="{label}"?>'
    document = (
        declaration + draw(st.sampled_from(["", draw(doctypes())])) + root[0] + draw(xml_nodes())
        + "<x>" * nesting + "".join(items) + "</x>" * nesting + root[1] * draw(st.sampled_from([1, 1, 0]))
    ).replace("{secret}", secret_path)
    return encode(draw, document)


def encode(draw, document: str) -> bytes:
    """The document in a codec of the draw's choosing, maybe with a BOM, maybe cut mid-character."""
    codec = draw(st.sampled_from(["utf-8", "utf-8", "gbk", "gb18030", "big5", "utf-16", "utf-16-le", "utf-16-be",
                                  "latin-1", "cp1252", "shift_jis"]))
    errors = draw(st.sampled_from(["ignore", "xmlcharrefreplace"]))
    body = document.encode(codec, errors)
    bom = draw(st.sampled_from([b"", b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]))
    cut = draw(st.sampled_from([0, 0, 0, 1, 2, 3]))
    return bom + (body[:-cut] if cut else body)


# --- pages -----------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | DATES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["@type", "@graph", "author", "name", "datePublished", "dateCreated", "headline", "x"]),
        inner, max_size=5,
    ),
    max_leaves=12,
)
HTML_TAGS = st.sampled_from([
    "p", "div", "span", "table", "tr", "td", "li", "ul", "h1", "h2", "br", "hr", "a", "b", "article", "section",
    "script", "style", "noscript", "template", "iframe", "svg", "textarea", "select", "button", "form", "pre", "img",
    "font", "center", "frameset", "object", "math", "title", "meta", "body", "html", "head", "!--",
])
LABELS = st.sampled_from([
    "utf-8", "UTF8", "gbk", "gb2312", "GB2312", "gb18030", "big5", "big5-hkscs", "utf-16", "utf-16le", "iso-8859-1",
    "windows-1252", "shift_jis", "euc-kr", "x-user-defined", "nonsense", "", "utf-7", "utf-32", "rot13", "base64",
    "zlib", "hex", "uu", "idna", "punycode", "unicode_escape", "raw_unicode_escape", "mbcs",
])


@st.composite
def html_blocks(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 5 if depth < 3 else 2))):
        kind = draw(st.sampled_from(["text", "chinese", "ref", "element", "element", "byline", "date"]))
        if kind == "text":
            parts.append(draw(HOSTILE_TEXT))
        elif kind == "chinese":
            parts.append("".join(draw(st.lists(CHINESE, min_size=10, max_size=80))) + "。")
        elif kind == "ref":
            parts.append(draw(CHAR_REFS))
        elif kind == "byline":
            parts.append(draw(st.sampled_from(["本报记者 ", "作者：", "（记者 ", "责任编辑：", "发布时间：", "来源：", "图为 "]))
                         + draw(HOSTILE_TEXT) + draw(st.sampled_from(["", "）", " 摄", " 发表于"])))
        elif kind == "date":
            parts.append(draw(st.sampled_from(["发布时间：", "日期: ", "", "发布日期： "])) + draw(DATES))
        elif depth < 6:
            tag = draw(HTML_TAGS)
            parts.append(f"<{tag}{draw(attributes())}>{draw(html_blocks(depth + 1))}" + draw(st.sampled_from([f"</{tag}>", ""])))
    return "".join(parts)


@st.composite
def html_documents(draw) -> str:
    """An HTML page: meta tags, JSON-LD, dates and bylines among random, maybe deeply nested markup."""
    head = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["charset", "http-equiv", "date", "author", "ld", "canonical", "xml"]))
        if kind == "charset":
            head.append(f'<meta charset="{draw(LABELS)}">')
        elif kind == "http-equiv":
            head.append(f'<meta http-equiv="Content-Type" content="text/html; charset={draw(LABELS)}">')
        elif kind == "date":
            name = draw(st.sampled_from(["article:published_time", "pubdate", "publishdate", "dc.date", "og:release_date"]))
            head.append(f'<meta property="{name}" content="{draw(DATES)}">')
        elif kind == "author":
            head.append(f'<meta name="author" content="{draw(HOSTILE_TEXT).replace(chr(34), "")}">')
        elif kind == "ld":
            source = draw(st.one_of(JSON_VALUES.map(json.dumps), st.text(max_size=50), st.just("[" * 5000)))
            head.append(f'<script type="application/ld+json">{source}</script>')
        elif kind == "canonical":
            head.append(f'<link rel="canonical" href="{draw(URLS)}">')
        else:
            head.append(f'<?xml version="1.0" encoding="{draw(LABELS)}"?>')
    nesting = draw(st.sampled_from([0, 0, 0, 100, 1000, 25_000]))
    nest_tag = draw(st.sampled_from(["div", "b", "table", "p"]))
    return (
        draw(st.sampled_from(["", "<!DOCTYPE html>", '<?xml version="1.0"?>'])) + "<html><head>" + "".join(head)
        + f"<title>{draw(HOSTILE_TEXT)}</title></head><body>" + f"<{nest_tag}>" * nesting + draw(html_blocks())
        + f"</{nest_tag}>" * draw(st.sampled_from([nesting, 0])) + draw(st.sampled_from(["</body></html>", ""]))
    )


@st.composite
def pages(draw) -> tuple[bytes, str | None]:
    """(body, Content-Type header value): the page encoded, declared honestly or not."""
    body = encode(draw, draw(html_documents()))
    content_type = draw(st.one_of(
        st.none(),
        LABELS.map(lambda label: f"text/html; charset={label}"),
        st.sampled_from(["text/html", 'text/html; charset="gbk"', "text/html; charset=", "charset=utf-16; charset=utf-8"]),
        st.text(max_size=60),
    ))
    return body, content_type
