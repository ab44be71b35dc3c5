"""docker-compose.yml cannot run here; keep it honest against the local stack's pins and settings."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from newsmon.settings import Settings
from newsmon.stack import versions
from newsmon.stack.elasticsearch import NODE_SETTINGS
from newsmon.stack.kafka import BROKER_SETTINGS

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def kafka_env_name(prop: str) -> str:
    """apache/kafka maps KAFKA_FOO_BAR to foo.bar and a doubled underscore to one underscore."""
    return "KAFKA_" + prop.replace("_", "__").replace(".", "_").upper()


def test_images_use_the_pinned_versions() -> None:
    assert SERVICES["kafka"]["image"] == f"apache/kafka:{versions.KAFKA_VERSION}"
    assert SERVICES["elasticsearch"]["image"].endswith(f"/elasticsearch:{versions.ELASTICSEARCH_VERSION}")
    assert SERVICES["kibana"]["image"].endswith(f"/kibana:{versions.KIBANA_VERSION}")


def test_ports_match_the_local_defaults(no_newsmon_env: None) -> None:
    defaults = Settings()
    assert f"{defaults.kafka_port}:{defaults.kafka_port}" in SERVICES["kafka"]["ports"]
    assert f"{defaults.es_port}:{defaults.es_port}" in SERVICES["elasticsearch"]["ports"]
    listeners = SERVICES["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert f"localhost:{defaults.kafka_port}" in listeners


def test_broker_and_node_settings_match() -> None:
    kafka_env = SERVICES["kafka"]["environment"]
    for prop, value in BROKER_SETTINGS.items():
        assert str(kafka_env[kafka_env_name(prop)]) == value, prop
    es_env = SERVICES["elasticsearch"]["environment"]
    for prop, value in NODE_SETTINGS.items():
        assert str(es_env[prop]) == value, prop


def test_heaps_are_small() -> None:
    heap = SERVICES["kafka"]["environment"]["KAFKA_HEAP_OPTS"]
    assert f"-Xmx{Settings().kafka_heap_mb}m" in heap
    assert f"-Xmx{Settings().es_heap_mb}m" in SERVICES["elasticsearch"]["environment"]["ES_JAVA_OPTS"]


def test_every_service_has_a_healthcheck_or_depends_on_healthy_ones() -> None:
    for name, service in SERVICES.items():
        if "healthcheck" not in service:
            conditions = {dep["condition"] for dep in service.get("depends_on", {}).values()}
            assert conditions == {"service_healthy"}, name


def test_newsmon_services_run_real_cli_commands_with_real_settings() -> None:
    from typer.main import get_command

    from newsmon.cli import app

    root = get_command(app)
    env_names = {f"NEWSMON_{name.upper()}" for name in Settings.model_fields}
    for name, service in SERVICES.items():
        command = service.get("command")
        if not command or command[0] != "newsmon":
            continue
        node = root
        for word in command[1:]:
            if word.startswith("-"):
                break
            node = node.commands[word]  # type: ignore[attr-defined]
        for env in service.get("environment", {}):
            assert env in env_names, f"{name}: {env} is not a setting"
    assert re.match(r"^\d+\.\d+\.\d+$", versions.ELASTICSEARCH_VERSION)
