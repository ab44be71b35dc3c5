"""When to poll a source next: interval with jitter, exponential backoff on errors. Pure."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

JITTER = 0.1
MAX_BACKOFF = timedelta(hours=6)
FLAG_AFTER_ERRORS = 5
# A 304 is not trusted forever: every this many polls the feed is fetched unconditionally.
FULL_FETCH_EVERY = 12


def next_poll(now: datetime, interval_s: float, errors: int, rng: random.Random | None = None) -> datetime:
    """The next poll time: interval ±10 % jitter, doubled per consecutive error up to 6 hours."""
    rng = rng or random.Random()
    delay = timedelta(seconds=interval_s * (2 ** min(errors, 16)))
    delay = min(delay, max(MAX_BACKOFF, timedelta(seconds=interval_s)))
    return now + delay * (1 + rng.uniform(-JITTER, JITTER))


def is_flagged(errors: int) -> bool:
    """A source failing this often is slowed (backoff) and flagged for an operator, not dropped."""
    return errors >= FLAG_AFTER_ERRORS


def wants_full_fetch(polls: int) -> bool:
    """Whether this poll skips the conditional-GET validators."""
    return polls % FULL_FETCH_EVERY == FULL_FETCH_EVERY - 1
