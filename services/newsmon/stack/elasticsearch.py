"""The local single-node Elasticsearch, from Maven Central's minimal distribution."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx

from newsmon.settings import Settings

# Node settings shared with docker-compose.yml (a test checks they match there).
NODE_SETTINGS: dict[str, str] = {
    "discovery.type": "single-node",
    "xpack.security.enabled": "false",
    "cluster.routing.allocation.disk.threshold_enabled": "false",
}


def es_dir(settings: Settings) -> Path:
    return settings.state_dir / "elasticsearch"


def prepare(settings: Settings, es_home: Path, owner: str | None) -> Path:
    """Write the node's config dir (a copy of the distribution's, with our elasticsearch.yml)."""
    home = es_dir(settings)
    config = home / "config"
    if config.exists():
        shutil.rmtree(config)
    shutil.copytree(es_home / "config", config)
    (home / "data").mkdir(parents=True, exist_ok=True)
    (home / "logs").mkdir(parents=True, exist_ok=True)
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    node = {
        "cluster.name": "newsmon-local",
        "node.name": "newsmon-local-1",
        "path.data": str(home / "data"),
        "path.logs": str(home / "logs"),
        "network.host": "127.0.0.1",
        "http.port": str(settings.es_port),
        "transport.port": str(settings.es_port + 100),
        **NODE_SETTINGS,
    }
    (config / "elasticsearch.yml").write_text("".join(f"{k}: {v}\n" for k, v in node.items()))
    if owner:
        for path in [settings.state_dir, home, *home.rglob("*")]:
            shutil.chown(path, owner, owner)
    return config


def command(es_home: Path) -> list[str]:
    return [str(es_home / "bin" / "elasticsearch")]


def environment(settings: Settings, java_home: Path, config: Path) -> dict[str, str]:
    mb = settings.es_heap_mb
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ES_JAVA_HOME": str(java_home),
        "ES_PATH_CONF": str(config),
        "ES_TMPDIR": str(es_dir(settings) / "tmp"),
        "ES_JAVA_OPTS": f"-Xms{mb}m -Xmx{mb}m",
    }


def health(url: str) -> dict:
    """Cluster health and node version via _cluster/health (the minimal node may lack GET /)."""
    with httpx.Client(base_url=url, timeout=5.0) as client:
        health = client.get("/_cluster/health").raise_for_status().json()
        nodes = client.get("/_nodes", params={"filter_path": "nodes.*.version"}).json()
    found = sorted({n["version"] for n in nodes.get("nodes", {}).values()})
    return {"status": health["status"], "nodes": health["number_of_nodes"], "version": ",".join(found)}
