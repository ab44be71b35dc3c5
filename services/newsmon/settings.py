"""One frozen, typed settings object, read from NEWSMON_* environment variables.

Every default runs locally against the embedded stack (`newsmon stack up`). Users with their own
Kafka / Elasticsearch clusters override the connection settings; nothing else reads os.environ.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


REPO_ROOT = Path(__file__).resolve().parents[2]  # services/newsmon/settings.py in a checkout


def _data_root() -> Path:
    """Where schemas/ and deploy/ are: the checkout, or <prefix>/share/newsmon/ for a wheel install."""
    if (REPO_ROOT / "schemas" / "topics.yaml").is_file():
        return REPO_ROOT
    return Path(sys.prefix) / "share" / "newsmon"


DATA_ROOT = _data_root()
#: The default sources file: the demo news site's feeds, lists and e-paper.
DEMO_SOURCES_FILE = DATA_ROOT / "deploy" / "sources" / "demo.yaml"


def _default_schemas_dir() -> Path:
    return DATA_ROOT / "schemas"


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _default_state_dir() -> Path:
    # As root, Elasticsearch runs as a dedicated user that cannot enter /root: use system dirs.
    if _running_as_root():
        return Path("/var/lib/newsmon")
    return Path(platformdirs.user_state_dir("newsmon"))


def _default_cache_dir() -> Path:
    if _running_as_root():
        return Path("/var/cache/newsmon")
    return Path(platformdirs.user_cache_dir("newsmon"))


class Settings(BaseSettings):
    """Everything configurable in newsmon; see README "Configuration" for the table."""

    model_config = SettingsConfigDict(env_prefix="NEWSMON_", frozen=True, extra="ignore")

    # --- Kafka connection -------------------------------------------------------------------
    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated.")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = None
    kafka_ssl_cafile: Path | None = Field(None, description="CA certificate for SSL / SASL_SSL.")
    topic_prefix: str = Field("", description="Prepended to every topic name (tests, multi-tenant clusters).")
    topic_replication: int = Field(1, description="Replication factor for topics newsmon creates.")
    schemas_dir: Path = Field(default_factory=_default_schemas_dir, description="Topic declarations, JSON Schemas, ES templates.")

    # --- Elasticsearch connection -----------------------------------------------------------
    es_url: str = Field("http://127.0.0.1:9200", description="Elasticsearch URL(s), comma-separated.")
    es_api_key: str | None = None
    es_username: str | None = None
    es_password: str | None = None
    es_ca_cert: Path | None = None
    index_prefix: str = Field("newsmon", description="Prefix of every alias, index and template.")
    es_replicas: int = Field(0, description="Replicas per shard for indices newsmon creates (0 on one node).")

    # --- Embedded local stack ---------------------------------------------------------------
    state_dir: Path = Field(default_factory=_default_state_dir, description="Data and logs of the local stack.")
    cache_dir: Path = Field(default_factory=_default_cache_dir, description="Downloaded jars, ES distribution, JDK.")
    java_home: Path | None = Field(None, description="JDK 21+ to run Kafka and Elasticsearch; found if unset.")
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    es_port: int = 9200
    kafka_heap_mb: int = 512
    es_heap_mb: int = 768
    stack_start_timeout_s: float = 180.0
    es_system_user: str = Field("newsmon", description="User Elasticsearch runs as when newsmon runs as root.")
    maven_repo_url: str = Field("https://repo.maven.apache.org/maven2", description="Where the ES zip is fetched.")

    # --- Crawler ----------------------------------------------------------------------------
    sources_file: Path = Field(DEMO_SOURCES_FILE, description="YAML list of feeds to poll.")
    sources_base_url: str | None = Field(
        None, description="Replaces the sources file's base_url: the same file for a site on another host or port."
    )
    crawl_group: str = Field("newsmon-crawl", description="Consumer group of the crawler workers.")
    crawl_max_polls: int = Field(8, description="Feeds one worker polls at once.")
    crawl_stop_wait_s: float = Field(
        20.0, description="On stop, how long in-flight feed polls and page fetches may finish before they are "
        "cancelled (nothing is committed for them: the next owner redoes them). Keep it under the "
        "orchestrator's grace period (60 s in compose and k8s).",
    )
    allow_hosts: tuple[str, ...] = Field((), description="Hosts exempt from the private-address refusal (demo site, tests).")
    user_agent: str = "newsmon/0.1 (+https://github.com/newsmon/newsmon)"
    fetch_timeout_s: float = 20.0
    fetch_retries: int = 3
    max_redirects: int = 5
    max_page_bytes: int = 10 * 1024 * 1024
    host_delay_s: float = 1.0
    host_concurrency: int = 2
    default_poll_interval_s: float = 300.0
    crawl_url_retention_days: int = Field(
        180, description="A fetched URL is remembered this long (as long as a source may list an article "
        "again); then it is deleted from crawl.state (a tombstone) and fetched again if it reappears.",
    )

    # --- Processing -------------------------------------------------------------------------
    faust_app_id: str = "newsmon-process"
    faust_web_port: int = 6066
    max_raw_bytes: int = Field(
        2 * 1024 * 1024,
        description="Raw records larger than this are dead-lettered unread: an article is a few KiB, and the "
        "enriched bundle is ~7x its input, so bigger ones would stall a worker and overflow news.enriched.",
    )
    deadletter_max_ratio: float = Field(0.5, description="Stop loudly when more than this share of a window dead-letters.")
    dedupe_window_days: int = Field(
        30, description="Near-duplicates are looked for among first copies dated within this many days of an "
        "article (publication date, else fetch time); older decisions are deleted from the fingerprint table, "
        "so its size and recovery follow the window, not the history.",
    )

    # --- Indexing ---------------------------------------------------------------------------
    index_group: str = "newsmon-index"
    index_batch_docs: int = 500
    index_flush_s: float = 1.0
    index_retry_max_s: float = Field(
        5.0, description="Longest pause between retries while Elasticsearch is down or rejecting (jittered ±50 %): "
        "bounds how long indexing lags behind a recovered cluster.",
    )
    metrics_port: int = 0

    # --- Kibana (`newsmon kibana setup`) -----------------------------------------------------
    kibana_url: str = Field("http://localhost:5601", description="Kibana base URL the dashboard is imported into.")
    kibana_api_key: str | None = Field(None, description="Kibana API key (base64 id:key); or kibana_username / _password.")
    kibana_username: str | None = None
    kibana_password: str | None = None

    # --- Data quality (`newsmon status`, metrics) --------------------------------------------
    quality_window_days: float = Field(7.0, description="Window of the per-source signals: articles per day, "
                                       "indicators per article, share of metric \"other\".")
    silent_after_gaps: float = Field(5.0, description="A source is silent after this many times its usual gap "
                                     "between articles (its window's mean) without a new one.")

    def topic(self, name: str) -> str:
        """The full topic name for a logical one such as "news.raw"."""
        return f"{self.topic_prefix}{name}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built once on first use (never at import time)."""
    return Settings()
