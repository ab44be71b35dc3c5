"""The records that cross Kafka: JSON, versioned, checked against the JSON Schemas in schemas/json/.

Faust validates nothing by default; every stage validates on purpose, on the way in (bad input
goes to the dead-letter topic) and on the way out (a bug of ours fails loudly, in tests).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from newsmon.topics import declared_topics


class InvalidRecord(ValueError):
    """A record that can never be processed: to the dead-letter topic with `reason`."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@lru_cache(maxsize=4)
def _registry(schemas_dir: Path) -> Registry:
    """Every schema in schemas/json under its $id, so schemas can $ref each other."""
    resources = []
    for path in sorted((schemas_dir / "json").glob("*.schema.json")):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@lru_cache(maxsize=16)
def validator(schemas_dir: Path, topic: str) -> Draft202012Validator:
    """The validator of a logical topic's current schema (e.g. "news.raw")."""
    spec = next(t for t in declared_topics(schemas_dir) if t.name == topic)
    schema = json.loads((schemas_dir / spec.schema).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=_registry(schemas_dir), format_checker=FormatChecker())


def check(schemas_dir: Path, topic: str, record: dict[str, Any]) -> None:
    """Raise InvalidRecord("schema", ...) naming the first violation, if any."""
    error = next(iter(validator(schemas_dir, topic).iter_errors(record)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise InvalidRecord("schema", f"{where}: {error.message[:300]}")


def decode(schemas_dir: Path, topic: str, value: bytes | None) -> dict[str, Any]:
    """Parse and validate one record's bytes; InvalidRecord on anything unusable."""
    if value is None:
        raise InvalidRecord("empty", "record has no value")
    try:
        record = json.loads(value)
    except UnicodeDecodeError as exc:
        raise InvalidRecord("invalid_utf8", str(exc)[:300]) from None
    except json.JSONDecodeError as exc:
        raise InvalidRecord("invalid_json", str(exc)[:300]) from None
    if not isinstance(record, dict):
        raise InvalidRecord("schema", f"(root): expected an object, got {type(record).__name__}")
    check(schemas_dir, topic, record)
    return record


def encode(record: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON (Chinese text stays readable for kcat users)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
