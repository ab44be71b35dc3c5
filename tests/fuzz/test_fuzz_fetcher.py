"""The fetcher's body path under hostile responses: any chunking, corrupt streams, bombs, junk
after the stream, absurd headers. Only typed crawl errors come out, and memory stays near the cap."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator, Callable, Iterable

import brotli
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsmon.crawl.errors import CrawlError, FetchFailed, TooLarge
from newsmon.crawl.fetcher import Fetcher, FetchResult, read_bounded
from newsmon.settings import Settings
from tests.fuzz.bounds import MB, peak_memory, time_bound
from tests.fuzz.strategies import FUZZ, URLS

CODINGS: dict[str | None, Callable[[bytes], bytes]] = {
    None: lambda data: data,
    "identity": lambda data: data,
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
}


def raw_deflate(data: bytes) -> bytes:
    """Deflate without the zlib wrapper, as some servers send "deflate"."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


async def chunked(raw: bytes, cuts: Iterable[int]) -> AsyncIterator[bytes]:
    start = 0
    for cut in sorted(set(cuts)):
        yield raw[start:cut]
        start = cut
    yield raw[start:]


def read(raw: bytes, coding: str | None, limit: int, cuts: Iterable[int] = ()) -> bytes:
    with time_bound(subject=(coding, raw[:200])):
        return asyncio.run(read_bounded(chunked(raw, cuts), coding, limit))


DATA = st.one_of(st.binary(max_size=5000), st.builds(lambda unit, n: unit * n, st.binary(min_size=1, max_size=20), st.integers(1, 5000)))


@FUZZ
@given(DATA, st.sampled_from([*CODINGS, "raw-deflate"]), st.data())
def test_any_chunking_decodes_exactly_or_stops_at_the_cap(data, coding, draw):
    raw = raw_deflate(data) if coding == "raw-deflate" else CODINGS[coding](data)
    cuts = draw.draw(st.lists(st.integers(0, len(raw)), max_size=8))
    limit = draw.draw(st.integers(0, 2 * len(data) + 1))
    coding = "deflate" if coding == "raw-deflate" else coding
    if len(data) > limit:
        with pytest.raises(TooLarge):
            read(raw, coding, limit, cuts)
    else:
        assert read(raw, coding, limit, cuts) == data


@FUZZ
@given(DATA, st.sampled_from(["gzip", "deflate", "br"]), st.binary(min_size=1, max_size=2000), st.booleans())
def test_bytes_after_the_stream_are_not_body(data, coding, junk, separate):
    raw = CODINGS[coding](data)
    try:
        assert read(raw + junk, coding, len(data), [len(raw)] if separate else []) == data
    except FetchFailed as error:  # brotli refuses junk inside the chunk that ends its stream
        assert coding == "br" and not separate and error.reason == "bad_encoding"


@FUZZ
@given(st.binary(max_size=5000), st.sampled_from([*CODINGS, "zstd", "gzip, br", "GZIP", " deflate ", ""]), st.data())
def test_corrupt_streams_fail_as_bad_encoding(raw, coding, draw):
    cuts = draw.draw(st.lists(st.integers(0, len(raw)), max_size=8))
    try:
        body = read(raw, coding, 4096, cuts)
    except TooLarge:
        return
    except FetchFailed as error:
        assert error.reason == "bad_encoding"
        return
    assert len(body) <= 4096


def zero_bomb(coding: str, size: int) -> bytes:
    """`size` zero bytes compressed as `coding`, built a megabyte at a time."""
    zeros = bytes(MB)
    if coding == "br":
        compressor = brotli.Compressor(quality=5)
        return b"".join(compressor.process(zeros) for _ in range(size // MB)) + compressor.finish()
    wbits = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS, "raw-deflate": -zlib.MAX_WBITS}[coding]
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join(compressor.compress(zeros) for _ in range(size // MB)) + compressor.flush()


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate", "br"])
def test_decompression_bombs_stop_at_the_cap_in_bounded_memory(coding):
    bomb = zero_bomb(coding, 200 * MB)
    with peak_memory() as peak, pytest.raises(TooLarge):
        read(bomb, coding.removeprefix("raw-"), MB, range(0, len(bomb), 16 * 1024))
    assert peak.bytes < 8 * MB, f"peak {peak.bytes / MB:.0f} MB"


SETTINGS = Settings(allow_hosts=("site.test",), fetch_retries=0, fetch_timeout_s=5, max_page_bytes=64 * 1024)
HEADER_VALUES = st.one_of(st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40), st.sampled_from(["", "0", "-1", "99999999999999999999"]))


@st.composite
def responses(draw) -> tuple[int, list[tuple[str, bytes]], bytes]:
    """A status, headers and (maybe encoded) body a hostile server might send."""
    status = draw(st.sampled_from([200, 200, 203, 204, 206, 301, 302, 303, 304, 307, 308, 400, 404, 408, 410, 429, 500, 503, 599]))
    headers = []
    if draw(st.booleans()):
        target = draw(st.one_of(URLS, st.sampled_from(["/b", "b", "//site.test/c", "http://site.test/a", "?q=1", "#x", " ",
                                                        "http://site.test:99999/", "http://site.test:-1/", "http://[::1]/",
                                                        "http://169.254.169.254/", "http://10.0.0.1/", "http://8.8.8.8/x"])))
        headers.append(("location", target.encode("utf-8", "surrogateescape")))
    for name, values in (
        ("content-type", st.one_of(st.sampled_from(["text/html", "text/html; charset=gbk", "application/rss+xml", "image/png", ";;;", "TEXT/XML"]), HEADER_VALUES)),
        ("content-encoding", st.sampled_from(["gzip", "deflate", "br", "x-gzip", "identity", "gzip, br", "zstd", "GZIP", ""])),
        ("content-length", HEADER_VALUES),
        ("retry-after", st.one_of(st.sampled_from(["0", "120", "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"]), HEADER_VALUES)),
        ("etag", HEADER_VALUES),
        ("last-modified", HEADER_VALUES),
    ):
        if draw(st.booleans()):
            headers.append((name, draw(values).encode("latin-1")))
    body = draw(st.one_of(st.binary(max_size=2000), st.builds(lambda n: gzip.compress(b"<p>x</p>" * n), st.integers(1, 20_000))))
    return status, headers, body


@FUZZ
@given(st.lists(responses(), min_size=1, max_size=4))
def test_hostile_responses_give_a_result_or_a_crawl_error(script):
    """Whatever the server answers, fetch returns a capped result or raises a typed CrawlError."""
    answers = iter(script)

    def handler(request: httpx.Request) -> httpx.Response:
        status, headers, body = next(answers, (404, [], b""))
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))

    async def no_dns(host: str, port: int) -> list[str]:
        raise FetchFailed("dns_error", f"{host}: no DNS in the fuzz tests", transient=True)

    async def fetch() -> FetchResult | CrawlError:
        async with Fetcher(SETTINGS, obey_robots=False, transport=httpx.MockTransport(handler)) as fetcher:
            fetcher.guard.resolve = no_dns  # redirects to other hosts must not reach a real resolver
            try:
                return await fetcher.fetch("http://site.test/a")
            except CrawlError as error:
                return error

    with time_bound(subject=script):
        outcome = asyncio.run(fetch())
    if isinstance(outcome, FetchResult):
        assert len(outcome.body) <= SETTINGS.max_page_bytes
