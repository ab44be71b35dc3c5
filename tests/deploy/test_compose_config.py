"""docker-compose.yml (and the real-sources overlay) as `docker compose` reads them: loaded with
compose-go, the Compose Specification's reference loader (tests/deploycheck), and every service's
command, environment and volumes checked against the CLI, the settings and the Dockerfile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

import newsmon

from newsmon.crawl.sources import parse_sources
from newsmon.settings import Settings
from tests.deploy.conftest import REPO, Stage, settings_from_env
from tests.deploy.test_kubernetes import assert_cli_command

SETTING_ENV = {f"NEWSMON_{name.upper()}" for name in Settings.model_fields}
WORKERS = {"crawler": "crawl", "processor": "process", "indexer": "index"}


@pytest.fixture(scope="module")
def project(deploycheck: Callable[..., Any]) -> dict:
    return deploycheck("compose", str(REPO / "docker-compose.yml"))


@pytest.fixture(scope="module")
def real_sources(deploycheck: Callable[..., Any]) -> dict:
    return deploycheck("compose", str(REPO / "docker-compose.yml"), str(REPO / "docker-compose.real-sources.yml"))


def newsmon_services(project: dict) -> dict[str, dict]:
    return {name: s for name, s in project["services"].items() if s.get("image", "").startswith("newsmon:")}


def container_settings(service: dict, stage: Stage) -> Settings:
    """The Settings a service's container builds: the image's ENV, then the service's environment."""
    return settings_from_env({**stage.env, **{k: v for k, v in service.get("environment", {}).items() if v is not None}})


def host_path(service: dict, container_path: Path) -> Path:
    """The repo file a container path comes from through the service's bind mounts."""
    for volume in service.get("volumes", []):
        if volume["type"] == "bind" and container_path.is_relative_to(volume["target"]):
            source = Path(volume["source"])
            source = source if source.is_absolute() else REPO / source
            return source / container_path.relative_to(volume["target"])
    raise AssertionError(f"{container_path} is not bind-mounted into the service")


def listens_on(service: dict) -> tuple[str, int]:
    command = service["command"]
    return command[command.index("--host") + 1], int(command[command.index("--port") + 1])


def test_newsmon_services_run_real_commands_with_real_settings(project: dict, runtime_stage: Stage) -> None:
    services = newsmon_services(project)
    print("compose services:", ", ".join(f"{n} ({' '.join(s['command'])})" for n, s in services.items()))
    assert set(services) >= {"newsmon-init", "demo-site", *WORKERS, "kibana-setup"}
    for name, service in services.items():
        assert service["image"] == f"newsmon:{newsmon.__version__}", name
        assert_cli_command(service["command"])
        assert set(service.get("environment", {})) <= SETTING_ENV, name
        container_settings(service, runtime_stage)  # every value parses


def test_workers_reach_the_clusters_by_service_name(project: dict, runtime_stage: Stage) -> None:
    kafka_env = project["services"]["kafka"]["environment"]
    internal = next(l for l in kafka_env["KAFKA_ADVERTISED_LISTENERS"].split(",") if l.startswith("INTERNAL://"))
    for name, service in newsmon_services(project).items():
        if name == "demo-site":
            continue
        settings = container_settings(service, runtime_stage)
        assert settings.kafka_bootstrap == internal.removeprefix("INTERNAL://"), name
        assert urlsplit(settings.es_url).hostname in project["services"], name


def test_each_worker_has_its_own_state_volume_at_the_image_state_dir(project: dict, runtime_stage: Stage) -> None:
    state_dir = runtime_stage.env["NEWSMON_STATE_DIR"]
    assert state_dir in runtime_stage.volumes
    seen = set()
    for worker, command in WORKERS.items():
        service = project["services"][worker]
        assert service["command"] == ["newsmon", command]
        (volume,) = [v for v in service["volumes"] if v["target"] == state_dir]
        assert volume["type"] == "volume" and volume["source"] in project["volumes"]
        seen.add(volume["source"])
        assert service["stop_grace_period"] and service["healthcheck"]["test"] == runtime_stage.healthcheck
    assert len(seen) == len(WORKERS)


def test_the_crawler_polls_the_demo_site_service_allowlisted(project: dict, runtime_stage: Stage) -> None:
    crawler = project["services"]["crawler"]
    settings = container_settings(crawler, runtime_stage)
    sources = parse_sources(host_path(crawler, settings.sources_file).read_text("utf-8"))
    assert not sources.problems
    demo = project["services"]["demo-site"]
    host, port = listens_on(demo)
    assert host == "0.0.0.0"
    enabled = [s for s in sources.sources if s.enabled]
    assert enabled
    for source in sources.sources:
        urls = [str(u) for u in (source.feed, source.sitemap) if u] or [source.url()]  # listing / e-paper: its host
        for url in urls:
            parts = urlsplit(url)
            assert (parts.hostname, parts.port) == ("demo-site", port), url
            assert f"{parts.hostname}:{parts.port}" in settings.allow_hosts, url
    assert crawler["depends_on"]["demo-site"]["condition"] == "service_healthy"
    assert demo["healthcheck"]["test"][:3] == ["CMD", "newsmon", "health"]


def test_compose_sources_mirror_the_demo_sources() -> None:
    """Every entry of deploy/sources/demo.yaml (127.0.0.1:8800, `newsmon run`) is in
    compose-demo.yaml, whose base URL is the demo-site service instead."""
    local = yaml.safe_load((REPO / "deploy" / "sources" / "demo.yaml").read_text("utf-8"))
    compose = yaml.safe_load((REPO / "deploy" / "sources" / "compose-demo.yaml").read_text("utf-8"))
    assert compose["sources"] == local["sources"]
    assert (local["base_url"], compose["base_url"]) == ("http://127.0.0.1:8800", "http://demo-site:8800")


def test_kibana_gets_the_dashboard_once_healthy(project: dict, runtime_stage: Stage) -> None:
    setup = project["services"]["kibana-setup"]
    assert setup["command"] == ["newsmon", "kibana", "setup"]
    url = urlsplit(container_settings(setup, runtime_stage).kibana_url)
    assert url.hostname == "kibana" and f"{url.port}:{url.port}" in {
        f"{p['published']}:{p['target']}" for p in project["services"]["kibana"]["ports"]}
    assert setup["depends_on"]["kibana"]["condition"] == "service_healthy"


def test_workers_start_after_the_setup_job(project: dict) -> None:
    init = project["services"]["newsmon-init"]
    assert {d: c["condition"] for d, c in init["depends_on"].items()} == {
        "kafka": "service_healthy", "elasticsearch": "service_healthy"}
    for worker in WORKERS:
        depends = project["services"][worker]["depends_on"]
        assert depends["newsmon-init"]["condition"] == "service_completed_successfully"


def test_real_sources_overlay(real_sources: dict, runtime_stage: Stage) -> None:
    crawler = real_sources["services"]["crawler"]
    settings = container_settings(crawler, runtime_stage)
    path = host_path(crawler, settings.sources_file)
    assert path == REPO / "deploy" / "sources" / "china-regional.yaml"
    sources = parse_sources(path.read_text("utf-8"))
    assert sources.sources and not sources.problems
    assert settings.allow_hosts == ()
    assert set(crawler["depends_on"]) == {"newsmon-init"}
    assert real_sources["services"]["demo-site"]["profiles"] == ["demo"]
