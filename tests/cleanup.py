"""What a test run leaves in the broker and the node, and removing it.

Every name a test creates starts with its tag (`t` or `s` + 10 hex digits: topics `tag.…`, Faust's
own topics and groups `tag-process…`, groups `tag-…`, indices and templates `tag-…`), and every
tag of one pytest session starts with that session's token, so one session can check its own
leftovers while other sessions share the stack.
`python -m tests.cleanup [--delete]` lists (or deletes) every test-shaped name, whatever session
left it: `.ci/run` calls it after the suite, on a stack nobody else uses.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import DeleteGroupsRequest

from newsmon.connections import async_es_client, kafka_options
from newsmon.settings import Settings

#: DeleteGroups error codes meaning the group is gone (none, GROUP_ID_NOT_FOUND).
GONE = (0, 69)
#: Any tag a test fixture makes (conftest.fresh, test_search's module tag).
TEST_NAME = re.compile(r"^[ts][0-9a-f]{10}[.\-]")


async def delete_groups(admin: AIOKafkaAdminClient, groups: list[str]) -> list[str]:
    """Delete consumer groups at their coordinators (aiokafka has no call for it); returns those
    still there (NON_EMPTY_GROUP while the broker has not yet timed out a killed member)."""
    left = []
    for group in groups:
        node = await admin.find_coordinator(group)
        response = await admin._send_request_to_node(node, DeleteGroupsRequest([group]))
        left += [name for name, code in response.results if code not in GONE]
    return left


def _ours(name: str, prefixes: tuple[str, ...] | None) -> bool:
    return name.startswith(prefixes) if prefixes else bool(TEST_NAME.match(name))


async def leftovers(settings: Settings, prefixes: tuple[str, ...] | None = None) -> dict[str, list[str]]:
    """Topics, consumer groups, indices and index templates whose names start with one of
    `prefixes` (every test-shaped name when None), read with the admin clients."""
    admin = AIOKafkaAdminClient(**kafka_options(settings))
    await admin.start()
    try:
        topics = sorted(t for t in await admin.list_topics() if _ours(t, prefixes))
        groups = sorted(g[0] for g in await admin.list_consumer_groups() if _ours(g[0], prefixes))
    finally:
        await admin.close()
    es = async_es_client(settings)
    try:
        indices = sorted(i for i in await es.indices.get(index="*", expand_wildcards="all") if _ours(i, prefixes))
        templates = sorted(t["name"] for t in (await es.indices.get_index_template())["index_templates"] if _ours(t["name"], prefixes))
    finally:
        await es.close()
    return {"topics": topics, "consumer groups": groups, "indices": indices, "index templates": templates}


async def remove(settings: Settings, prefixes: tuple[str, ...] | None = None, *, group_wait_s: float = 0.0) -> dict[str, list[str]]:
    """Delete everything `leftovers` finds; returns what is still there afterwards.

    Topics go first, so a group whose members were killed holds no offsets and can be deleted
    once the broker has timed those members out (retried for up to `group_wait_s`).
    """
    found = await leftovers(settings, prefixes)
    es = async_es_client(settings)
    try:
        if found["indices"]:
            await es.indices.delete(index=",".join(found["indices"]), expand_wildcards="all", ignore_unavailable=True)
        for name in found["index templates"]:
            await es.indices.delete_index_template(name=name)
    finally:
        await es.close()
    admin = AIOKafkaAdminClient(**kafka_options(settings))
    await admin.start()
    try:
        if found["topics"]:
            await admin.delete_topics(found["topics"])
        deadline = time.monotonic() + group_wait_s
        groups = await delete_groups(admin, found["consumer groups"])
        while groups and time.monotonic() < deadline:
            await asyncio.sleep(2)
            groups = await delete_groups(admin, groups)
    finally:
        await admin.close()
    return await leftovers(settings, prefixes)


def describe(found: dict[str, list[str]]) -> str:
    return "; ".join(f"{kind}: {', '.join(names)}" for kind, names in found.items() if names)


def main(argv: list[str]) -> int:
    settings = Settings()
    found = asyncio.run(remove(settings, group_wait_s=60) if "--delete" in argv else leftovers(settings))
    if any(found.values()):
        print(f"test leftovers in the broker / node: {describe(found)}", file=sys.stderr)
        return 1
    print("no test topics, consumer groups, indices or index templates left")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
