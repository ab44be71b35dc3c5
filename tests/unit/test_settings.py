"""Settings come from NEWSMON_* variables, with defaults that run locally."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from newsmon.connections import kafka_options
from newsmon.settings import Settings


def test_defaults_point_at_the_local_stack(no_newsmon_env: None) -> None:
    s = Settings()
    assert s.kafka_bootstrap == "127.0.0.1:9092" and s.es_url == "http://127.0.0.1:9200"
    assert (s.schemas_dir / "topics.yaml").is_file()


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSMON_KAFKA_BOOTSTRAP", "k1:9092,k2:9092")
    monkeypatch.setenv("NEWSMON_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("NEWSMON_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("NEWSMON_KAFKA_SASL_USERNAME", "svc")
    monkeypatch.setenv("NEWSMON_KAFKA_SASL_PASSWORD", "pw")
    monkeypatch.setenv("NEWSMON_ALLOW_HOSTS", '["127.0.0.1:8000"]')
    s = Settings()
    options = kafka_options(s)
    assert options["bootstrap_servers"] == ["k1:9092", "k2:9092"]
    assert options["sasl_mechanism"] == "SCRAM-SHA-512" and options["sasl_plain_username"] == "svc"
    assert "ssl_context" in options
    assert s.allow_hosts == ("127.0.0.1:8000",)


def test_bad_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSMON_KAFKA_SECURITY_PROTOCOL", "TLS")
    with pytest.raises(ValidationError):
        Settings()


def test_settings_are_frozen() -> None:
    with pytest.raises(ValidationError):
        Settings().kafka_port = 1  # type: ignore[misc]


def test_topic_prefix() -> None:
    assert Settings(topic_prefix="dev.").topic("news.raw") == "dev.news.raw"
    assert isinstance(Settings().state_dir, Path)
