"""Near-duplicate fingerprints: 64-bit SimHash over character shingles of cleaned text.

Pure functions; comparing fingerprints across workers is the caller's business. Shingles are
hashed with fixed-constant 64-bit integer mixing (MurmurHash3's finalizer over up to three
21-bit code points per step; no Python `hash()`, no seed), so a fingerprint is the same in every
process and on every platform. The hashing runs compiled (newsmon._native): a BLAKE2b object
per shingle cost ~0.4 µs a character, numpy passes ~30 ns.
"""

from __future__ import annotations

import sys
from functools import lru_cache

from newsmon import _native

SHINGLE = 4
BITS = 64


@lru_cache(maxsize=1)
def _hasher() -> _native.SimHasher:
    """The hasher with its table of the characters that count: letters and digits (what regex
    `\\w` admits, less "_"), so spaces and punctuation do not; built once, in ~0.1 s."""
    table = bytes(chr(code).isalnum() for code in range(sys.maxunicode + 1))
    return _native.SimHasher(table)


def simhash(text: str, shingle: int = SHINGLE) -> int:
    """64-bit SimHash of `text`'s distinct `shingle`-character shingles (spaces and punctuation ignored).

    Empty or very short text hashes to its only shingle, or to 0 when there is none.
    """
    # One 32-bit unit per character, lone surrogates included.
    return _hasher().simhash(text.encode("utf-32-le", "surrogatepass"), shingle)


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints."""
    return (a ^ b).bit_count()


def is_near_duplicate(a: int, b: int, max_distance: int = 3) -> bool:
    """True when fingerprints `a` and `b` differ in at most `max_distance` bits."""
    return hamming(a, b) <= max_distance
