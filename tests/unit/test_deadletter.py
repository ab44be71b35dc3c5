"""The dead-letter envelope keeps what is needed to find and replay the original."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from newsmon.deadletter import MAX_ORIGINAL_BYTES, DeadLetterFlood, DeadLetterLimit, envelope
from newsmon.records import check

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def test_binary_originals_are_base64_and_schema_valid() -> None:
    junk = bytes(range(256))
    record = envelope(stage="process.decode", reason="invalid_utf8", detail="x", original=junk,
                      source_topic="news.raw", partition=0, offset=7, key=b"k")
    check(SCHEMAS, "news.deadletter", record)
    assert base64.b64decode(record["original"]) == junk
    assert record["original_sha256"] == hashlib.sha256(junk).hexdigest()


def test_huge_originals_are_truncated_but_hashed_whole() -> None:
    body = b"a" * (MAX_ORIGINAL_BYTES * 3)
    record = envelope(stage="process.decode", reason="invalid_json", detail="x", original=body)
    assert record["original_truncated"] and len(record["original"]) == MAX_ORIGINAL_BYTES
    assert record["original_size"] == len(body)
    assert record["original_sha256"] == hashlib.sha256(body).hexdigest()


def test_limit_stops_a_flood_but_not_a_trickle() -> None:
    limit = DeadLetterLimit(max_ratio=0.5, window=100)
    for i in range(1000):
        limit.record(i % 100 == 0)  # 1 % poison
    flood = DeadLetterLimit(max_ratio=0.5, window=100)
    with pytest.raises(DeadLetterFlood):
        for _ in range(100):
            flood.record(True)
