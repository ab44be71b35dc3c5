"""Typed crawl failures, each carrying a short machine-readable `reason`.

The caller dead-letters a failure with its stage and `reason`; `transient` tells it whether
trying again later may help (server trouble) or not (the input itself is refused).
"""

from __future__ import annotations


class CrawlError(Exception):
    """Base of every crawl failure; `reason` is a short snake_case code for dead letters."""

    transient = False

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class RefusedURL(CrawlError):
    """The URL (or a redirect hop) is not safe to fetch: bad scheme, private address, …"""


class RobotsDisallowed(CrawlError):
    """robots.txt forbids the URL, or robots.txt itself answered 5xx (retry later)."""

    def __init__(self, reason: str = "robots_disallowed", detail: str = "", *, transient: bool = False) -> None:
        super().__init__(reason, detail)
        self.transient = transient


class TooLarge(CrawlError):
    """The decoded body went past the size cap; the download was aborted there."""

    def __init__(self, limit: int, detail: str = "") -> None:
        super().__init__("too_large", detail or f"over {limit} bytes")
        self.limit = limit


class BadContentType(CrawlError):
    """The response is not HTML, XML, a feed or text."""

    def __init__(self, content_type: str) -> None:
        super().__init__("bad_content_type", content_type)
        self.content_type = content_type


class FetchFailed(CrawlError):
    """The fetch failed: HTTP error status, timeout, connection trouble, too many redirects.

    `retry_after` (seconds) is the server's Retry-After, when it sent one.
    """

    def __init__(
        self,
        reason: str,
        detail: str = "",
        *,
        status: int | None = None,
        transient: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason, detail)
        self.status = status
        self.transient = transient
        self.retry_after = retry_after
