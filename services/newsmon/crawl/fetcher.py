"""Async HTTP fetcher: one URL in, a `FetchResult` or a typed `CrawlError` out.

The chain, in order, for every URL and again for every redirect hop:
  1. URL safety (`safety.URLGuard`): scheme, literal addresses, every DNS answer; the
     connection itself is opened by `safety.GuardedBackend`, which pins the checked address.
  2. robots.txt (`RobotsPolicy`): protego, cached per host with a TTL; 4xx = allow all,
     5xx or unreachable = disallow for now (transient).
  3. one request (`Fetcher._request`), retried on 5xx / 429 / 408 / timeouts / connection errors
     with exponential backoff and jitter (tenacity), honouring Retry-After; a deadline per try.
  4. status: 304 → not modified; 3xx → next hop (bounded, loops detected); other 4xx/5xx → error.
  5. content type: HTML, XML, feeds and text only.
  6. body: streamed, decompressed here (`BoundedDecoder`, gzip / deflate / br) so the size cap
     applies to decoded bytes and a decompression bomb stops at the cap; reading stops where the
     compressed stream ends.
Nothing here knows about Kafka; the caller dead-letters errors by their `reason`.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import brotli
import httpx
from protego import Protego
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from newsmon.crawl.errors import BadContentType, FetchFailed, RefusedURL, RobotsDisallowed, TooLarge
from newsmon.crawl.safety import GuardedBackend, URLGuard
from newsmon.crawl.urls import canonical_url, host_key
from newsmon.settings import Settings

#: Media types the crawler reads; anything else is refused before the body is read.
ACCEPTED_TYPES = frozenset(
    {
        "text/html", "application/xhtml+xml", "text/xml", "application/xml", "application/rss+xml",
        "application/atom+xml", "application/rdf+xml", "application/feed+json", "text/plain",
    }
)
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml,application/atom+xml,text/*;q=0.8"
ACCEPT_ENCODING = "gzip, deflate, br"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: robots.txt is small; a larger one is treated as unreachable.
ROBOTS_MAX_BYTES = 512 * 1024
#: Decoded bytes produced per decompression step: bounds memory however well the input compresses.
DECODE_STEP_BYTES = 64 * 1024


@dataclass(frozen=True)
class FetchResult:
    """A fetched response. `body` is decoded (no Content-Encoding) and at most the size cap."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool
    elapsed: float
    redirects: tuple[str, ...] = field(default=())

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


def _is_zlib_header(head: bytes) -> bool:
    """True if two bytes open a zlib stream (RFC 1950): deflate method, window <= 32 KiB, check bits.

    Raw deflate from a real compressor never starts like this (its first byte would have to end
    in a stored-block header with a set padding bit), so, as browsers do, these two bytes decide
    between the two forms servers send as "deflate".
    """
    return head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] << 8 | head[1]) % 31 == 0


class BoundedDecoder:
    """Undoes Content-Encoding chunk by chunk, never producing more than `limit` bytes in total.

    Raises TooLarge as soon as the decoded size passes the limit, and FetchFailed
    ("bad_encoding") on corrupt data or an unknown coding. Bytes after the end of a compressed
    stream are dropped, never buffered (zlib would keep them all in `unused_data`).
    """

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip() and c.strip().lower() != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate", "br")):
            raise FetchFailed("bad_encoding", content_encoding or "")
        self._coding = codings[0] if codings else None
        self._limit = limit
        self._size = 0
        self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS if self._coding in ("gzip", "x-gzip") else zlib.MAX_WBITS)
        #: deflate's first bytes, held until there are two to tell zlib-wrapped from raw deflate.
        self._head: bytes | None = b"" if self._coding == "deflate" else None
        self._brotli = brotli.Decompressor() if self._coding == "br" else None

    @property
    def finished(self) -> bool:
        """True once the compressed stream has ended: whatever follows is not part of the body."""
        if self._brotli is not None:
            return self._brotli.is_finished()
        return self._coding is not None and self._zlib.eof

    def feed(self, data: bytes) -> list[bytes]:
        """Decoded pieces of the next raw chunk."""
        if self._coding is None:
            return [self._count(data)]
        try:
            return self._brotli_steps(data) if self._brotli else self._zlib_steps(data)
        except (zlib.error, brotli.error) as error:
            raise FetchFailed("bad_encoding", str(error)) from None

    def _zlib_steps(self, data: bytes) -> list[bytes]:
        if self._zlib.eof:
            return []
        if self._head is not None:
            self._head += data
            if len(self._head) < 2:
                return []
            data, self._head = self._head, None
            if not _is_zlib_header(data):  # servers send raw deflate without the zlib header
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        pieces = []
        while data:
            pieces.append(self._count(self._zlib.decompress(data, DECODE_STEP_BYTES)))
            data = self._zlib.unconsumed_tail
            if self._zlib.eof:
                break
        return pieces

    def _brotli_steps(self, data: bytes) -> list[bytes]:
        pieces = [self._count(self._brotli.process(data, output_buffer_limit=DECODE_STEP_BYTES))]
        # A full step may leave output buffered even when the decoder would take more input.
        while not self._brotli.is_finished() and (
            not self._brotli.can_accept_more_data() or len(pieces[-1]) >= DECODE_STEP_BYTES
        ):
            pieces.append(self._count(self._brotli.process(b"", output_buffer_limit=DECODE_STEP_BYTES)))
        return pieces

    def _count(self, piece: bytes) -> bytes:
        self._size += len(piece)
        if self._size > self._limit:
            raise TooLarge(self._limit)
        return piece


