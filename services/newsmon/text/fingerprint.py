"""Near-duplicate fingerprints: 64-bit SimHash over character shingles of cleaned text.

Pure functions; comparing fingerprints across workers is the caller's business. The hash is
BLAKE2b, so a fingerprint is the same in every process and Python version.
"""

from __future__ import annotations

import re
from hashlib import blake2b

SHINGLE = 4
BITS = 64
_IGNORED_RE = re.compile(r"[\s\W_]+")


def _lane_mask(bit: int, lanes: int) -> int:
    return int.from_bytes((1 << bit).to_bytes(8, "big") * lanes, "big")


def simhash(text: str, shingle: int = SHINGLE) -> int:
    """64-bit SimHash of `text`'s distinct `shingle`-character shingles (spaces and punctuation ignored).

    Empty or very short text hashes to its only shingle, or to 0 when there is none.
    """
    compact = _IGNORED_RE.sub("", text)
    if not compact:
        return 0
    shingles = {compact[i : i + shingle] for i in range(max(1, len(compact) - shingle + 1))}
    digests = b"".join(blake2b(s.encode("utf-8"), digest_size=8).digest() for s in shingles)
    lanes = len(shingles)
    packed = int.from_bytes(digests, "big")
    # Per bit position, count the shingles with that bit set across all lanes at once.
    fingerprint = 0
    for bit in range(BITS):
        if (packed & _lane_mask(bit, lanes)).bit_count() * 2 > lanes:
            fingerprint |= 1 << bit
    return fingerprint


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints."""
    return (a ^ b).bit_count()


def is_near_duplicate(a: int, b: int, max_distance: int = 3) -> bool:
    """True when fingerprints `a` and `b` differ in at most `max_distance` bits."""
    return hamming(a, b) <= max_distance
