"""Hostile-input batteries (tests/data/hostile/): SSRF payloads, malformed URLs, trailing dots,
feeds in every Unicode encoding form, JSON Feed, and ingest's size cap."""

import codecs
import ipaddress
import json
import socket
from pathlib import Path

import httpx
import pytest

from newsmon.crawl.decode import decode_xml, xml_family
from newsmon.crawl.errors import CrawlError, RefusedURL, TooLarge
from newsmon.crawl.feeds import parse_feed
from newsmon.crawl.fetcher import Fetcher
from newsmon.crawl.ingest import iter_raw, raw_from_file
from newsmon.crawl.safety import METADATA_ADDRESSES, METADATA_HOSTS, SPECIAL_BLOCKS, URLGuard, address_refusal
from newsmon.crawl.urls import canonical_url, host_key
from newsmon.settings import Settings

DATA = Path(__file__).parents[2] / "data" / "hostile"


def lines(name: str) -> list[str]:
    text = (DATA / name).read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def ipv4_spellings(address: ipaddress.IPv4Address) -> list[str]:
    """Every way resolvers accept to write one IPv4 address (inet_aton forms, IPv6 embeddings)."""
    a, b, c, d = address.packed
    n = int(address)
    forms = [
        str(address), f"{address}.", str(n), oct(n).replace("0o", "0"), hex(n), hex(n).upper().replace("0X", "0x"),
        ".".join(f"0{x:o}" for x in (a, b, c, d)), ".".join(hex(x) for x in (a, b, c, d)),
        ".".join(f"00{x:o}" for x in (a, b, c, d)), f"{a}.{b}.{c * 256 + d}", f"{a}.{b * 65536 + c * 256 + d}",
        f"{hex(a)}.{b}.0{c:o}.{d}", f"{hex(a)}.0{b:o}.{c * 256 + d}", f"0{a:o}.{hex(b * 65536 + c * 256 + d)}",
        f"[::ffff:{address}]", f"[::ffff:{a * 256 + b:x}:{c * 256 + d:x}]", f"[0:0:0:0:0:ffff:{address}]",
        f"[64:ff9b::{address}]", f"[2002:{a * 256 + b:x}:{c * 256 + d:x}::1]",
    ]
    return list(dict.fromkeys(forms))


def metadata_urls() -> list[str]:
    urls = []
    for address in sorted(METADATA_ADDRESSES, key=lambda ip: (ip.version, int(ip))):
        if address.version == 4:
            urls += [f"http://{form}/latest/meta-data/" for form in ipv4_spellings(address)]
        else:
            urls += [f"http://[{address}]/", f"http://[{address.exploded}]/", f"http://[{str(address).upper()}]:80/"]
    return urls + [f"http://{host}/" for host in sorted(METADATA_HOSTS)] + [f"http://{host}./" for host in sorted(METADATA_HOSTS)]


SSRF = lines("ssrf_urls.txt") + metadata_urls()


def test_battery_is_large():
    assert len(SSRF) >= 250 and len(lines("malformed_urls.txt")) >= 20


@pytest.mark.parametrize("url", SSRF)
async def test_ssrf_payload_refused(url):
    with pytest.raises(RefusedURL):
        await URLGuard().check(url)


@pytest.mark.parametrize("url", metadata_urls())
def test_metadata_refused_without_dns(url):
    """Metadata endpoints are refused from the URL alone, in every spelling, whatever DNS says."""
    with pytest.raises(RefusedURL) as caught:
        URLGuard().target(url)
    assert caught.value.reason in ("metadata_address", "metadata_host")


