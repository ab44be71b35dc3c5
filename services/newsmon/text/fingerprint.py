"""Near-duplicate fingerprints: 64-bit SimHash over character shingles of cleaned text.

Pure functions; comparing fingerprints across workers is the caller's business. The hash is
BLAKE2b, so a fingerprint is the same in every process and Python version.
"""

from __future__ import annotations

import re
from hashlib import blake2b

import numpy as np

SHINGLE = 4
BITS = 64
_IGNORED_RE = re.compile(r"[\s\W_]+")


# Copying a configured hasher is cheaper than constructing one (with digest_size) per shingle.
_HASHER = blake2b(digest_size=8)
# Weight of each column of np.unpackbits' big-endian bit rows: column 0 is bit 63.
_BIT_WEIGHTS = np.left_shift(np.uint64(1), np.arange(BITS - 1, -1, -1, dtype=np.uint64))


def _digest(shingle: str) -> bytes:
    hasher = _HASHER.copy()
    hasher.update(shingle.encode("utf-8"))
    return hasher.digest()


def simhash(text: str, shingle: int = SHINGLE) -> int:
    """64-bit SimHash of `text`'s distinct `shingle`-character shingles (spaces and punctuation ignored).

    Empty or very short text hashes to its only shingle, or to 0 when there is none.
    """
    compact = _IGNORED_RE.sub("", text)
    if not compact:
        return 0
    shingles = {compact[i : i + shingle] for i in range(max(1, len(compact) - shingle + 1))}
    digests = np.frombuffer(b"".join(map(_digest, shingles)), dtype=np.uint8)
    # One row of 64 bits per shingle; a fingerprint bit is set where most rows have it set.
    counts = np.unpackbits(digests).reshape(len(shingles), BITS).sum(axis=0)
    return int(_BIT_WEIGHTS[counts * 2 > len(shingles)].sum())


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints."""
    return (a ^ b).bit_count()


def is_near_duplicate(a: int, b: int, max_distance: int = 3) -> bool:
    """True when fingerprints `a` and `b` differ in at most `max_distance` bits."""
    return hamming(a, b) <= max_distance
