"""SSRF guard: internal addresses refused in every spelling, before and after DNS."""

import ipaddress

import pytest

from newsmon.crawl.errors import FetchFailed, RefusedURL
from newsmon.crawl.safety import URLGuard, address_refusal, ip_literal

REFUSED = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/admin",
    "http://127.1/",
    "http://127.0.1/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f.0.0.1/",
    "http://0x7f000001/",
    "http://0x7f.1/",
    "http://017700000001/",
    "http://127.000.000.001/",
    "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[2002:7f00:1::]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    "http://10.0.0.1/",
    "http://10.255.255.255/",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.0.1/",
    "http://[fe80::1]/",
    "http://[fd00:ec2::254]/",
    "http://[fc00::1]/",
    "http://224.0.0.1/",
    "http://239.255.255.250/",
    "http://[ff02::1]/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://192.0.2.1/",
    "http://198.18.0.1/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://metadata/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://127.0.0.1.:80/",
    "ftp://example.com/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
    "javascript:alert(1)",
    "http:///nohost",
    "http://[fe80::1%25eth0]/",
]


@pytest.mark.parametrize("url", REFUSED)
async def test_refused(url):
    with pytest.raises(RefusedURL) as caught:
        await URLGuard().check(url)
    assert caught.value.reason and " " not in caught.value.reason


def test_refused_table_is_large():
    assert len(REFUSED) >= 30


@pytest.mark.parametrize(
    ("host", "address"),
    [("2130706433", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
     ("[::ffff:127.0.0.1]", "::ffff:7f00:1"), ("example.com", None), ("1.2.3.4.example", None)],
)
def test_ip_literal_forms(host, address):
    assert ip_literal(host) == (ipaddress.ip_address(address) if address else None)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "114.114.114.114"])
def test_public_addresses_pass(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


async def test_public_literal_passes_without_dns():
    await URLGuard().check("http://8.8.8.8/news")


async def test_allowlist_by_host_and_port():
    guard = URLGuard(["127.0.0.1:8081", "intranet.test"])
    await guard.check("http://127.0.0.1:8081/x")
    assert guard.allowed("intranet.test", 443)
    with pytest.raises(RefusedURL):
        await guard.check("http://127.0.0.1:8082/x")
    with pytest.raises(RefusedURL):
        await guard.check("ftp://127.0.0.1:8081/x")


async def test_resolution_checks_every_address(monkeypatch):
    guard = URLGuard()

    async def fake_getaddrinfo(host, port, **kwargs):
        return [(2, 1, 6, "", ("93.184.216.34", port)), (2, 1, 6, "", ("10.0.0.5", port))]

    loop = __import__("asyncio").get_running_loop()
    monkeypatch.setattr(loop, "getaddrinfo", fake_getaddrinfo)
    with pytest.raises(RefusedURL) as caught:
        await guard.check("http://rebind.example/")
    assert caught.value.reason == "private_address"


async def test_unresolvable_is_transient(monkeypatch):
    import socket

    async def fail(*args, **kwargs):
        raise socket.gaierror("no such host")

    loop = __import__("asyncio").get_running_loop()
    monkeypatch.setattr(loop, "getaddrinfo", fail)
    with pytest.raises(FetchFailed) as caught:
        await URLGuard().check("http://nowhere.example/")
    assert caught.value.reason == "dns_error" and caught.value.transient
