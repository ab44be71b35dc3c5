"""Shared fixtures: the real local Kafka + Elasticsearch stack, and fresh names per test.

The stack fixture reuses a healthy stack (a developer's `newsmon stack up`) or starts one and
stops it at the end. A stack that will not start fails the tests that need it: nothing skips.
Every name a test creates starts with a tag made of this session's token (`SESSION`) and a
per-test part; `fresh` deletes its test's topics, groups, indices and templates afterwards, and
at the end of a session that used the stack, anything of this session still in the broker or
node fails the run (tests/cleanup.py).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from newsmon.settings import Settings
from newsmon.stack.local import LocalStack

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
#: Starts every tag of this session (tags are `t` / `s` + SESSION + 6 more hex digits).
SESSION = uuid.uuid4().hex[:4]
def new_tag(kind: str = "t") -> str:
    """A fresh name prefix for one test (or one module's shared resources)."""
    return f"{kind}{SESSION}{uuid.uuid4().hex[:6]}"


def _fail_on_leftovers(settings: Settings, own_stack: bool) -> None:
    """Fail the run if it left a topic, group, index or template behind (deleting it). On a stack
    the session started, every test-shaped name is a leftover, whichever session made it."""
    from tests.cleanup import describe, leftovers, remove

    prefixes = None if own_stack else (f"t{SESSION}", f"s{SESSION}")
    left = asyncio.run(leftovers(settings, prefixes))
    if any(left.values()):
        asyncio.run(remove(settings, prefixes, group_wait_s=60))
        raise AssertionError(f"test leftovers (now deleted): {describe(left)}")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared corpus and scorers beside the repo (../shared); required, never optional."""
    assert SHARED.is_dir(), f"{SHARED} is missing: the shared corpus sits beside the repo"
    return SHARED


@pytest.fixture(scope="session")
def stack() -> Iterator[Settings]:
    """Settings pointing at a healthy local stack, started for the session if needed."""
    settings = Settings()
    local = LocalStack(settings)
    statuses = local.status()
    started_here = not all(st.healthy for st in statuses)
    if started_here:
        local.up()
    yield settings
    # Checked here, while the stack still runs: session fixtures are torn down before the
    # session-finish hooks, and a stack started here is stopped right after.
    try:
        _fail_on_leftovers(settings, started_here)
    finally:
        if started_here:
            local.down()


@pytest.fixture
async def fresh(stack: Settings, tmp_path: Path) -> AsyncIterator[Settings]:
    """Settings with a topic prefix, index prefix, group names and local state dir no other test
    uses; whatever carries the tag is deleted afterwards."""
    from tests.cleanup import remove

    tag = new_tag()
    yield stack.model_copy(
        update={
            "topic_prefix": f"{tag}.",
            "index_prefix": tag,
            "faust_app_id": f"{tag}-process",
            "index_group": f"{tag}-index",
            "crawl_group": f"{tag}-crawl",
            "state_dir": tmp_path / "state",
        }
    )
    # A killed worker's group stays non-empty until the broker times the member out.
    await remove(stack, (f"{tag}.", f"{tag}-"), group_wait_s=75)


@pytest.fixture
async def ready(fresh: Settings) -> AsyncIterator[Settings]:
    """`fresh`, with its topics and index templates created (removed afterwards by `fresh`)."""
    from newsmon.connections import es_client
    from newsmon.index.templates import ensure_templates
    from newsmon.topics import ensure_topics

    await ensure_topics(fresh)
    with es_client(fresh) as es:
        ensure_templates(es, fresh)
    yield fresh
