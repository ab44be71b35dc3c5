"""The topic contract: every declared topic has a valid schema, and every example validates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmon.records import InvalidRecord, check, decode, encode, validator
from newsmon.topics import declared_topics

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
TOPICS = {t.name: t for t in declared_topics(SCHEMAS)}


def examples_for(topic: str) -> list[dict]:
    stem = Path(TOPICS[topic].schema).name.removesuffix(".schema.json")
    return json.loads((SCHEMAS / "examples" / f"{stem}.json").read_text())


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_schema_is_valid_and_examples_validate(topic: str) -> None:
    assert validator(SCHEMAS, topic) is not None
    examples = examples_for(topic)
    assert examples, f"{topic} has no example records"
    for example in examples:
        check(SCHEMAS, topic, example)
        assert decode(SCHEMAS, topic, encode(example)) == example


def test_every_schema_is_versioned() -> None:
    for topic in TOPICS.values():
        schema = json.loads((SCHEMAS / topic.schema).read_text())
        variants = schema.get("oneOf", [schema])
        assert ".v" in topic.schema
        assert all(v["properties"]["schema_version"] == {"const": 1} for v in variants)


@pytest.mark.parametrize(
    ("value", "reason"),
    [(b"{not json", "invalid_json"), (b"\xff\xfe\x00junk", "invalid_utf8"), (b"[1, 2]", "schema"),
     (b'{"schema_version": 2}', "schema"), (None, "empty")],
)
def test_bad_records_are_invalid_with_a_reason(value: bytes | None, reason: str) -> None:
    with pytest.raises(InvalidRecord) as info:
        decode(SCHEMAS, "news.raw", value)
    assert info.value.reason == reason


def test_a_wrong_field_type_names_the_field() -> None:
    bad = dict(examples_for("news.indicators")[0], growth_pct="5.3")
    with pytest.raises(InvalidRecord, match="growth_pct"):
        check(SCHEMAS, "news.indicators", bad)


def test_indicator_example_quotes_point_into_the_raw_example_text() -> None:
    text = examples_for("news.raw")[0]["text"]
    for indicator in examples_for("news.indicators"):
        assert text[indicator["quote_start"]:indicator["quote_end"]] == indicator["quote"]
