"""The dead-letter envelope, and the limit that stops a stage from quietly dead-lettering a stream.

Two failure kinds are handled in exactly one place each (arroyo's rule): invalid input goes here
with a machine-readable reason and its offset is committed; transient trouble is retried or
paused by the stage itself and never reaches this module.
"""

from __future__ import annotations

import base64
import hashlib
import socket
from collections import deque
from datetime import UTC, datetime
from typing import Any

MAX_ORIGINAL_BYTES = 1024 * 1024  # the rest stays in the source topic, at partition/offset


def envelope(
    *,
    stage: str,
    reason: str,
    detail: str,
    original: bytes | str | None,
    source_topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | str | None = None,
    url: str | None = None,
    source_id: str | None = None,
    worker: str | None = None,
) -> dict[str, Any]:
    """A deadletter.v1 record. Originals over 1 MiB are truncated; their hash and size are kept."""
    raw = original.encode("utf-8", "surrogatepass") if isinstance(original, str) else (original or b"")
    kept = raw[:MAX_ORIGINAL_BYTES]
    try:
        text, encoding = kept.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(kept).decode("ascii"), "base64"
    if isinstance(key, bytes):
        key = key.decode("utf-8", "replace")
    return {
        "schema_version": 1,
        "stage": stage,
        "reason": reason,
        "detail": detail[:2000],
        "source_topic": source_topic,
        "partition": partition,
        "offset": offset,
        "key": key,
        "url": url,
        "source_id": source_id,
        "original": text,
        "original_encoding": encoding,
        "original_size": len(raw),
        "original_sha256": hashlib.sha256(raw).hexdigest(),
        "original_truncated": len(kept) < len(raw),
        "occurred_at": datetime.now(UTC).isoformat(),
        "worker": worker or socket.gethostname(),
    }


class DeadLetterFlood(RuntimeError):
    """Most recent records are failing: something is wrong beyond bad input. Stop loudly."""


class DeadLetterLimit:
    """Tracks the share of dead-lettered records over a sliding window of recent records."""

    def __init__(self, max_ratio: float, window: int = 200) -> None:
        self.max_ratio = max_ratio
        self.recent: deque[bool] = deque(maxlen=window)

    def record(self, dead: bool) -> None:
        """Note one record's outcome; raise DeadLetterFlood past the limit on a full window."""
        self.recent.append(dead)
        if len(self.recent) == self.recent.maxlen:
            ratio = sum(self.recent) / len(self.recent)
            if ratio > self.max_ratio:
                raise DeadLetterFlood(
                    f"{ratio:.0%} of the last {len(self.recent)} records were dead-lettered "
                    f"(limit {self.max_ratio:.0%}): stopping instead of dead-lettering the stream"
                )
