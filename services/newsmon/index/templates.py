"""Index templates and aliases: versioned JSON in schemas/es/, applied by `newsmon es ensure`.

Readers use the alias `<prefix>-<kind>`, writers `<prefix>-<kind>-write`; both point at a dated,
versioned index (`<prefix>-<kind>-v1-20260101`). Re-indexing into a new index and swapping the
aliases atomically gives users new mappings without downtime.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import Elasticsearch

from newsmon.settings import Settings

KINDS = ("articles", "indicators", "observations")


@dataclass(frozen=True)
class IndexNames:
    kind: str
    version: int
    prefix: str

    @property
    def read_alias(self) -> str:
        return f"{self.prefix}-{self.kind}"

    @property
    def write_alias(self) -> str:
        return f"{self.prefix}-{self.kind}-write"

    @property
    def template(self) -> str:
        return f"{self.prefix}-{self.kind}-v{self.version}"

    @property
    def pattern(self) -> str:
        return f"{self.template}-*"

    def dated_index(self, when: datetime | None = None) -> str:
        return f"{self.template}-{(when or datetime.now(UTC)):%Y%m%d%H%M%S}"


def load_template(schemas_dir: Path, kind: str) -> dict:
    """The newest template body for `kind` (articles, indicators, observations) from schemas/es/."""
    files = sorted((schemas_dir / "es").glob(f"{kind}.v*.json"), key=lambda p: int(p.stem.split(".v")[1]))
    return json.loads(files[-1].read_text())


def names(settings: Settings, kind: str) -> IndexNames:
    version = load_template(settings.schemas_dir, kind)["_meta"]["newsmon_template_version"]
    return IndexNames(kind, version, settings.index_prefix)


def ensure_templates(es: Elasticsearch, settings: Settings) -> dict[str, str]:
    """Put the index templates and create the first index behind each alias. Idempotent.

    Returns, per kind, what was done: "created <index>" or "exists <index>".
    """
    done: dict[str, str] = {}
    for kind in KINDS:
        body = load_template(settings.schemas_dir, kind)
        idx = names(settings, kind)
        es.indices.put_index_template(
            name=idx.template,
            index_patterns=[idx.pattern],
            priority=200,
            template={
                "settings": {**body["settings"], "number_of_replicas": settings.es_replicas},
                "mappings": {**body["mappings"], "_meta": body["_meta"]},
            },
            meta=body["_meta"],
        )
        if es.indices.exists_alias(name=idx.write_alias):
            current = next(iter(es.indices.get_alias(name=idx.write_alias)))
            done[kind] = f"exists {current}"
            continue
        index = idx.dated_index()
        es.indices.create(
            index=index,
            aliases={idx.read_alias: {}, idx.write_alias: {"is_write_index": True}},
        )
        done[kind] = f"created {index}"
    return done


def move_alias(es: Elasticsearch, alias: str, index: str, *, write: bool) -> None:
    """Point `alias` at `index` alone, in one atomic update (a re-index switching over)."""
    actions: list[dict] = []
    if es.indices.exists_alias(name=alias):
        actions += [{"remove": {"index": old, "alias": alias}} for old in es.indices.get_alias(name=alias)]
    actions.append({"add": {"index": index, "alias": alias, **({"is_write_index": True} if write else {})}})
    es.indices.update_aliases(actions=actions)
