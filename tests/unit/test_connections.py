"""TLS settings: the CA file is read only when TLS is on, and a missing one is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmon.connections import _es_options, faust_broker_options, kafka_options
from newsmon.settings import Settings

ABSENT = Path("/etc/newsmon/ca/absent.crt")


def test_an_absent_ca_is_harmless_with_tls_off() -> None:
    settings = Settings(kafka_security_protocol="PLAINTEXT", kafka_ssl_cafile=ABSENT,
                        es_url="http://elasticsearch:9200", es_ca_cert=ABSENT)
    assert "ssl_context" not in kafka_options(settings)
    assert "broker_credentials" not in faust_broker_options(settings)
    assert "ca_certs" not in _es_options(settings)


def test_an_absent_ca_with_tls_on_names_the_setting() -> None:
    with pytest.raises(FileNotFoundError, match="NEWSMON_KAFKA_SSL_CAFILE=/etc/newsmon/ca/absent.crt"):
        kafka_options(Settings(kafka_security_protocol="SASL_SSL", kafka_ssl_cafile=ABSENT))
    with pytest.raises(FileNotFoundError, match="NEWSMON_ES_CA_CERT"):
        _es_options(Settings(es_url="https://elasticsearch:9200", es_ca_cert=ABSENT))


def test_a_present_ca_is_used(tmp_path: Path) -> None:
    from newsmon.settings import REPO_ROOT

    ca = REPO_ROOT / "deploy" / "k8s" / "ca.crt"
    assert kafka_options(Settings(kafka_security_protocol="SSL", kafka_ssl_cafile=ca))["ssl_context"]
    assert _es_options(Settings(es_url="https://es:9200", es_ca_cert=ca))["ca_certs"] == str(ca)
