"""A stopping crawler finishes in-flight work for a bounded time, then cancels it."""

import asyncio

import pytest

from newsmon.crawl.worker import finish_within


async def test_work_that_finishes_is_awaited_to_its_end():
    stop = asyncio.Event()
    done = []

    async def work():
        await asyncio.sleep(0.05)
        done.append(True)

    assert await finish_within(work(), stop, wait_s=1.0) is True
    assert done == [True]


async def test_stop_leaves_the_work_its_wait_and_then_cancels_it():
    stop = asyncio.Event()
    cancelled = asyncio.Event()

    async def slow_fetch():
        try:
            await asyncio.sleep(60)  # a slow host: fetch timeout times the retries
        except asyncio.CancelledError:
            cancelled.set()
            raise

    asyncio.get_running_loop().call_later(0.05, stop.set)
    assert await asyncio.wait_for(finish_within(slow_fetch(), stop, wait_s=0.1), timeout=10) is False
    assert cancelled.is_set()


async def test_work_that_ends_within_the_wait_after_stop_counts_as_finished():
    stop = asyncio.Event()
    stop.set()

    async def work():
        await asyncio.sleep(0.05)
        return "fetched"

    assert await finish_within(work(), stop, wait_s=5.0) is True


async def test_an_error_of_the_work_is_raised():
    async def broken():
        raise ValueError("bad batch")

    with pytest.raises(ValueError, match="bad batch"):
        await finish_within(broken(), asyncio.Event(), wait_s=1.0)


async def test_cancelling_the_caller_cancels_the_work():
    stop = asyncio.Event()
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def work():
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    caller = asyncio.create_task(finish_within(work(), stop, wait_s=60))
    await started.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert cancelled.is_set()
