"""Records to documents: division levels, duplicate groups, stale indicator ids."""

from __future__ import annotations

import json
from pathlib import Path

from newsmon.index.documents import article_document, indicator_document, stale_indicator_ids

EXAMPLES = Path(__file__).resolve().parents[3] / "schemas" / "examples"


def test_article_document_levels_and_group() -> None:
    record = json.loads((EXAMPLES / "article.v1.json").read_text())[0]
    doc_id, doc = article_document(record)
    assert doc_id == record["article_id"]
    assert doc["province_codes"] == ["420000"] and doc["city_codes"] == ["420300"] and doc["county_codes"] == ["420302"]
    assert doc["near_duplicate_group"] == record["article_id"]
    _, reprint = article_document(dict(record, duplicate_of="x" * 20))
    assert reprint["near_duplicate_group"] == "x" * 20


def test_indicator_document_codes() -> None:
    record = json.loads((EXAMPLES / "indicator.v1.json").read_text())[0]
    doc_id, doc = indicator_document(record)
    assert doc_id == record["indicator_id"]
    assert (doc["province_code"], doc["city_code"], doc["county_code"]) == ("420000", "420300", "420302")


def test_stale_indicator_ids() -> None:
    assert stale_indicator_ids("a" * 20, 3, 1) == [f"{'a' * 20}-0001", f"{'a' * 20}-0002"]
    assert stale_indicator_ids("a" * 20, 1, 3) == []


def test_every_document_field_is_mapped() -> None:
    schemas = EXAMPLES.parent
    for kind, build in (("article", article_document), ("indicator", indicator_document)):
        mapping = json.loads((schemas / "es" / f"{kind}s.v1.json").read_text())["mappings"]["properties"]
        record = json.loads((EXAMPLES / f"{kind}.v1.json").read_text())[0]
        assert set(build(record)[1]) <= set(mapping), kind