def block_samples() -> list[tuple[str, str, bool]]:
    """(address, block, refused?) for the first, middle and last address of every special block."""
    samples = []
    for block in SPECIAL_BLOCKS:
        net = block.network
        for ip in {net.network_address, net.network_address + net.num_addresses // 2, net.broadcast_address}:
            # The verdict is the most specific block's: samples decided by a nested block are skipped.
            owner = next(b for b in SPECIAL_BLOCKS if b.network.version == ip.version and ip in b.network)
            if owner is block and ip not in METADATA_ADDRESSES:
                samples.append((str(ip), str(net), not block.reachable))
    return samples


@pytest.mark.parametrize(("address", "block", "refused"), block_samples())
def test_special_purpose_blocks(address, block, refused):
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and (ip.ipv4_mapped or ip.sixtofour or ip.teredo or ip in ipaddress.ip_network("64:ff9b::/96")):
        pytest.skip("judged by the IPv4 address it embeds (test_embedded_addresses)")
    assert (address_refusal(ip) is not None) is refused, f"{address} in {block}"


@pytest.mark.parametrize(
    ("address", "refused"),
    [("::ffff:8.8.8.8", False), ("::ffff:10.0.0.1", True), ("64:ff9b::8.8.8.8", False), ("64:ff9b::192.0.0.192", True),
     ("2002:0808:0808::1", False), ("2002:c0a8:0001::1", True), ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", False),
     ("2001:0:4136:e378:8000:63bf:3fff:fdd2", True)],
)
def test_embedded_addresses(address, refused):
    assert (address_refusal(ipaddress.ip_address(address)) is not None) is refused


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "114.114.114.114", "223.5.5.5", "192.0.0.9", "192.0.0.10",
                                     "192.31.196.1", "2400:3200::1", "2606:4700:4700::1111", "2001:1::1", "2001:4:112::1"])
def test_global_addresses_pass(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_independent_of_python_version():
    """192.0.0.192 is Oracle Cloud's metadata service, which Python 3.11's `is_global` lets through."""
    assert address_refusal(ipaddress.ip_address("192.0.0.192")) == "metadata_address"
    assert address_refusal(ipaddress.ip_address("192.0.0.191")) == "reserved_address"


@pytest.mark.parametrize("url", lines("malformed_urls.txt"))
async def test_malformed_url_is_a_crawl_error(url):
    """Refused before any request, as a CrawlError the worker dead-letters (never a bare ValueError)."""
    requests = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, text="ok")

    async with Fetcher(Settings(fetch_retries=0), transport=httpx.MockTransport(handler), obey_robots=False) as fetcher:
        with pytest.raises(CrawlError):
            await fetcher.fetch(url)
    assert requests == []


@pytest.mark.parametrize("pair", lines("trailing_dot.txt"))
def test_canonical_host_has_no_trailing_dot(pair):
    dotted, plain = pair.split("\t")
    assert canonical_url(dotted) == canonical_url(plain)
    assert host_key(dotted) == host_key(plain)
    assert not (canonical_url(dotted).split("/")[2]).endswith(".")