class RobotsPolicy:
    """robots.txt rules per host, fetched through the fetcher's own safe path and cached."""

    def __init__(self, fetcher: Fetcher, user_agent: str, ttl_s: float) -> None:
        self._fetcher = fetcher
        self._user_agent = user_agent
        self._ttl_s = ttl_s
        self._cache: dict[str, tuple[float, Protego | None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str) -> None:
        """Return if robots.txt allows `url`; raise RobotsDisallowed (transient on 5xx) otherwise."""
        rules = await self.rules(url)
        if rules is not None and not rules.can_fetch(url, self._user_agent):
            raise RobotsDisallowed(detail=url)

    async def rules(self, url: str) -> Protego | None:
        """Parsed rules for the URL's host, None meaning allow all."""
        key = host_key(url)
        async with self._locks.setdefault(key, asyncio.Lock()):
            cached = self._cache.get(key)
            if cached and cached[0] > time.monotonic():
                return cached[1]
            rules = await self._load(url)
            self._cache[key] = (time.monotonic() + self._ttl_s, rules)
            return rules

    async def _load(self, url: str) -> Protego | None:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:
            result = await self._fetcher.fetch(robots_url, robots=False, content_check=False, limit=ROBOTS_MAX_BYTES, retries=1)
        except FetchFailed as error:
            if error.status is not None and 400 <= error.status < 500:
                return None
            raise RobotsDisallowed("robots_unavailable", f"{robots_url}: {error.reason}", transient=True) from None
        except TooLarge:
            return None
        return Protego.parse(result.body.decode("utf-8", "ignore"))


class Fetcher:
    """Fetches pages and feeds safely; one instance per worker, reused across URLs.

    Use as `async with Fetcher(settings) as fetcher: await fetcher.fetch(url)`. `transport` is for
    tests that bypass the network; by default connections go through `GuardedBackend`.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        robots_ttl_s: float = 3600.0,
        max_retry_after_s: float = 120.0,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 30.0,
        obey_robots: bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.guard = URLGuard(settings.allow_hosts)
        self.robots = RobotsPolicy(self, settings.user_agent, robots_ttl_s) if obey_robots else None
        self._max_retry_after_s = max_retry_after_s
        self._backoff = wait_exponential_jitter(multiplier=backoff_initial_s, max=backoff_max_s)
        if transport is None:
            transport = httpx.AsyncHTTPTransport(http2=True, trust_env=False, retries=0)
            # httpx exposes no hook for the network backend; the pool takes one, so swap it in.
            transport._pool._network_backend = GuardedBackend(self.guard)
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(settings.fetch_timeout_s),
            headers={"User-Agent": settings.user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        robots: bool = True,
        content_check: bool = True,
        limit: int | None = None,
        retries: int | None = None,
    ) -> FetchResult:
        """GET `url` through the whole chain; conditional when `etag` / `last_modified` are given.

        Returns a FetchResult (`not_modified` on 304). Raises RefusedURL, RobotsDisallowed,
        TooLarge, BadContentType or FetchFailed (`transient` set when a later retry may work).
        """
        started = time.monotonic()
        limit = self.settings.max_page_bytes if limit is None else limit
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            seen = {canonical_url(url)}
        except ValueError as error:  # a port written twice, a broken IPv6 literal, a lone surrogate
            raise RefusedURL("malformed_url", f"{url[:200]}: {error}") from None
        hops: list[str] = []
        current = url
        while True:
            await self.guard.check(current)
            if robots and self.robots is not None:
                await self.robots.check(current)
            status, response_headers, body = await self._with_retries(current, headers, limit, content_check, retries)
            if status in REDIRECT_STATUSES:
                location = response_headers.get("location")
                if not location:
                    raise FetchFailed("redirect_without_location", current, status=status)
                try:
                    nxt = urljoin(current, location.strip())
                    key = canonical_url(nxt)
                except ValueError as error:  # bad port, broken IPv6 literal, lone surrogate
                    raise RefusedURL("malformed_url", f"{location[:200]}: {error}") from None
                if key in seen:
                    raise FetchFailed("redirect_loop", nxt, status=status)
                if len(hops) >= self.settings.max_redirects:
                    raise FetchFailed("too_many_redirects", nxt, status=status)
                seen.add(key)
                hops.append(current)
                current = nxt
                continue
            return FetchResult(
                url=url,
                final_url=current,
                status=status,
                headers=response_headers,
                body=body,
                etag=response_headers.get("etag") or (etag if status == 304 else None),
                last_modified=response_headers.get("last-modified") or (last_modified if status == 304 else None),
                not_modified=status == 304,
                elapsed=time.monotonic() - started,
                redirects=tuple(hops),
            )

    async def _with_retries(
        self, url: str, headers: dict[str, str], limit: int, content_check: bool, retries: int | None
    ) -> tuple[int, dict[str, str], bytes]:
        attempts = max(1, self.settings.fetch_retries + 1 if retries is None else retries)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda error: isinstance(error, FetchFailed) and error.transient),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._request(url, headers, limit, content_check)
        raise AssertionError("unreachable")  # tenacity either returns or re-raises

    def _wait(self, retry_state) -> float:
        """Exponential backoff with jitter, or the server's Retry-After if longer (capped)."""
        backoff = self._backoff(retry_state)
        error = retry_state.outcome.exception() if retry_state.outcome else None
        retry_after = error.retry_after if isinstance(error, FetchFailed) else None
        return max(backoff, min(retry_after, self._max_retry_after_s)) if retry_after else backoff

    async def _request(self, url: str, headers: dict[str, str], limit: int, content_check: bool) -> tuple[int, dict[str, str], bytes]:
        """One GET within the per-try deadline: (status, lower-cased headers, decoded body)."""
        try:
            async with asyncio.timeout(self.settings.fetch_timeout_s):
                async with self._client.stream("GET", url, headers=headers) as response:
                    status = response.status_code
                    response_headers = {k.lower(): v for k, v in response.headers.items()}
                    if status in REDIRECT_STATUSES or status == 304:
                        return status, response_headers, b""
                    if status >= 400:
                        raise _status_error(status, response_headers)
                    if content_check:
                        check_content_type(response_headers.get("content-type"))
                    declared = response_headers.get("content-length", "")
                    if not response_headers.get("content-encoding") and declared.isascii() and declared.isdigit() and int(declared) > limit:
                        raise TooLarge(limit, f"content-length {declared}")
                    body = await read_bounded(response.aiter_raw(), response_headers.get("content-encoding"), limit)
                    return status, response_headers, body
        except TimeoutError:
            raise FetchFailed("timeout", url, transient=True) from None
        except httpx.TimeoutException as error:
            raise FetchFailed("timeout", f"{url}: {type(error).__name__}", transient=True) from None
        except httpx.HTTPError as error:
            raise FetchFailed("connection_error", f"{url}: {type(error).__name__}: {error}", transient=True) from None
        except (ValueError, httpx.InvalidURL) as error:  # httpx reading a malformed Location (bad IDNA label)
            raise FetchFailed("bad_response", f"{url}: {type(error).__name__}: {error}") from None


def check_content_type(content_type: str | None) -> None:
    """Raise BadContentType unless the media type is one the crawler reads (missing is allowed)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type and media_type not in ACCEPTED_TYPES:
        raise BadContentType(media_type)


async def read_bounded(chunks: AsyncIterator[bytes], content_encoding: str | None, limit: int) -> bytes:
    """Decode and join raw body chunks, raising TooLarge as soon as the decoded size passes `limit`.

    Stops reading when a compressed stream ends, so a server cannot stall the fetch (or fill
    memory) with bytes sent after it.
    """
    decoder = BoundedDecoder(content_encoding, limit)
    body = bytearray()
    async for chunk in chunks:
        for piece in decoder.feed(chunk):
            body += piece
        if decoder.finished:
            break
    return bytes(body)


def _status_error(status: int, headers: dict[str, str]) -> FetchFailed:
    return FetchFailed(
        f"http_{status}",
        status=status,
        transient=status in RETRY_STATUSES,
        retry_after=retry_after_seconds(headers.get("retry-after")),
    )


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
