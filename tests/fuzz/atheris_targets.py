"""Coverage-guided fuzzing (atheris, libFuzzer) of the crawler's input paths and the text pipeline.

Mutation guided by branch coverage reaches states the hypothesis strategies do not describe.
Each target asserts the same contracts as the hypothesis tests; any exception or failed
assertion is a crash, written by libFuzzer to `-artifact_prefix`. Run from the repository root:

    .venv/bin/python -m tests.fuzz.atheris_targets feeds -atheris_runs=20000 -timeout=20 CORPUS_DIR

The first corpus directory given is seeded with the target's `SEEDS` (files already there stay).
Under atheris's instrumentation the `text` target's RSS grows by about 3 KB per input (the same
code uninstrumented does not grow), so long runs of it need a higher -rss_limit_mb.

Targets: feeds (parse_feed, parse_sitemap, fetch tasks), page (extract_page, news.raw record),
text (clean, extract_indicators, enrich_raw, news.enriched record).
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["newsmon", "feedparser", "w3lib", "trafilatura", "htmldate", "justext"]):
    from newsmon import records
    from newsmon.crawl.feeds import parse_feed, parse_sitemap
    from newsmon.crawl.page import Page, extract_page
    from newsmon.crawl.publisher import fetch_task, raw_article
    from newsmon.crawl.sources import Source
    from newsmon.crawl.urls import article_id
    from newsmon.extract.indicators import extract_indicators, indicator_to_dict
    from newsmon.process.enrich import enrich_raw
    from newsmon.text.clean import clean

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
SOURCE = Source(id="fuzz", feed="https://news.example.cn/feed.xml")
URL = "https://news.example.cn/a/1.html"
TASK = {"article_id": article_id(URL), "url": URL, "source_id": "fuzz", "tags": [], "via": "feed"}
CONTENT_TYPES = [None, "text/html", "text/html; charset=gbk", "text/html; charset=utf-8", "application/rss+xml; charset=big5",
                 "text/xml; charset=utf-16", "text/html; charset=base64", "text/html; charset=iso-8859-1"]

#: Starting points for mutation, so libFuzzer begins inside the formats rather than at random bytes.
SEEDS = {
    "feeds": [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>经济</title><item><title>一季度经济运行'
        '</title><link>https://news.example.cn/a/1.html?utm_source=rss</link><guid>n1</guid><pubDate>Wed, 15 Mar 2023 02:20:00 GMT'
        '</pubDate><description>全市生产总值增长&#55357;&#56832;</description></item></channel></rss>'.encode(),
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>标题</title><link href="https://a.cn/1"/><updated>2023-03-15T10:20:00+08:00'
        '</updated><summary><![CDATA[<p>x</p>]]></summary></entry></feed>'.encode(),
        b'<!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;"><!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rss><channel><item><title>&b;&x;</title><link>http://a.cn:99999/</link></item></channel></rss>',
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.cn/1</loc><lastmod>2023-03-15</lastmod></url></urlset>',
    ],
    "page": [
        b"\x00" + '<html><head><meta charset="gbk"><title>一季度经济运行_新闻网</title><meta property="article:published_time" '
        'content="2023-03-15T10:20:00+08:00"><script type="application/ld+json">{"@graph": [{"author": {"name": "王小明"}}]}'
        '</script></head><body><div class="info">发布时间：2023年3月15日 来源：日报 记者 李华</div><div><p>今年一季度，全市地区生产总值'
        '同比增长百分之六点五，规模以上工业增加值稳步提高。</p><p>图为工业园区。记者 赵六 摄</p></div></body></html>'.encode("gbk"),
        b"\x01" + "<html><body><p>今年一季度，全區地區生產總值同比增長。&#28;</p></body></html>".encode("big5"),
    ],
    "text": [
        "茅箭区一季度经济运行稳中向好\n本报记者 李明\n一季度，茅箭区完成地区生产总值86.5亿元，同比增长6.1%。\n"
        "全区新签约项目12个，协议投资58亿元，排名全市第一。\n图为工业园区一角。记者 赵六 摄".encode(),
        "１－１１月，全市规上工业增加值增长１０．５％，比全省平均高２．１个百分点。".encode(),
    ],
}


def feeds(data: bytes) -> None:
    """parse_feed never raises and every entry makes a valid frontier task; sitemaps raise only ValueError."""
    feed = parse_feed(data, url="https://news.example.cn/feed.xml")
    for entry in feed.entries:
        task = fetch_task(SOURCE, entry)
        records.check(SCHEMAS, "crawl.frontier", task)
        records.encode(task)
    try:
        parse_sitemap(data)
    except ValueError:
        pass


def page(data: bytes) -> None:
    """extract_page never raises, and the page makes a valid news.raw record."""
    content_type = CONTENT_TYPES[data[0] % len(CONTENT_TYPES)] if data else None
    result = extract_page(data[1:], url=URL, content_type=content_type)
    assert isinstance(result, Page) and isinstance(result.text, str)
    records.check(SCHEMAS, "news.raw", raw_article(TASK, result, URL, 200))


def text(data: bytes) -> None:
    """clean and extract never raise, quotes point into the text, and enrich_raw's bundle validates."""
    provider = atheris.FuzzedDataProvider(data)
    title = provider.ConsumeUnicodeNoSurrogates(provider.ConsumeIntInRange(0, 40))
    body = provider.ConsumeUnicodeNoSurrogates(len(data))
    cleaned = clean(body)
    for indicator in extract_indicators(cleaned):
        record = indicator_to_dict(indicator)
        assert cleaned.text[record["quote_start"] : record["quote_end"]] == record["quote"]
    raw = {"schema_version": 1, "article_id": TASK["article_id"], "url": URL, "canonical_url": URL, "source_id": "fuzz",
           "title": title, "text": body, "published_at": "2024-03-15T10:20:00+08:00",
           "fetched_at": "2024-03-15T02:20:00+00:00", "encoding": "utf-8"}
    records.check(SCHEMAS, "news.enriched", enrich_raw(records.decode(SCHEMAS, "news.raw", records.encode(raw))))


TARGETS = {"feeds": feeds, "page": page, "text": text}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: python -m tests.fuzz.atheris_targets {{{','.join(TARGETS)}}} [libFuzzer flags] [corpus dirs]")
    name, args = sys.argv[1], sys.argv[2:]
    corpus = next((Path(arg) for arg in args if not arg.startswith("-")), None)
    if corpus is not None:
        corpus.mkdir(parents=True, exist_ok=True)
        for number, seed in enumerate(SEEDS[name]):
            (corpus / f"seed-{number}").write_bytes(seed)
    atheris.Setup([sys.argv[0], *args], TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
