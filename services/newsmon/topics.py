"""Topic names, keys, partitions and configs: read from schemas/topics.yaml, created idempotently."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from newsmon.connections import kafka_options
from newsmon.settings import Settings

RAW = "news.raw"
ARTICLES = "news.articles"
INDICATORS = "news.indicators"
DEADLETTER = "news.deadletter"
OBSERVATIONS = "news.observations"
BY_OBSERVATION = "news.indicators.by-observation"


@dataclass(frozen=True)
class TopicSpec:
    """One topic as declared in schemas/topics.yaml (logical name, without prefix)."""

    name: str
    description: str
    key: str
    schema: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=4)
def declared_topics(schemas_dir: Path) -> tuple[TopicSpec, ...]:
    """Every topic newsmon owns, in declaration order."""
    doc = yaml.safe_load((schemas_dir / "topics.yaml").read_text())
    return tuple(
        TopicSpec(
            name=name, description=spec["description"], key=spec["key"], schema=spec["schema"],
            partitions=int(spec["partitions"]),
            config={k: str(v) for k, v in spec.get("config", {}).items()},
        )
        for name, spec in doc["topics"].items()
    )


@dataclass(frozen=True)
class EnsureResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


async def ensure_topics(settings: Settings) -> EnsureResult:
    """Create missing topics, raise partition counts and reset configs that drifted.

    Safe to run on every start: a topic already as declared is left alone.
    """
    specs = {settings.topic(spec.name): spec for spec in declared_topics(settings.schemas_dir)}
    admin = AIOKafkaAdminClient(**kafka_options(settings), request_timeout_ms=30000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, spec.partitions, settings.topic_replication, topic_configs=spec.config)
            for name, spec in specs.items() if name not in existing
        ]
        if missing:
            await admin.create_topics(missing)
        present = [name for name in specs if name in existing]
        updated: list[str] = []
        if present:
            described = await admin.describe_topics(present)
            grow = {
                t["topic"]: NewPartitions(specs[t["topic"]].partitions)
                for t in described if len(t["partitions"]) < specs[t["topic"]].partitions
            }
            if grow:
                await admin.create_partitions(grow)
            drifted = await _drifted_configs(admin, {n: specs[n] for n in present})
            if drifted:
                await admin.alter_configs(
                    [ConfigResource(ConfigResourceType.TOPIC, n, configs=specs[n].config) for n in drifted]
                )
            updated = sorted(set(grow) | set(drifted))
    finally:
        await admin.close()
    created = [t.name for t in missing]
    unchanged = [n for n in specs if n not in created and n not in updated]
    return EnsureResult(created, updated, unchanged)


async def _drifted_configs(admin: AIOKafkaAdminClient, specs: dict[str, TopicSpec]) -> list[str]:
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in specs]
    responses = await admin.describe_configs(resources)
    actual: dict[str, dict[str, str]] = {}
    for response in responses:
        for resource in response.resources:
            _error, _msg, _rtype, name, entries = resource[:5]
            actual[name] = {entry[0]: entry[1] for entry in entries}
    return [
        name for name, spec in specs.items()
        if any(actual.get(name, {}).get(k) != v for k, v in spec.config.items())
    ]


async def delete_topics(settings: Settings, names: list[str]) -> None:
    """Delete topics by full name (tests clean up after themselves)."""
    admin = AIOKafkaAdminClient(**kafka_options(settings))
    await admin.start()
    try:
        await admin.delete_topics(names)
    finally:
        await admin.close()


async def partition_ids(settings: Settings, full_names: list[str]) -> dict[str, list[int]]:
    """Partition numbers of existing topics (full names); a missing topic is left out."""
    admin = AIOKafkaAdminClient(**kafka_options(settings))
    await admin.start()
    try:
        described = await admin.describe_topics(full_names)
    finally:
        await admin.close()
    return {t["topic"]: sorted(p["partition"] for p in t["partitions"]) for t in described if t["partitions"]}
