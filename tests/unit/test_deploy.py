"""Kubernetes manifests and the Dockerfile cannot run here: check what can be checked.

Every manifest parses; containers run real CLI commands; environment names are settings; probes
and Prometheus annotations point at the port the worker really serves; the kustomization lists
every file; the Dockerfile copies paths that exist.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.main import get_command

from newsmon.cli import app
from newsmon.settings import Settings

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
SETTING_ENV = {f"NEWSMON_{name.upper()}" for name in Settings.model_fields}


def manifests() -> list[dict]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def pod_specs() -> list[tuple[str, dict]]:
    specs = []
    for doc in manifests():
        if doc["kind"] in ("Deployment", "Job"):
            specs.append((doc["metadata"]["name"], doc["spec"]["template"]))
    return specs


def assert_cli_command(words: list[str]) -> None:
    assert words[0] == "newsmon"
    node = get_command(app)
    for word in words[1:]:
        if word.startswith("-"):
            break
        assert word in node.commands, f"newsmon {' '.join(words[1:])}: no such command"  # type: ignore[attr-defined]
        node = node.commands[word]  # type: ignore[attr-defined]
    options = {opt for param in node.params for opt in param.opts}
    for word in words[1:]:
        if word.startswith("--"):
            assert word in options, f"{word} is not an option of {' '.join(words)}"


def test_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


def test_containers_run_real_commands() -> None:
    specs = pod_specs()
    assert {name for name, _ in specs} >= {"newsmon-crawler", "newsmon-processor", "newsmon-indexer", "newsmon-init"}
    for _, template in specs:
        for container in template["spec"]["containers"]:
            assert_cli_command(container["command"])


def test_config_names_are_settings() -> None:
    for doc in manifests():
        if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "newsmon-config":
            assert set(doc["data"]) <= SETTING_ENV
        if doc["kind"] == "Secret":
            assert set(doc["stringData"]) <= SETTING_ENV


def test_probes_and_scrape_ports_match_the_served_port() -> None:
    config = next(d for d in manifests() if d["kind"] == "ConfigMap")["data"]
    served = {"crawl": int(config["NEWSMON_METRICS_PORT"]), "index": int(config["NEWSMON_METRICS_PORT"]),
              "process": int(config["NEWSMON_FAUST_WEB_PORT"])}
    for doc in manifests():
        if doc["kind"] != "Deployment":
            continue
        template = doc["spec"]["template"]
        (container,) = template["spec"]["containers"]
        port = served[container["command"][1]]
        assert container["ports"] == [{"name": "metrics", "containerPort": port}]
        assert template["metadata"]["annotations"]["prometheus.io/port"] == str(port)
        for probe in ("livenessProbe", "readinessProbe"):
            assert container[probe]["httpGet"]["port"] == "metrics"
        assert container["resources"]["requests"]
        assert template["spec"]["terminationGracePeriodSeconds"] >= 30  # time to finish and commit on SIGTERM


def test_workers_scale_horizontally() -> None:
    hpas = {d["spec"]["scaleTargetRef"]["name"] for d in manifests() if d["kind"] == "HorizontalPodAutoscaler"}
    assert {"newsmon-processor", "newsmon-indexer"} <= hpas


def test_compose_workers_use_real_commands() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        if service.get("image", "").startswith("newsmon"):
            assert_cli_command(service["command"])
            assert set(service.get("environment", {})) <= SETTING_ENV


def test_dockerfile_copies_existing_paths() -> None:
    for line in (REPO / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (REPO / source).exists(), source
