"""Fetcher steps without a network: robots outcomes, Retry-After, bounded decompression."""

import gzip
import zlib

import brotli
import httpx
import pytest

from newsmon.crawl.errors import BadContentType, FetchFailed, RefusedURL, RobotsDisallowed, TooLarge
from newsmon.crawl.fetcher import BoundedDecoder, Fetcher, check_content_type, read_bounded, retry_after_seconds
from newsmon.settings import Settings

def streamed(status: int, text: str) -> httpx.Response:
    """A response whose body is read as a stream, as from the network."""
    return httpx.Response(status, headers={"Content-Type": "text/plain"}, stream=httpx.ByteStream(text.encode()))


SETTINGS = Settings(allow_hosts=("site.test",), fetch_retries=0, fetch_timeout_s=2)


def fetcher_with(robots_status: int, calls: list) -> Fetcher:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/robots.txt":
            return streamed(robots_status, "User-agent: *\nDisallow: /\n")
        return streamed(200, "<p>ok</p>")

    return Fetcher(SETTINGS, transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("status", [401, 403, 404, 410])
async def test_robots_4xx_allows_all_and_is_cached(status):
    calls = []
    async with fetcher_with(status, calls) as fetcher:
        await fetcher.fetch("http://site.test/a")
        await fetcher.fetch("http://site.test/b")
    assert calls == ["/robots.txt", "/a", "/b"]


@pytest.mark.parametrize("status", [500, 503])
async def test_robots_5xx_disallows_for_now(status):
    async with fetcher_with(status, []) as fetcher:
        with pytest.raises(RobotsDisallowed) as caught:
            await fetcher.fetch("http://site.test/a")
    assert caught.value.reason == "robots_unavailable" and caught.value.transient


async def test_robots_200_rules_apply():
    async with fetcher_with(200, []) as fetcher:
        with pytest.raises(RobotsDisallowed):
            await fetcher.fetch("http://site.test/a")


async def test_robots_step_can_be_switched_off():
    calls = []
    async with Fetcher(SETTINGS, obey_robots=False, transport=httpx.MockTransport(lambda r: calls.append(r.url.path) or streamed(200, "x"))) as fetcher:
        await fetcher.fetch("http://site.test/a")
    assert calls == ["/a"]


@pytest.mark.parametrize(("value", "seconds"), [("120", 120.0), ("0", 0.0), (None, None), ("soon", None)])
def test_retry_after(value, seconds):
    assert retry_after_seconds(value) == seconds


def test_retry_after_http_date_in_past_is_zero():
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send it
        ("br", brotli.compress),
        (None, lambda data: data),
    ],
)
def test_bounded_decoder_round_trip(coding, encode):
    data = "经济数据".encode() * 50_000
    raw = encode(data)
    decoder = BoundedDecoder(coding, limit=len(data))
    out = b"".join(piece for i in range(0, len(raw), 4096) for piece in decoder.feed(raw[i : i + 4096]))
    assert out == data


@pytest.mark.parametrize(("coding", "encode"), [("gzip", gzip.compress), ("br", brotli.compress)])
def test_bounded_decoder_stops_bombs(coding, encode):
    bomb = encode(b"\0" * (50 * 1024 * 1024))
    decoder = BoundedDecoder(coding, limit=1024 * 1024)
    with pytest.raises(TooLarge):
        decoder.feed(bomb)


def test_unknown_coding_refused():
    with pytest.raises(FetchFailed) as caught:
        BoundedDecoder("zstd", limit=10)
    assert caught.value.reason == "bad_encoding"


@pytest.mark.parametrize("content_type", ["text/html; charset=gbk", "application/rss+xml", "TEXT/XML", None, "text/plain"])
def test_content_types_accepted(content_type):
    check_content_type(content_type)


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "application/octet-stream", "video/mp4"])
def test_content_types_refused(content_type):
    with pytest.raises(BadContentType):
        check_content_type(content_type)


def test_raw_deflate_whose_first_chunk_is_one_byte():
    """Telling raw from zlib deflate needs two bytes; with one, the first byte used to be lost."""
    data = "经济数据".encode() * 1000
    raw = zlib.compress(data)[2:-4]
    decoder = BoundedDecoder("deflate", limit=len(data))
    assert b"".join([*decoder.feed(raw[:1]), *decoder.feed(raw[1:])]) == data


@pytest.mark.parametrize(("coding", "encode"), [("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress)])
async def test_reading_stops_where_the_compressed_stream_ends(coding, encode):
    """Junk after the stream used to be read until the deadline and kept whole in zlib's unused_data."""
    pulled = []

    async def stream_then_junk():
        yield encode(b"<p>ok</p>")
        for chunk in range(64):
            pulled.append(chunk)
            yield bytes(1024 * 1024)

    assert await read_bounded(stream_then_junk(), coding, limit=1024) == b"<p>ok</p>"
    assert pulled == []


def redirecting_to(location: bytes) -> Fetcher:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/a":
            return httpx.Response(302, headers=[(b"Location", location)])
        return streamed(200, "ok")

    return Fetcher(SETTINGS, obey_robots=False, transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("location", [b"http://site.test:99999/b", b"http://site.test:-1/b"])
async def test_redirect_to_a_malformed_url_is_refused(location):
    """canonical_url raised ValueError on these, out of fetch and past the worker's CrawlError handler."""
    async with redirecting_to(location) as fetcher:
        with pytest.raises(RefusedURL) as caught:
            await fetcher.fetch("http://site.test/a")
    assert caught.value.reason == "malformed_url"


@pytest.mark.parametrize("location", [b"https://xn--/a", b"http://xn--a/"])
async def test_redirect_to_a_bad_idna_host_is_a_permanent_failure(location):
    """httpx raises IDNAError (a ValueError) while reading such a Location, even without following it."""
    async with redirecting_to(location) as fetcher:
        with pytest.raises(FetchFailed) as caught:
            await fetcher.fetch("http://site.test/a")
    assert caught.value.reason == "bad_response" and not caught.value.transient


async def test_non_ascii_digits_in_content_length():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=[(b"Content-Length", "²".encode("latin-1"))], stream=httpx.ByteStream(b"ok"))

    async with Fetcher(SETTINGS, obey_robots=False, transport=httpx.MockTransport(handler)) as fetcher:
        assert (await fetcher.fetch("http://site.test/a")).body == b"ok"
