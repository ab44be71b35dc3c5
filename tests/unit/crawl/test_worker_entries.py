"""What a poll makes of a fetched feed or sitemap body (no Kafka: `_entries` is the parsing step)."""

from newsmon.crawl.sources import Source
from newsmon.crawl.worker import CrawlWorker
from newsmon.settings import Settings

URL = "https://news.example.gov.cn/sitemap.xml"


async def test_a_body_that_is_not_a_sitemap_is_a_malformed_source_not_a_crash():
    worker = CrawlWorker(Settings())
    entries, error = await worker._entries(Source(id="s", sitemap=URL), b"<html><p>moved</p></html>", URL, "text/html")
    assert entries == [] and error


async def test_sitemap_urls_become_entries():
    body = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>https://news.example.gov.cn/a/1.html</loc></url></urlset>")
    entries, error = await CrawlWorker(Settings())._entries(Source(id="s", sitemap=URL), body, URL, "application/xml")
    assert [e.link for e in entries] == ["https://news.example.gov.cn/a/1.html"] and error is None
