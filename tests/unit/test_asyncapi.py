"""The AsyncAPI document describes exactly the public topics, with their schemas and keys."""

from __future__ import annotations

from pathlib import Path

import yaml

from newsmon.records import check
from newsmon.topics import declared_topics

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
DOC = yaml.safe_load((SCHEMAS / "asyncapi.yaml").read_text())


def test_every_public_topic_is_a_channel_and_nothing_else() -> None:
    public = {t.name for t in declared_topics(SCHEMAS) if not t.description.startswith("Internal.")}
    assert {c["address"] for c in DOC["channels"].values()} == public


def test_channels_reference_the_declared_schema_key_and_retention() -> None:
    topics = {t.name: t for t in declared_topics(SCHEMAS)}
    for channel in DOC["channels"].values():
        topic = topics[channel["address"]]
        (message_ref,) = channel["messages"].values()
        message = DOC["components"]["messages"][message_ref["$ref"].rsplit("/", 1)[1]]
        assert message["payload"]["schema"]["$ref"] == f"./{topic.schema}"
        assert (SCHEMAS / topic.schema).is_file()
        assert message["bindings"]["kafka"]["key"]["description"] == topic.key
        config = channel["bindings"]["kafka"]["topicConfiguration"]
        assert str(config["retention.ms"]) == topic.config["retention.ms"]
        for example in message["examples"]:
            check(SCHEMAS, topic.name, example["payload"])
