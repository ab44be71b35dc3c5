"""Near-duplicate detection over SimHash fingerprints, as a plain index a Faust table backs.

Two 64-bit fingerprints within Hamming distance 3 agree exactly on at least one of four 16-bit
bands (pigeonhole), so candidates are found by band lookups, then checked by distance.
"""

from __future__ import annotations

from collections.abc import MutableMapping

BANDS = 4
BAND_BITS = 64 // BANDS
MAX_DISTANCE = 3
MAX_PER_BAND = 64  # a band value shared by that many stories carries no information


def bands(fingerprint: int) -> list[str]:
    mask = (1 << BAND_BITS) - 1
    return [f"b{i}:{(fingerprint >> (i * BAND_BITS)) & mask:04x}" for i in range(BANDS)]


def first_copy(
    store: MutableMapping[str, list], article_id: str, fingerprint: int, max_distance: int = MAX_DISTANCE
) -> str | None:
    """The article id of the first copy seen of this story, or None if this is the first.

    Records the decision, so processing the same article again (a replay, a redelivery after a
    crash) gives the same answer. `store` is a Faust table in the worker, a dict in tests.
    """
    decided = store.get(f"a:{article_id}")
    if decided is not None:
        return decided[0] or None
    original = None
    for band in bands(fingerprint):
        for other_id, other_hex in store.get(band) or []:
            if other_id != article_id and bin(int(other_hex, 16) ^ fingerprint).count("1") <= max_distance:
                original = other_id
                break
        if original:
            break
    store[f"a:{article_id}"] = [original or ""]
    if original is None:
        entry = [article_id, f"{fingerprint:016x}"]
        for band in bands(fingerprint):
            members = list(store.get(band) or [])
            if len(members) < MAX_PER_BAND:
                store[band] = [*members, entry]
    return original
