"""Near-duplicate decisions: first copy wins, decisions are stable under replays."""

from __future__ import annotations

from newsmon.process.dedupe import bands, first_copy


def test_first_copy_and_reprints() -> None:
    store: dict = {}
    original = 0x0123_4567_89AB_CDEF
    reprint = original ^ 0b101  # 2 bits differ
    other = ~original & (2**64 - 1)
    assert first_copy(store, "a", original) is None
    assert first_copy(store, "b", reprint) == "a"
    assert first_copy(store, "c", other) is None


def test_decision_is_stable_when_the_same_article_is_processed_again() -> None:
    store: dict = {}
    assert first_copy(store, "a", 42) is None
    assert first_copy(store, "b", 42) == "a"
    assert first_copy(store, "a", 42) is None  # a replay of the original does not find itself
    assert first_copy(store, "b", 42) == "a"


def test_far_fingerprints_sharing_a_band_are_not_duplicates() -> None:
    store: dict = {}
    a = 0xFFFF_0000_0000_0000
    b = 0xFFFF_FFFF_FFFF_FFFF  # same top band, 48 bits apart
    assert set(bands(a)) & set(bands(b))
    first_copy(store, "a", a)
    assert first_copy(store, "b", b) is None
