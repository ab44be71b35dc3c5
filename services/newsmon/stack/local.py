"""`newsmon stack up | down | status | logs`: the embedded Kafka + Elasticsearch on loopback."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsmon.settings import Settings
from newsmon.stack import artifacts, elasticsearch, kafka, versions
from newsmon.stack.java import find_java_home
from newsmon.stack.process import PortTaken, ServiceProcess, port_in_use


class StackError(RuntimeError):
    """The local stack could not start; the message is one line saying what to do."""


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    running: bool
    healthy: bool
    version: str
    detail: str


class LocalStack:
    """The local single-node Kafka broker and Elasticsearch node, tracked by pid files."""

    def __init__(self, settings: Settings, log: Callable[[str], None] = lambda _: None) -> None:
        self.settings = settings
        self.log = log
        run_dir = settings.state_dir / "run"
        self.kafka = ServiceProcess("kafka", run_dir)
        self.es = ServiceProcess("elasticsearch", run_dir)

    # --- up -----------------------------------------------------------------------------
    def up(self) -> list[ServiceStatus]:
        """Provision (first time) and start both services; wait until both are healthy."""
        s = self.settings
        s.state_dir.mkdir(parents=True, exist_ok=True)
        self._check_port(self.kafka, s.kafka_port, "NEWSMON_KAFKA_PORT")
        self._check_port(self.kafka, s.kafka_controller_port, "NEWSMON_KAFKA_CONTROLLER_PORT")
        self._check_port(self.es, s.es_port, "NEWSMON_ES_PORT")
        java_home = find_java_home(s.java_home)
        owner = self._es_user()
        self.log(f"java: {java_home}")
        if self.kafka.pid() is None:
            libs = artifacts.kafka_libs(s.cache_dir, java_home)
            props = kafka.prepare(s, java_home, libs)
            self.kafka.start(
                kafka.command(s, java_home, libs, props),
                env={**os.environ, "JAVA_HOME": str(java_home)}, cwd=kafka.kafka_dir(s),
            )
            self.log(f"started {kafka.version_label()}")
        if self.es.pid() is None:
            es_home = artifacts.elasticsearch_home(s.cache_dir, s.maven_repo_url, owner=owner)
            config = elasticsearch.prepare(s, es_home, owner)
            self.es.start(
                elasticsearch.command(es_home), env=elasticsearch.environment(s, java_home, config),
                cwd=elasticsearch.es_dir(s), user=owner,
            )
            self.log(f"started Elasticsearch {versions.ELASTICSEARCH_VERSION}")
        return self.wait_healthy()

    def wait_healthy(self) -> list[ServiceStatus]:
        deadline = time.monotonic() + self.settings.stack_start_timeout_s
        while True:
            statuses = self.status()
            if all(st.healthy for st in statuses):
                return statuses
            for st, proc in zip(statuses, (self.kafka, self.es)):
                if not st.running:
                    raise StackError(
                        f"{st.name} exited during start-up: see {proc.console_log} "
                        f"and `newsmon stack logs {st.name}`"
                    )
            if time.monotonic() > deadline:
                raise StackError(
                    "stack not healthy after "
                    f"{self.settings.stack_start_timeout_s:.0f}s: "
                    + "; ".join(f"{st.name}: {st.detail}" for st in statuses)
                )
            time.sleep(0.5)

    def _check_port(self, owner: ServiceProcess, port: int, env_name: str) -> None:
        if owner.pid() is None and port_in_use(port):
            raise PortTaken(
                f"port {port} is taken by another process: stop it, or set {env_name} to a free port"
            )

    def _es_user(self) -> str | None:
        """Elasticsearch refuses to run as root: as root, run it as a dedicated system user."""
        if os.geteuid() != 0:
            return None
        name = self.settings.es_system_user
        try:
            pwd.getpwnam(name)
        except KeyError:
            useradd = shutil.which("useradd") or "/usr/sbin/useradd"
            subprocess.run(
                [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                check=True, capture_output=True,
            )
            self.log(f"created system user {name!r} for Elasticsearch")
        return name

    # --- down / status / logs -----------------------------------------------------------
    def down(self) -> list[str]:
        """Stop both services cleanly (SIGTERM, then SIGKILL after a minute). Returns what stopped."""
        stopped = []
        for proc in (self.es, self.kafka):
            if proc.stop():
                stopped.append(proc.name)
        return stopped

    def status(self) -> list[ServiceStatus]:
        return [self._kafka_status(), self._es_status()]

    def _kafka_status(self) -> ServiceStatus:
        running = self.kafka.pid() is not None
        label = kafka.version_label()
        if not running:
            return ServiceStatus("kafka", False, False, label, "not running")
        try:
            info = kafka.health(self.settings)
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy yet"
            return ServiceStatus("kafka", True, False, label, f"not answering ({type(exc).__name__})")
        detail = f"{self.settings.kafka_bootstrap}, cluster {info['cluster_id']}, {info['brokers']} broker(s)"
        return ServiceStatus("kafka", True, True, label, detail)

    def _es_status(self) -> ServiceStatus:
        running = self.es.pid() is not None
        label = f"Elasticsearch {versions.ELASTICSEARCH_VERSION}"
        if not running:
            return ServiceStatus("elasticsearch", False, False, label, "not running")
        try:
            info = elasticsearch.health(self.settings.es_url)
        except Exception as exc:  # noqa: BLE001
            return ServiceStatus("elasticsearch", True, False, label, f"not answering ({type(exc).__name__})")
        healthy = info["status"] in ("green", "yellow")
        detail = f"{self.settings.es_url}, status {info['status']}, {info['nodes']} node(s)"
        return ServiceStatus("elasticsearch", True, healthy, f"Elasticsearch {info['version']}", detail)

    def log_file(self, name: str) -> Path:
        """The main log of a service ("kafka" or "elasticsearch")."""
        if name == "kafka":
            return kafka.kafka_dir(self.settings) / "logs" / "server.log"
        return elasticsearch.es_dir(self.settings) / "logs" / "newsmon-local.log"
