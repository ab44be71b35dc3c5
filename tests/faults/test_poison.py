"""Scenario 5: 1 % poison records (invalid JSON, wrong schema, a 20 MB body, binary junk) mixed into
the stream: each ends on news.deadletter with its reason, everything else is indexed exactly."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsmon.settings import Settings
from tests.faults.pipeline import Corpus, Feeder, dead_letters, line, settle, trace
from tests.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
FEED_S = 30.0


def poison(corpus: Corpus, rng: random.Random) -> list[tuple[bytes, bytes, str, str]]:
    """1 % of the corpus as (key, value, expected stage, expected reason)."""
    n = len(corpus.article_ids) // 100
    template = json.loads(corpus.messages[0][1])
    made: list[tuple[bytes, bytes, str, str]] = []
    for i in range(n):
        key = f"poison-{i:03d}".encode()
        kind = i % 4
        if kind == 0:  # truncated JSON, as a half-written file would give
            value = corpus.messages[i][1][: rng.randrange(10, 200)]
            made.append((key, value, "process.decode", "invalid_json"))
        elif kind == 1:  # valid JSON, wrong schema: field missing, wrong type, unknown version
            wrong = dict(template, article_id=f"{i:020x}")
            mutation = i % 3
            if mutation == 0:
                del wrong["text"]
            elif mutation == 1:
                wrong["published_at"] = 20240101
            else:
                wrong["schema_version"] = 2
            made.append((key, json.dumps(wrong).encode(), "process.validate", "schema"))
        elif kind == 2 and not any(reason == "too_large" for *_, reason in made):  # one 20 MB body
            sentence = "据统计，全区规上工业增加值增长5.6%。"
            body = sentence * (20 * 1024 * 1024 // len(sentence.encode()) + 1)
            huge = dict(template, article_id=f"{i:020x}", url=f"https://demo.newsmon.test/huge-{i}.html",
                        canonical_url=f"https://demo.newsmon.test/huge-{i}.html", text=body)
            value = json.dumps(huge, ensure_ascii=False).encode()
            assert len(value) >= 20 * 1024 * 1024
            made.append((key, value, "process.decode", "too_large"))
        else:  # binary junk that is not UTF-8
            value = bytes([0xFF, 0xFE]) + rng.randbytes(rng.randrange(100, 5000))
            made.append((key, value, "process.decode", "invalid_utf8"))
    return made


async def test_poison_is_dead_lettered_with_its_reason_and_the_rest_is_exact(
    pipeline: Settings, corpus: Corpus, tmp_path: Path, report: Callable[[str], None]
) -> None:
    rng = random.Random(5)
    bad = poison(corpus, rng)
    items: list[tuple[bytes | None, bytes]] = list(corpus.messages)
    for key, value, *_ in bad:
        items.insert(rng.randrange(len(items) + 1), (key, value))
    workers = [WorkerProcess(pipeline, role, log_dir=tmp_path) for role in ("process", "index")]
    feeder = Feeder(pipeline, items, FEED_S)
    started = time.monotonic()
    try:
        await feeder.run()
        result, exact_at = await settle(pipeline, corpus, timeout_s=120)
        dead = await dead_letters(pipeline, expect=len(bad))
        assert all(w.alive() for w in workers), "\n".join(w.log()[-3000:] for w in workers)
    finally:
        exits = [w.stop() for w in workers]
    logs = "\n".join(w.log()[-3000:] for w in workers)
    report(line("poison", corpus, result, len(dead), None, exact_at - (feeder.done_at or started),
                time.monotonic() - started, f"{len(bad)} poison records of {len(items)}", after="the feed ended"))
    assert result.exact, result.explain() + await trace(pipeline, corpus, result) + logs

    expected = {hashlib.sha256(value).hexdigest(): (key.decode(), stage, reason) for key, value, stage, reason in bad}
    found = {d["value"]["original_sha256"]: (d["value"]["key"], d["value"]["stage"], d["value"]["reason"]) for d in dead}
    assert len(dead) == len(bad), (len(dead), [d["value"]["reason"] for d in dead])
    assert found == expected
    assert exits == [0, 0], logs
