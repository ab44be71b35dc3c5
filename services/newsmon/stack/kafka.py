"""The local single-node Kafka broker: KRaft, combined broker + controller, on loopback."""

from __future__ import annotations

import asyncio
import base64
import logging
import subprocess
import uuid
from pathlib import Path

from newsmon.settings import Settings
from newsmon.stack import versions

# Broker settings shared with docker-compose.yml (a test checks they match there).
BROKER_SETTINGS: dict[str, str] = {
    "process.roles": "broker,controller",
    "node.id": "1",
    "controller.listener.names": "CONTROLLER",
    "offsets.topic.replication.factor": "1",
    "offsets.topic.num.partitions": "12",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "transaction.state.log.num.partitions": "12",
    "group.initial.rebalance.delay.ms": "0",
    "auto.create.topics.enable": "false",
    "message.max.bytes": str(32 * 1024 * 1024),
    "replica.fetch.max.bytes": str(32 * 1024 * 1024),
}

LOG4J2 = """\
status = warn
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = {logs}/server.log
appender.file.filePattern = {logs}/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = info
logger.apache.name = org.apache.kafka
logger.apache.level = info
"""


def kafka_dir(settings: Settings) -> Path:
    return settings.state_dir / "kafka"


def server_properties(settings: Settings) -> dict[str, str]:
    """The broker's full configuration for the local stack."""
    home = kafka_dir(settings)
    port, controller = settings.kafka_port, settings.kafka_controller_port
    return {
        **BROKER_SETTINGS,
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "controller.quorum.bootstrap.servers": f"127.0.0.1:{controller}",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(home / "data"),
    }


def prepare(settings: Settings, java_home: Path, libs: Path) -> Path:
    """Write config and format storage on first start. Returns the server.properties path."""
    home = kafka_dir(settings)
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "logs").mkdir(parents=True, exist_ok=True)
    props = home / "config" / "server.properties"
    props.write_text("".join(f"{k}={v}\n" for k, v in server_properties(settings).items()))
    (home / "config" / "log4j2.properties").write_text(LOG4J2.format(logs=home / "logs"))
    if not (home / "data" / "meta.properties").exists():
        subprocess.run(
            [*_java(java_home, libs, settings, heap=False), "kafka.tools.StorageTool", "format",
             "--standalone", "-t", base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode(), "-c", str(props)],
            check=True, capture_output=True,
        )
    return props


def command(settings: Settings, java_home: Path, libs: Path, props: Path) -> list[str]:
    """The broker's command line."""
    return [*_java(java_home, libs, settings, heap=True), "kafka.Kafka", str(props)]


def _java(java_home: Path, libs: Path, settings: Settings, *, heap: bool) -> list[str]:
    home = kafka_dir(settings)
    argv = [str(java_home / "bin" / "java")]
    if heap:
        mb = settings.kafka_heap_mb
        argv += [f"-Xms{mb}m", f"-Xmx{mb}m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20"]
    return argv + [
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={home / 'config' / 'log4j2.properties'}",
        f"-Dkafka.logs.dir={home / 'logs'}",
        "-cp", f"{libs}/*",
    ]


async def _describe(settings: Settings) -> dict:
    from aiokafka.admin import AIOKafkaAdminClient

    from newsmon.connections import kafka_options

    admin = AIOKafkaAdminClient(**kafka_options(settings), request_timeout_ms=5000)
    await admin.start()
    try:
        cluster = await admin.describe_cluster()
    finally:
        await admin.close()
    return {"cluster_id": cluster["cluster_id"], "brokers": len(cluster["brokers"])}


def health(settings: Settings) -> dict:
    """Cluster id and broker count; raises when the broker does not answer."""
    quiet = logging.getLogger("aiokafka")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # connection refusals while starting are expected
    try:
        return asyncio.run(asyncio.wait_for(_describe(settings), timeout=10))
    finally:
        quiet.setLevel(level)


def version_label() -> str:
    return f"Apache Kafka {versions.KAFKA_VERSION} (KRaft, Scala {versions.KAFKA_SCALA})"
