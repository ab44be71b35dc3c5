"""Near-duplicate decisions: first copy wins, decisions are stable under replays, the index is windowed."""

from __future__ import annotations

from datetime import date

from newsmon.process.dedupe import MAX_PER_BAND, advance, article_day, bands, decision_prefix, expire, first_copy

DAY = date(2026, 3, 1).toordinal()
WINDOW = 30


def decide(store: dict, article_id: str, fingerprint: int, day: int = DAY) -> str | None:
    """What the publish agent does per article: advance the window, decide, delete expired days."""
    for gone in advance(store, day, WINDOW):
        expire(store, [key for key in store if key.startswith(decision_prefix(gone))])
    return first_copy(store, article_id, fingerprint, day, WINDOW)


def test_first_copy_and_reprints() -> None:
    store: dict = {}
    original = 0x0123_4567_89AB_CDEF
    reprint = original ^ 0b101  # 2 bits differ
    other = ~original & (2**64 - 1)
    assert decide(store, "a", original) is None
    assert decide(store, "b", reprint) == "a"
    assert decide(store, "c", other) is None


def test_decision_is_stable_when_the_same_article_is_processed_again() -> None:
    store: dict = {}
    assert decide(store, "a", 42) is None
    assert decide(store, "b", 42) == "a"
    assert decide(store, "a", 42) is None  # a replay of the original does not find itself
    assert decide(store, "b", 42) == "a"


def test_far_fingerprints_sharing_a_band_are_not_duplicates() -> None:
    store: dict = {}
    a = 0xFFFF_0000_0000_0000
    b = 0xFFFF_FFFF_FFFF_FFFF  # same top band, 48 bits apart
    assert set(bands(a)) & set(bands(b))
    decide(store, "a", a)
    assert decide(store, "b", b) is None


def test_a_reprint_outside_the_window_is_a_new_story() -> None:
    store: dict = {}
    assert decide(store, "a", 42, DAY) is None
    assert decide(store, "b", 42, DAY + WINDOW) == "a"
    assert decide(store, "c", 42, DAY + WINDOW + 1) is None


def test_expired_days_are_deleted_and_the_store_stays_bounded() -> None:
    store: dict = {}
    for n in range(400):  # more than a year, one story a day on distinct bands
        decide(store, f"s{n}", (n * 0x9E37_79B9_7F4A_7C15) & (2**64 - 1), DAY + n)
    decisions = [key for key in store if key.startswith("a:")]
    assert len(decisions) == WINDOW + 1
    assert all(key >= decision_prefix(DAY + 400 - 1 - WINDOW) for key in decisions)


def test_replay_after_expiry_of_old_days_keeps_recent_decisions() -> None:
    store: dict = {}
    decide(store, "a", 42, DAY)
    decide(store, "b", 42, DAY + 1)
    decide(store, "x", 7, DAY + WINDOW + 1)  # day DAY leaves the window
    assert not any(key.startswith(decision_prefix(DAY)) for key in store)
    assert decide(store, "b", 42, DAY + 1) == "a"  # still recorded
    assert decide(store, "a", 42, DAY) is None  # too old: compared, not recorded again
    assert not any(key.startswith(decision_prefix(DAY)) for key in store)


def test_full_bands_make_room_as_the_window_moves() -> None:
    store: dict = {}
    shared = 0xABCD  # lowest band shared; other bands differ a lot
    for n in range(MAX_PER_BAND):
        decide(store, f"old{n}", shared | ((n * 0x9E37_79B9_7F4A) << 16 & (2**64 - 1)), DAY)
    assert len(store[bands(shared)[0]]) == MAX_PER_BAND
    late = shared | (0x1234_5678_9ABC << 16)
    decide(store, "late", late, DAY + WINDOW + 5)
    assert [m[0] for m in store[bands(shared)[0]]] == ["late"]


def test_article_day_prefers_publication_then_fetch_time() -> None:
    fetched = "2026-03-02T01:00:00+00:00"
    assert article_day({"published_at": "2026-03-01T23:00:00+00:00", "fetched_at": fetched}) == DAY
    assert article_day({"published_at": None, "fetched_at": fetched}) == DAY + 1
