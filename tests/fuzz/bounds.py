"""Hang and memory guards for the fuzz tests: generous limits that catch runaways, not slowness."""

from __future__ import annotations

import signal
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

#: Seconds one call may take before it counts as a hang (the slowest honest call is ~100x less).
HANG_S = 20.0
MB = 1024 * 1024


class _Expired(BaseException):
    """Raised by the alarm; a BaseException so that libraries' `except Exception` cannot hide it."""


@contextmanager
def time_bound(seconds: float = HANG_S, subject: object = None) -> Iterator[None]:
    """Fail (AssertionError naming `subject`) if the block runs longer than `seconds`.

    Uses SIGALRM, so pytest-timeout's own alarm is saved and re-armed afterwards. Code stuck
    inside C is interrupted when it next returns to Python; the elapsed check catches that too.
    """
    def expired(signum: int, frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    except _Expired:
        elapsed = time.monotonic() - started
        print(f"hang after {elapsed:.1f}s on {subject!r:.2000}", file=sys.stderr)
        raise AssertionError(f"no result within {seconds}s for {subject!r:.300}") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))
    elapsed = time.monotonic() - started
    assert elapsed < seconds, f"took {elapsed:.1f}s (bound {seconds}s) on {subject!r:.300}"


@dataclass
class Peak:
    """Peak of Python heap allocations (bytes) inside a `peak_memory` block."""

    bytes: int = 0


@contextmanager
def peak_memory() -> Iterator[Peak]:
    """Measure the block's peak Python allocation with tracemalloc (libxml2's own mallocs are not seen)."""
    peak = Peak()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        yield peak
    finally:
        peak.bytes = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
