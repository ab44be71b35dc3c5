"""Near-duplicate detection over SimHash fingerprints, as a plain index a Faust table backs.

Two 64-bit fingerprints within Hamming distance 3 agree exactly on at least one of four 16-bit
bands (pigeonhole), so candidates are found by band lookups, then checked by distance.

The index is windowed so that it stays bounded however long the service runs: a story is a
near-duplicate only of a first copy dated within `window_days` of it (the article's day, from its
publication date or else its fetch time: both travel with the record, so a replay finds the same
day). Keys:
- `b<i>:<band>` (at most 4 x 65,536 keys): the first copies sharing that band, each with its day;
  entries older than the window are dropped whenever the band is written.
- `a:<day>:<article id>`: the decision, so a replay or redelivery gets the same answer; a whole
  day of them is deleted (`expired_days`) once the newest day seen is `window_days` past it.
- `w`: the newest day seen (stream time, not wall time: a replay expires the same days).
An article dated before the window (a backfilled archive) is compared against what the window
still holds, and neither recorded nor added: nothing is written into a day already deleted.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date, datetime

BANDS = 4
BAND_BITS = 64 // BANDS
MAX_DISTANCE = 3
MAX_PER_BAND = 64  # a band value shared by that many stories in the window carries no information
WATERMARK = "w"


def bands(fingerprint: int) -> list[str]:
    mask = (1 << BAND_BITS) - 1
    return [f"b{i}:{(fingerprint >> (i * BAND_BITS)) & mask:04x}" for i in range(BANDS)]


def article_day(article: dict) -> int:
    """The day (proleptic ordinal) an article's window is counted from."""
    stamp = article.get("published_at") or article["fetched_at"]
    return datetime.fromisoformat(stamp).date().toordinal()


def decision_prefix(day: int) -> str:
    return f"a:{date.fromordinal(day).isoformat()}:"


def first_copy(
    store: MutableMapping[str, list], article_id: str, fingerprint: int, day: int, window_days: int,
    max_distance: int = MAX_DISTANCE,
) -> str | None:
    """The article id of the first copy seen of this story within the window, or None.

    Records the decision, so processing the same article again (a replay, a redelivery after a
    crash) gives the same answer. `store` is a Faust table in the worker, a dict in tests.
    """
    decision_key = f"{decision_prefix(day)}{article_id}"
    decided = store.get(decision_key)
    if decided is not None:
        return decided[0] or None
    newest = (store.get(WATERMARK) or [day])[0]
    in_window = day >= newest - window_days
    original = None
    for band in bands(fingerprint):
        for other_id, other_hex, other_day in store.get(band) or []:
            if (other_id != article_id and abs(other_day - day) <= window_days
                    and bin(int(other_hex, 16) ^ fingerprint).count("1") <= max_distance):
                original = other_id
                break
        if original:
            break
    if not in_window:
        return original
    store[decision_key] = [original or ""]
    if original is None:
        horizon = max(newest, day) - window_days
        entry = [article_id, f"{fingerprint:016x}", day]
        for band in bands(fingerprint):
            members = [m for m in store.get(band) or [] if m[2] >= horizon and m[0] != article_id]
            if len(members) < MAX_PER_BAND:
                store[band] = [*members, entry]
            elif len(members) != len(store.get(band) or []):
                store[band] = members
    return original


def advance(store: MutableMapping[str, list], day: int, window_days: int) -> list[int]:
    """Move the newest day seen to `day` if it is later; the days whose decisions fall out of the
    window as a result (the caller deletes their `a:` keys: finding them is the store's business)."""
    newest = store.get(WATERMARK)
    if newest is not None and day <= newest[0]:
        return []
    store[WATERMARK] = [day]
    if newest is None:
        return []
    return list(range(newest[0] - window_days, day - window_days))


def expire(store: MutableMapping[str, list], keys: list[str]) -> int:
    """Delete expired decision keys (a Faust table sends a tombstone for each). Returns how many."""
    for key in keys:
        del store[key]
    return len(keys)
