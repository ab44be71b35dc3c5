"""deploy/k8s as `kubectl apply -k` would apply it: rendered by kustomize (krusty) and decoded
strictly into the Kubernetes API types (tests/deploycheck), then checked against the code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command

import newsmon
from newsmon.cli import app
from newsmon.crawl.sources import parse_sources
from newsmon.settings import Settings
from tests.deploy.conftest import REPO, Stage, settings_from_env

K8S = REPO / "deploy" / "k8s"
SETTING_ENV = {f"NEWSMON_{name.upper()}" for name in Settings.model_fields}
WORKERS = {"crawler": "crawl", "processor": "process", "indexer": "index"}


@pytest.fixture(scope="module")
def rendered(deploycheck: Callable[..., Any]) -> list[dict]:
    return deploycheck("kustomize", str(K8S))


def by_kind(rendered: list[dict], kind: str) -> dict[str, dict]:
    return {o["name"]: o["object"] for o in rendered if o["kind"] == kind}


def pod_templates(rendered: list[dict]) -> dict[str, dict]:
    return {o["name"]: o["object"]["spec"]["template"] for o in rendered
            if o["kind"] in ("Deployment", "StatefulSet", "Job")}


def config_data(rendered: list[dict]) -> dict[str, str]:
    return by_kind(rendered, "ConfigMap")["newsmon-config"]["data"]


def generated(rendered: list[dict], kind: str, base: str) -> dict:
    """A generated ConfigMap / Secret (kustomize appends a content hash to its name)."""
    (obj,) = [o["object"] for o in rendered if o["kind"] == kind and o["name"].startswith(f"{base}-")]
    return obj


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


def test_renders_the_expected_objects(rendered: list[dict]) -> None:
    print("rendered:", ", ".join(f"{o['kind']}/{o['name']}" for o in rendered))
    names = {(o["kind"], o["name"]) for o in rendered}
    for worker in WORKERS:
        assert ("PodDisruptionBudget", f"newsmon-{worker}") in names
    assert {("ConfigMap", "newsmon-config"), ("Secret", "newsmon-credentials"), ("Job", "newsmon-init"),
            ("Job", "newsmon-kibana-setup"), ("StatefulSet", "newsmon-processor")} <= names
    generated(rendered, "ConfigMap", "newsmon-sources")
    generated(rendered, "Secret", "newsmon-ca")
    assert all(o["namespace"] == "newsmon" for o in rendered if o["kind"] != "Namespace")


def test_every_container_runs_a_real_command_with_real_settings(rendered: list[dict]) -> None:
    config = config_data(rendered)
    assert set(config) <= SETTING_ENV
    secret = by_kind(rendered, "Secret")["newsmon-credentials"]["stringData"]
    assert set(secret) <= SETTING_ENV
    settings_from_env({**config, **secret})  # every value parses
    for name, template in pod_templates(rendered).items():
        for container in template["spec"]["containers"]:
            assert_cli_command(container["command"])
            refs = {ref.get("configMapRef", ref.get("secretRef", {})).get("name") for ref in container["envFrom"]}
            assert refs == {"newsmon-config", "newsmon-credentials"}, name


def test_image_is_named_once_with_the_package_version(rendered: list[dict]) -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    (image,) = kustomization["images"]
    assert image["newTag"] == newsmon.__version__
    expected = f"{image['newName']}:{image['newTag']}"
    for template in pod_templates(rendered).values():
        assert {c["image"] for c in template["spec"]["containers"]} == {expected}
    for path in K8S.glob("*.yaml"):
        assert "newsmon:" not in "\n".join(l for l in path.read_text().splitlines() if "image:" in l), path


def test_replicas_are_left_to_the_autoscalers(rendered: list[dict]) -> None:
    workloads = {(o["kind"], o["name"]): o["object"] for o in rendered if o["kind"] in ("Deployment", "StatefulSet")}
    hpas = by_kind(rendered, "HorizontalPodAutoscaler")
    assert {"newsmon-processor", "newsmon-indexer"} <= set(hpas)
    for hpa in hpas.values():
        target = hpa["spec"]["scaleTargetRef"]
        workload = workloads[(target["kind"], target["name"])]
        assert "replicas" not in workload["spec"], f"{target['name']}: `kubectl apply -k` would reset its autoscaler"


def test_a_disruption_budget_per_worker_kind(rendered: list[dict]) -> None:
    templates = pod_templates(rendered)
    for name, pdb in by_kind(rendered, "PodDisruptionBudget").items():
        labels = templates[name]["metadata"]["labels"]
        assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert pdb["spec"]["maxUnavailable"] == 1
    assert set(by_kind(rendered, "PodDisruptionBudget")) == {f"newsmon-{w}" for w in WORKERS}


def test_workers_get_a_writable_state_dir_as_the_image_user(rendered: list[dict], runtime_stage: Stage) -> None:
    """NEWSMON_STATE_DIR of the image is a volume in every worker pod, writable by the image's uid;
    the processor (Faust's app dir) keeps it across restarts in a StatefulSet's claim."""
    state_dir = runtime_stage.env["NEWSMON_STATE_DIR"]
    uid = int(runtime_stage.runs("useradd")[0].split("--uid")[1].split()[0])
    templates = pod_templates(rendered)
    for worker in WORKERS:
        spec = templates[f"newsmon-{worker}"]["spec"]
        assert spec["securityContext"]["runAsUser"] == uid and spec["securityContext"]["fsGroup"] == uid
        (container,) = spec["containers"]
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        assert state_dir in mounts, worker
    processor = by_kind(rendered, "StatefulSet")["newsmon-processor"]
    claims = {c["metadata"]["name"] for c in processor["spec"]["volumeClaimTemplates"]}
    (container,) = processor["spec"]["template"]["spec"]["containers"]
    assert {m["name"] for m in container["volumeMounts"] if m["mountPath"] == state_dir} <= claims


def test_shipped_sources_and_ca_are_mounted_where_the_config_points(rendered: list[dict]) -> None:
    config = config_data(rendered)
    sources = generated(rendered, "ConfigMap", "newsmon-sources")
    parsed = parse_sources(sources["data"]["sources.yaml"])
    assert parsed.sources and not parsed.problems
    assert sources["data"]["sources.yaml"] == (REPO / "deploy" / "sources" / "china-regional.yaml").read_text()
    ca = generated(rendered, "Secret", "newsmon-ca")
    assert "BEGIN CERTIFICATE" in __import__("base64").b64decode(ca["data"]["ca.crt"]).decode()
    crawler = pod_templates(rendered)["newsmon-crawler"]["spec"]
    volumes = {v["name"]: v for v in crawler["volumes"]}
    (container,) = crawler["containers"]
    mounted = {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}
    sources_file = Path(config["NEWSMON_SOURCES_FILE"])
    assert mounted[str(sources_file.parent)]["configMap"]["name"].startswith("newsmon-sources-")
    for setting in ("NEWSMON_KAFKA_SSL_CAFILE", "NEWSMON_ES_CA_CERT"):
        ca_file = Path(config[setting])
        for name, template in pod_templates(rendered).items():
            volumes = {v["name"]: v for v in template["spec"]["volumes"]}
            (container,) = template["spec"]["containers"]
            (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == str(ca_file.parent)]
            assert volumes[mount["name"]]["secret"]["secretName"] == ca["metadata"]["name"], name


def test_kibana_job_authenticates_from_the_secret(rendered: list[dict]) -> None:
    secret = by_kind(rendered, "Secret")["newsmon-credentials"]["stringData"]
    assert "NEWSMON_KIBANA_API_KEY" in secret
    assert "NEWSMON_KIBANA_URL" in config_data(rendered)
    (container,) = pod_templates(rendered)["newsmon-kibana-setup"]["spec"]["containers"]
    assert container["command"] == ["newsmon", "kibana", "setup"]
    refs = [r["secretRef"] for r in container["envFrom"] if "secretRef" in r]
    assert refs == [{"name": "newsmon-credentials"}], "not optional: without credentials the Job should wait"


def test_probes_and_scrape_ports_match_the_served_port(rendered: list[dict]) -> None:
    config = config_data(rendered)
    served = {"crawl": int(config["NEWSMON_METRICS_PORT"]), "index": int(config["NEWSMON_METRICS_PORT"]),
              "process": int(config["NEWSMON_FAUST_WEB_PORT"])}
    for worker, command in WORKERS.items():
        template = pod_templates(rendered)[f"newsmon-{worker}"]
        (container,) = template["spec"]["containers"]
        assert container["command"] == ["newsmon", command]
        port = served[command]
        assert [(p["name"], p["containerPort"]) for p in container["ports"]] == [("metrics", port)]
        assert template["metadata"]["annotations"]["prometheus.io/port"] == str(port)
        for probe in ("livenessProbe", "readinessProbe"):
            assert container[probe]["httpGet"]["port"] == "metrics"
        assert container["resources"]["requests"]
        assert template["spec"]["terminationGracePeriodSeconds"] >= 30
