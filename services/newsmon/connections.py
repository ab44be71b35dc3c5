"""Clients for Kafka and Elasticsearch built from Settings: local stack or external clusters."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError
from elasticsearch import AsyncElasticsearch, Elasticsearch

from newsmon import metrics
from newsmon.settings import Settings

log = logging.getLogger("newsmon.connections")


def ca_file(path: Path | None, setting: str) -> str | None:
    """The CA file to verify TLS with, only called when TLS is on (with TLS off the file is never read,
    so a CA Secret that is not mounted does no harm). None: the system's CAs.

    Raises FileNotFoundError naming the setting when it points at nothing.
    """
    if path is None:
        return None
    if not path.is_file():
        raise FileNotFoundError(
            f"{setting}={path}: no such file; mount the CA there (Kubernetes: Secret newsmon-ca) "
            f"or unset {setting} to verify against the system's CAs"
        )
    return str(path)


def kafka_options(settings: Settings) -> dict[str, Any]:
    """Connection keyword arguments shared by every aiokafka client newsmon creates."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap.split(","),
        "security_protocol": settings.kafka_security_protocol,
    }
    if settings.kafka_security_protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(cafile=ca_file(settings.kafka_ssl_cafile, "NEWSMON_KAFKA_SSL_CAFILE"))
        options["ssl_context"] = context
    if settings.kafka_security_protocol.startswith("SASL"):
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism or "PLAIN"
        options["sasl_plain_username"] = settings.kafka_sasl_username
        options["sasl_plain_password"] = settings.kafka_sasl_password
    return options


def make_producer(settings: Settings, **overrides: Any) -> AIOKafkaProducer:
    """A producer with acks=all that retries until its request timeout, then fails the send.

    Not idempotent on purpose: aiokafka expires a batch that already carries a sequence number
    when a restarting broker leaves its partition leaderless, and then retries every later batch
    of that partition on OutOfOrderSequence forever, so sends hang for good (seen after a broker
    restart). Without idempotence a retry can at worst repeat a record, never reorder one (aiokafka
    has one request in flight per broker), and every consumer downstream is idempotent: records are
    keyed by article and indexed under stable ids.
    """
    options: dict[str, Any] = {
        **kafka_options(settings),
        "acks": "all",
        "linger_ms": 5,
        "compression_type": "gzip",
        "max_request_size": 32 * 1024 * 1024,
    }
    return AIOKafkaProducer(**{**options, **overrides})


def make_consumer(settings: Settings, *topics: str, group_id: str, **overrides: Any) -> AIOKafkaConsumer:
    """A group consumer that commits explicitly, after its side effect is done."""
    options: dict[str, Any] = {
        **kafka_options(settings),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_partition_fetch_bytes": 32 * 1024 * 1024,
        "fetch_max_bytes": 64 * 1024 * 1024,
    }
    return AIOKafkaConsumer(*topics, **{**options, **overrides})


async def commit_or_redeliver(consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int], worker: str) -> bool:
    """Commit `offsets` for the partitions still assigned; False if a rebalance got in between.

    A group that rebalanced while a batch was in flight refuses the commit (IllegalGeneration,
    seen as CommitFailedError) or has taken the partition away (IllegalStateError). Neither is
    an error of the worker: the side effect is idempotent and the uncommitted records are
    redelivered to the partition's owner from its last commit, so the worker logs and goes on.
    """
    assigned = consumer.assignment()
    offsets = {tp: offset for tp, offset in offsets.items() if tp in assigned}
    if not offsets:
        return False
    try:
        await consumer.commit(offsets)
    except (CommitFailedError, IllegalStateError) as exc:
        metrics.COMMIT_REFUSED.labels(worker).inc()
        log.warning("%s: commit refused after a rebalance (%s); the batch is redelivered", worker, exc)
        return False
    return True


def faust_broker_options(settings: Settings) -> dict[str, Any]:
    """The same connection, in the form faust.App takes."""
    import faust

    options: dict[str, Any] = {
        "broker": [f"kafka://{server}" for server in settings.kafka_bootstrap.split(",")],
    }
    protocol = settings.kafka_security_protocol
    context = None
    if protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(cafile=ca_file(settings.kafka_ssl_cafile, "NEWSMON_KAFKA_SSL_CAFILE"))
    if protocol.startswith("SASL"):
        options["broker_credentials"] = faust.SASLCredentials(
            username=settings.kafka_sasl_username, password=settings.kafka_sasl_password,
            ssl_context=context, mechanism=settings.kafka_sasl_mechanism or "PLAIN",
        )
    elif context is not None:
        options["broker_credentials"] = faust.SSLCredentials(context)
    return options


def _es_options(settings: Settings) -> dict[str, Any]:
    options: dict[str, Any] = {"hosts": settings.es_url.split(","), "request_timeout": 30}
    if settings.es_api_key:
        options["api_key"] = settings.es_api_key
    elif settings.es_username:
        options["basic_auth"] = (settings.es_username, settings.es_password or "")
    if settings.es_ca_cert and any(url.strip().startswith("https:") for url in options["hosts"]):
        options["ca_certs"] = ca_file(settings.es_ca_cert, "NEWSMON_ES_CA_CERT")
    return options


def es_client(settings: Settings, **overrides: Any) -> Elasticsearch:
    """A synchronous Elasticsearch client (CLI commands)."""
    return Elasticsearch(**{**_es_options(settings), **overrides})


def async_es_client(settings: Settings, **overrides: Any) -> AsyncElasticsearch:
    """An asyncio Elasticsearch client (indexer)."""
    return AsyncElasticsearch(**{**_es_options(settings), **overrides})
