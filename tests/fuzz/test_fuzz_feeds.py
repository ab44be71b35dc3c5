"""Feed and sitemap glue under hostile XML: never raises, never expands entities, never reads files,
and every entry becomes a valid crawl.frontier task."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsmon import records
from newsmon.crawl.feeds import FeedEntry, ParsedFeed, Sitemap, parse_feed, parse_sitemap
from newsmon.crawl.publisher import fetch_task
from newsmon.crawl.sources import Source
from tests.fuzz.bounds import MB, peak_memory, time_bound
from tests.fuzz.strategies import FUZZ, SECRET, feeds

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
SOURCE = Source(id="fuzz", name="模糊测试", feed="https://news.example.cn/feed.xml")


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory) -> str:
    """A local file that external entities point at; its content must never surface."""
    path = tmp_path_factory.mktemp("xxe") / "secret.txt"
    path.write_text(SECRET)
    return str(path)


def strings_of(feed: ParsedFeed) -> list[str]:
    values = [feed.title, feed.error]
    for entry in feed.entries:
        values += [entry.link, entry.title, entry.summary, entry.guid]
    return [value for value in values if value]


def check_feed(body: bytes) -> ParsedFeed:
    """parse_feed's contract, plus what the worker does next with each entry."""
    with time_bound(subject=body):
        feed = parse_feed(body, url="https://news.example.cn/feed.xml")
    assert isinstance(feed, ParsedFeed)
    assert feed.title is None or isinstance(feed.title, str)
    assert feed.error is None or isinstance(feed.error, str)
    for entry in feed.entries:
        assert isinstance(entry, FeedEntry) and isinstance(entry.link, str) and entry.link
        assert entry.published is None or (isinstance(entry.published, datetime) and entry.published.tzinfo)
        task = fetch_task(SOURCE, entry)
        records.check(SCHEMAS, "crawl.frontier", task)
        records.encode(task)
    # Entities are never expanded: output stays proportional to input (escaping may grow it a little).
    assert sum(len(value) for value in strings_of(feed)) <= 8 * len(body) + 1000
    return feed


@FUZZ
@given(st.data())
def test_hostile_feeds_parse_to_valid_tasks_without_reading_files(secret_file, data):
    body = data.draw(feeds(secret_path=secret_file))
    feed = check_feed(body)
    assert SECRET not in repr(feed)


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_are_a_malformed_feed(body):
    check_feed(body)


@FUZZ
@given(st.data())
def test_hostile_sitemaps_raise_only_value_error(secret_file, data):
    body = data.draw(feeds(secret_path=secret_file))
    with time_bound(subject=body):
        try:
            sitemap = parse_sitemap(body)
        except ValueError:
            return
    assert isinstance(sitemap, Sitemap)
    assert all(entry.loc.startswith(("http://", "https://")) for entry in sitemap.entries)
    assert SECRET not in repr(sitemap)


def laughs(levels: int, fanout: int) -> str:
    """A billion-laughs DOCTYPE: entity e{levels} expands to fanout**levels copies of "lol"."""
    decls = ['<!ENTITY e0 "lol">'] + [f'<!ENTITY e{i} "' + f"&e{i - 1};" * fanout + '">' for i in range(1, levels + 1)]
    return f"<!DOCTYPE rss [{''.join(decls)}]>"


RSS_ITEM = '<item><title>&e{n};</title><link>https://news.example.cn/a/1.html</link><description>&e{n};</description></item>'


@pytest.mark.parametrize(
    ("doctype", "refs"),
    [
        (laughs(levels=9, fanout=10), RSS_ITEM.format(n=9)),
        (laughs(levels=1, fanout=100_000), RSS_ITEM.format(n=1)),
        (laughs(levels=0, fanout=0), "&e0;" * 100_000),
        ("<!DOCTYPE rss [" + "".join(f'<!ENTITY x{i} "{i}">' for i in range(100_000)) + "]>",
         "".join(RSS_ITEM.replace("&e{n};", f"&x{i};") for i in range(0, 100_000, 1000))),
    ],
    ids=["billion-laughs", "quadratic-blowup", "100k-references", "100k-declarations"],
)
def test_entity_bombs_stay_small(doctype, refs):
    body = f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>t</title>{refs}</channel></rss>'.encode()
    with peak_memory() as peak:
        feed = check_feed(body)
    assert peak.bytes < 64 * MB + 20 * len(body), f"peak {peak.bytes / MB:.0f} MB"
    assert all("lollol" not in value for value in strings_of(feed))


def test_one_megabyte_single_line_feed():
    title = "经济" * 250_000
    body = f'<rss version="2.0"><channel><item><title>{title}</title><link>https://a.cn/1</link></item></channel></rss>'.encode()
    with peak_memory() as peak:
        [entry] = check_feed(body).entries
    assert entry.title == title and peak.bytes < 64 * MB, f"peak {peak.bytes / MB:.0f} MB"
