"""`newsmon status`'s quality signals from the real node's aggregations over real mappings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch.helpers import async_bulk

from newsmon.connections import async_es_client
from newsmon.index.templates import names
from newsmon.settings import Settings
from newsmon.status import PipelineStatus, as_dict

pytestmark = pytest.mark.integration


async def test_status_reports_quality_per_source(ready: Settings) -> None:
    now = datetime.now(UTC)
    docs = []
    # "steady": 14 articles over the last week (one every 12 h), 3 indicators each, one in three "other".
    for i in range(14):
        at = now - timedelta(hours=12 * i + 1)
        docs.append({"_index": names(ready, "articles").write_alias, "_id": f"s{i}",
                     "article_id": f"s{i}", "source_id": "steady", "fetched_at": at.isoformat(),
                     "published_at": at.isoformat(), "indicator_count": 3})
        for j, metric in enumerate(("gdp", "other", "fai")):
            docs.append({"_index": names(ready, "indicators").write_alias, "_id": f"s{i}-{j}", "article_id": f"s{i}",
                         "source_id": "steady", "metric_id": metric, "published_at": at.isoformat()})
    # "gone": two a day until four days ago.
    for i in range(6):
        at = now - timedelta(days=4, hours=12 * i)
        docs.append({"_index": names(ready, "articles").write_alias, "_id": f"g{i}", "article_id": f"g{i}",
                     "source_id": "gone", "fetched_at": at.isoformat(), "published_at": at.isoformat(), "indicator_count": 0})
    es = async_es_client(ready)
    try:
        await async_bulk(es, docs, refresh="wait_for")
    finally:
        await es.close()

    status = PipelineStatus(ready)
    await status.start()
    try:
        snap = await status.snapshot()
    finally:
        await status.stop()
    assert not snap.errors, snap.errors
    quality = {q.source_id: q for q in snap.quality}
    assert quality["steady"].articles_per_day == 2.0
    assert quality["steady"].indicators_per_article == 3.0
    assert quality["steady"].other_share == pytest.approx(1 / 3)
    assert not quality["steady"].silent
    assert quality["gone"].silent and snap.silent_sources == ["gone"]
    assert as_dict(snap)["quality"][0]["source_id"] == "gone"
