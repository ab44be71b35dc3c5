"""A processing worker (a real `newsmon process` child) on the real broker.

Raw records in -> schema-valid articles and indicators out, keyed by article id; poison records
end on the dead-letter topic with their reason, and the worker keeps going.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from newsmon.records import check, encode
from newsmon.settings import Settings
from newsmon.topics import ARTICLES, DEADLETTER, INDICATORS, RAW
from tests.kafka_helpers import produce, read_topic
from tests.workers import WorkerProcess

pytestmark = pytest.mark.integration


def raw_record(article_id: str, text: str, title: str = "") -> dict:
    return {
        "schema_version": 1, "article_id": article_id, "url": f"https://news.example.cn/{article_id}.html",
        "canonical_url": f"https://news.example.cn/{article_id}.html", "source_id": "shared-corpus", "title": title,
        "text": text, "published_at": "2023-04-20T08:00:00+08:00", "fetched_at": "2023-04-20T00:00:00+00:00",
        "encoding": "utf-8",
    }


async def test_worker_enriches_dead_letters_poison_and_keeps_going(ready: Settings, shared_dir: Path, tmp_path: Path) -> None:
    articles = sorted((shared_dir / "corpus" / "articles").glob("*.txt"))
    good = [raw_record(f"{i:020x}", path.read_text(encoding="utf-8")) for i, path in enumerate(articles)]
    reprint = raw_record("f" * 20, articles[0].read_text(encoding="utf-8").replace("。", "。 ", 3))
    poison = [
        (b"p1", b"{this is not json"),
        (b"p2", encode({"schema_version": 1, "article_id": "nope"})),
        (b"p3", bytes(range(256)) * 4),
    ]
    await produce(ready, ready.topic(RAW), [(r["article_id"].encode(), encode(r)) for r in good[:1]] + poison
                  + [(r["article_id"].encode(), encode(r)) for r in good[1:] + [reprint]])

    worker = WorkerProcess(ready, "process", log_dir=tmp_path)
    try:
        out_articles = await read_topic(ready, ready.topic(ARTICLES), expect=len(good) + 1, timeout_s=120)
        dead = await read_topic(ready, ready.topic(DEADLETTER), expect=3, timeout_s=30)
        expected_indicators = 0
        for record in out_articles:
            expected_indicators += record["value"]["indicator_count"]
        out_indicators = await read_topic(ready, ready.topic(INDICATORS), expect=expected_indicators, timeout_s=30)
        assert worker.alive(), worker.log()[-3000:]
    finally:
        exit_code = worker.stop()
    assert exit_code == 0, worker.log()[-3000:]  # SIGTERM: a clean shutdown
    assert len(out_articles) == len(good) + 1, worker.log()[-3000:]
    for record in out_articles:
        check(ready.schemas_dir, ARTICLES, record["value"])
        assert record["key"] == record["value"]["article_id"].encode()
    by_id = {r["value"]["article_id"]: r["value"] for r in out_articles}
    assert by_id["f" * 20]["duplicate_of"] == good[0]["article_id"]  # the reprint points at the first copy
    assert by_id[good[0]["article_id"]]["duplicate_of"] is None

    assert len(out_indicators) == expected_indicators > 20
    partitions: dict[bytes, set[int]] = {}
    for record in out_indicators:
        check(ready.schemas_dir, INDICATORS, record["value"])
        assert record["key"] == record["value"]["article_id"].encode()
        partitions.setdefault(record["key"], set()).add(record["partition"])
    assert all(len(p) == 1 for p in partitions.values())  # an article's indicators stay together

    reasons = sorted((d["value"]["stage"], d["value"]["reason"]) for d in dead)
    assert reasons == [("process.decode", "invalid_json"), ("process.decode", "invalid_utf8"), ("process.validate", "schema")]
    sent = {hashlib.sha256(value).hexdigest() for _, value in poison}
    for d in dead:
        check(ready.schemas_dir, DEADLETTER, d["value"])
        assert d["value"]["source_topic"] == ready.topic(RAW) and d["value"]["offset"] >= 0
        assert d["value"]["original_sha256"] in sent and not d["value"]["original_truncated"]
