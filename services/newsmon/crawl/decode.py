"""Bytes of a page or feed → text, without mojibake.

Order of evidence: byte-order mark, the HTTP charset, the document's own declaration
(<meta charset>, http-equiv, <?xml encoding?>), then strict UTF-8, then detection by
charset-normalizer. A declaration is trusted only if the bytes decode strictly with it; GB2312
and GBK are read as their superset GB18030 (pages labelled GB2312 routinely hold GBK
characters). Before generic detection, an undeclared body that reads as mostly common
Chinese in GB18030 or Big5 is taken as such: this service reads Chinese news, and
charset-normalizer often calls short GBK text Cyrillic. Declared single-byte Western charsets are only hints: Chinese pages often carry a
copied "iso-8859-1" label. Feeds (`decode_xml`) follow the XML rules first: byte-order mark,
UTF-16/32 told from the first bytes, the XML declaration, then the HTTP charset.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

#: Labels read as a superset codec.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "ascii": "utf-8"}
#: Declared labels that never fail to decode and so prove nothing about the bytes.
WEAK_LABELS = frozenset({"iso8859-1", "cp1252", "iso8859-15"})
#: UTF-32 first: its little-endian mark begins with UTF-16's.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
#: How far into the document to look for a charset declaration.
PRESCAN_BYTES = 16 * 1024
#: How much of the document charset-normalizer reads (detection time grows with it).
DETECT_BYTES = 256 * 1024
#: Share of non-ASCII characters that must be CJK for an undeclared body to be read as GB18030.
HAN_SHARE = 0.8
#: Invalid sequences tolerated (then dropped), per non-ASCII byte: a few truncated characters
#: from a cut-off title, not a wrong codec.
MAX_BAD_SHARE = 0.005

_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.IGNORECASE)


def codec_name(label: str | None) -> str | None:
    """The Python codec to use for a charset label, or None if the label names no charset.

    Python also has codecs that are not charsets (base64, zlib, rot13) or that cannot skip bad
    bytes (idna, punycode, undefined); a page declaring one of those declared nothing usable.
    """
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
        b"\xff<\x80".decode(name, "replace")
    except (LookupError, UnicodeError):
        return None
    return SUPERSETS.get(name, name)


def http_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    match = _CHARSET_PARAM.search((content_type or "").encode("latin-1", "replace"))
    return match.group(1).decode("ascii") if match else None


def declared_charset(body: bytes) -> str | None:
    """The charset the document declares for itself in its first bytes, if any."""
    head = body[:PRESCAN_BYTES]
    if match := _XML_DECL.match(head):
        return match.group(1).decode("ascii")
    for meta in _META.finditer(head):
        if match := _CHARSET_PARAM.search(meta.group(0)):
            return match.group(1).decode("ascii")
    return None


def xml_family(body: bytes) -> str | None:
    """The UTF-16 / UTF-32 codec an unmarked XML document is in, from where its first 4 bytes are zero.

    XML 1.0 Appendix F: a document that does not start with a byte-order mark starts with
    "<" (or white space), so the zeros of its first ASCII characters give the width and the byte
    order. None means an ASCII-compatible encoding, named by the declaration.
    """
    zeros = tuple(byte == 0 for byte in body[:4])
    return {
        (True, True, True, False): "utf-32-be", (False, True, True, True): "utf-32-le",
        (True, False, True, False): "utf-16-be", (False, True, False, True): "utf-16-le",
    }.get(zeros)


def _ascii_compatible(codec: str | None) -> bool:
    try:
        return bool(codec) and "<?xml".encode(codec) == b"<?xml"
    except (LookupError, UnicodeError):
        return False


def decode_xml(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, codec used) for a feed's bytes by the XML encoding rules, then the page rules.

    In order: a byte-order mark (UTF-8/16/32), UTF-16/32 detected from the first bytes, the
    `<?xml encoding?>` declaration, then the HTTP charset (a label only counts if the bytes
    decode strictly with it, and a UTF-16/32 label on 8-bit bytes is ignored, as XML parsers do);
    past those, `decode_html`'s evidence (strict UTF-8, Chinese, detection). Never raises.
    """
    for bom, codec in BOMS:
        if body.startswith(bom) and (text := _strict(body, codec)) is not None:
            return text, codec
    if (family := xml_family(body)) and (text := _strict(body, family)) is not None:
        return text, family
    for label in (declared_charset(body), http_charset(content_type)):
        codec = codec_name(label)
        if codec not in WEAK_LABELS and _ascii_compatible(codec) and (text := _strict(body, codec)) is not None:
            return text, codec
    return decode_html(body, content_type)


def _strict(body: bytes, codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _tolerant(body: bytes, codec: str | None) -> str | None:
    """The body decoded with its few invalid sequences (truncated characters) dropped, or None."""
    if not codec:
        return None
    try:
        text = body.decode(codec, "replace")
    except LookupError:
        return None
    non_ascii = sum(1 for byte in body if byte > 0x7F)
    if text.count("\ufffd") > non_ascii * MAX_BAD_SHARE:
        return None
    return body.decode(codec, "ignore")


def _common_han(ch: str) -> bool:
    """CJK punctuation, or one of the 3,755 most used simplified characters (GB2312 level 1)."""
    if "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef":
        return True
    try:
        return 0xB0 <= ch.encode("gb2312")[0] <= 0xD7
    except UnicodeEncodeError:
        return False


def _any_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _reads_as_chinese(text: str, codec: str) -> bool:
    """True if the non-ASCII characters look like real Chinese, not bytes read with the wrong codec.

    GB18030 decodes almost any byte string, so success proves little. Real simplified text is
    almost all level-1 characters; other encodings read as GB18030 scatter into rare characters.
    """
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return True
    test = _common_han if codec == "gb18030" else _any_han
    return sum(1 for ch in wide if test(ch)) >= HAN_SHARE * len(wide)


def _detected(body: bytes) -> str | None:
    best = from_bytes(body[:DETECT_BYTES]).best()
    return codec_name(best.encoding) if best else None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, codec used) for a page's bytes and its Content-Type header value.

    Never raises. Strict decodings are tried first; then a declared codec, UTF-8 or GB18030 that
    fails only on a few truncated characters (those are dropped, never turned into U+FFFD);
    then detection; last the candidate with the fewest invalid sequences, those dropped.
    """
    for bom, codec in BOMS:
        if body.startswith(bom) and (text := _strict(body, codec)) is not None:
            return text, codec
    declared = [codec_name(http_charset(content_type)), codec_name(declared_charset(body))]
    strong = [codec for codec in dict.fromkeys(declared) if codec and codec not in WEAK_LABELS]
    for codec in [*strong, "utf-8"]:
        if (text := _strict(body, codec)) is not None:
            return text, codec
    for codec in dict.fromkeys([*strong, "utf-8", "gb18030", "big5hkscs"]):
        text = _tolerant(body, codec)
        if text is not None and (codec in strong or codec == "utf-8" or _reads_as_chinese(text, codec)):
            return text, codec
    detected = _detected(body)
    if detected and (text := _strict(body, detected)) is not None:
        return text, detected
    candidates = [c for c in dict.fromkeys(["gb18030", "utf-8", "big5hkscs", *declared, detected]) if c]
    best = min(candidates, key=lambda codec: body.decode(codec, "replace").count("\ufffd"))
    return body.decode(best, "ignore"), best