FEED = """<?xml version="1.0" encoding="{label}"?>
<rss version="2.0"><channel><title>十堰新闻</title>
<item><title>十堰市一季度地区生产总值增长6.5%</title><link>http://news.example.cn/a/1.html</link></item>
<item><title>张湾区签约项目12个</title><link>http://news.example.cn/a/2.html</link></item>
</channel></rss>
"""
UNICODE_FORMS = ["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]
BOM = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
       "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}


def feed_variants() -> list[tuple[str, bytes, str | None]]:
    """(name, bytes, content type): each form with and without BOM, declared precisely, generically or
    not at all, with a matching, a wrong or no HTTP charset."""
    variants = []
    for form in UNICODE_FORMS:
        generic = form.split("-le")[0].split("-be")[0]
        for bom in (True, False):
            for label in (form, generic):
                body = (BOM[form] if bom else b"") + FEED.format(label=label).encode(form)
                for content_type in (None, "application/rss+xml", f"application/rss+xml; charset={form}",
                                     "text/xml; charset=iso-8859-1", "application/xml; charset=utf-8"):
                    variants.append((f"{form}/{'bom' if bom else 'nobom'}/{label}/{content_type}", body, content_type))
        nodecl = FEED.split("\n", 1)[1].encode(form)
        variants.append((f"{form}/nobom/no-declaration", nodecl, None))
    gbk = FEED.format(label="gb2312").encode("gb18030")
    variants += [("gb2312/declared", gbk, None), ("gb2312/declared+http-utf8", gbk, "text/xml; charset=utf-8")]
    return variants


@pytest.mark.parametrize(("name", "body", "content_type"), feed_variants(), ids=lambda v: v if isinstance(v, str) else "")
def test_feed_in_every_encoding_form(name, body, content_type):
    parsed = parse_feed(body, "http://news.example.cn/rss.xml", content_type)
    assert [e.link for e in parsed.entries] == ["http://news.example.cn/a/1.html", "http://news.example.cn/a/2.html"], name
    assert parsed.entries[0].title == "十堰市一季度地区生产总值增长6.5%"
    assert parsed.title == "十堰新闻"


@pytest.mark.parametrize(("head", "family"), [(b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
                                               (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"),
                                               (b"<?xm", None), (b"\x00\x00", None)])
def test_xml_family(head, family):
    assert xml_family(head) == family


def test_declaration_before_http_charset():
    body = '<?xml version="1.0" encoding="gbk"?><rss><channel><title>湖北</title></channel></rss>'.encode("gbk")
    assert decode_xml(body, "text/xml; charset=utf-8") == (body.decode("gb18030"), "gb18030")


def test_utf16_label_on_8bit_bytes_is_ignored():
    body = b'<?xml version="1.0" encoding="utf-16"?><rss/>'
    assert decode_xml(body, None)[0] == body.decode("ascii")


JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1", "title": "十堰新闻",
    "items": [
        {"id": "1", "url": "http://news.example.cn/a/1.html?utm_source=x", "title": "十堰市地区生产总值增长6.5%",
         "content_text": "正文", "date_published": "2024-04-20T08:00:00+08:00"},
        {"id": "http://news.example.cn/a/2.html", "content_html": "<p>正文</p>", "date_modified": "2024-04-21T00:00:00Z"},
        {"id": 3, "title": "no link"},
        {"url": "http://[::1/", "title": "bad link"},
        "not an object",
    ],
}


@pytest.mark.parametrize("content_type", ["application/feed+json", "application/feed+json; charset=utf-8", "application/json", None])
def test_json_feed(content_type):
    parsed = parse_feed(json.dumps(JSON_FEED, ensure_ascii=False).encode("utf-8"), None, content_type)
    assert parsed.title == "十堰新闻" and parsed.error is None
    assert [e.link for e in parsed.entries] == ["http://news.example.cn/a/1.html", "http://news.example.cn/a/2.html"]
    assert parsed.entries[0].published.isoformat() == "2024-04-20T00:00:00+00:00"
    assert parsed.entries[1].published.isoformat() == "2024-04-21T00:00:00+00:00"


@pytest.mark.parametrize("body", [b'{"items": []}', b"[1, 2]", b"{not json", b'{"version": "https://jsonfeed.org/version/1", "items": 5}',
                                  b'{"version": 1}', b"[" * 100000])
def test_json_that_is_not_a_feed_is_refused(body):
    parsed = parse_feed(body, None, "application/json")
    assert parsed.entries == [] and parsed.error


def test_ingest_has_the_fetchers_cap(tmp_path):
    settings = Settings(max_page_bytes=1000)
    (tmp_path / "big.html").write_bytes(b"<p>" + "很".encode() * 400 + b"</p>")
    (tmp_path / "small.txt").write_text("十堰市地区生产总值增长6.5%", encoding="utf-8")
    with pytest.raises(TooLarge):
        raw_from_file(tmp_path / "big.html", limit=settings.max_page_bytes)
    results = dict(iter_raw(tmp_path, limit=settings.max_page_bytes))
    assert isinstance(results[tmp_path / "big.html"], TooLarge)
    assert results[tmp_path / "small.txt"]["text"] == "十堰市地区生产总值增长6.5%"


def test_localhost_resolves_here():
    """The battery's name-based entries rely on the resolver refusing loopback answers."""
    assert socket.gethostbyname("localhost").startswith("127.")
