"""Shared fixtures: the real local Kafka + Elasticsearch stack, and fresh names per test.

The stack fixture reuses a healthy stack (a developer's `newsmon stack up`) or starts one and
stops it at the end. A stack that will not start fails the tests that need it: nothing skips.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from newsmon.connections import async_es_client
from newsmon.settings import Settings
from newsmon.stack.local import LocalStack

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


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
    if started_here:
        local.down()


@pytest.fixture
def fresh(stack: Settings) -> Settings:
    """Settings with a topic prefix, index prefix and group names no other test uses."""
    tag = uuid.uuid4().hex[:10]
    return stack.model_copy(
        update={
            "topic_prefix": f"t{tag}.",
            "index_prefix": f"t{tag}",
            "faust_app_id": f"t{tag}-process",
            "index_group": f"t{tag}-index",
        }
    )


@pytest.fixture
async def ready(fresh: Settings) -> AsyncIterator[Settings]:
    """`fresh`, with its topics and index templates created (and removed afterwards)."""
    from newsmon.connections import es_client
    from newsmon.index.templates import ensure_templates
    from newsmon.topics import declared_topics, delete_topics, ensure_topics

    await ensure_topics(fresh)
    with es_client(fresh) as es:
        ensure_templates(es, fresh)
    yield fresh
    await delete_topics(fresh, [fresh.topic(t.name) for t in declared_topics(fresh.schemas_dir)])
    es = async_es_client(fresh)
    try:
        indices = await es.indices.get(index=f"{fresh.index_prefix}-*")
        if indices:
            await es.indices.delete(index=",".join(indices))
        templates = await es.indices.get_index_template(name=f"{fresh.index_prefix}-*")
        for template in templates["index_templates"]:
            await es.indices.delete_index_template(name=template["name"])
    finally:
        await es.close()
