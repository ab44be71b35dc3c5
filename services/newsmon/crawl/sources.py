"""The sources file: feeds (and optional sitemaps) to poll, re-read when it changes.

A bad entry is reported and skipped; it never stops the crawler or the other sources.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

log = logging.getLogger("newsmon.crawl")


class Source(BaseModel):
    """One entry of the sources file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name: str | None = None
    feed: HttpUrl | None = None
    sitemap: HttpUrl | None = None
    interval_s: float | None = Field(None, gt=0)
    region_hint: str | None = None
    tags: tuple[str, ...] = ()
    enabled: bool = True

    def url(self) -> str:
        return str(self.feed or self.sitemap)


@dataclass
class SourceList:
    sources: list[Source] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_sources(text: str) -> SourceList:
    """Validate every entry; keep the good ones, describe the bad ones."""
    result = SourceList()
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        result.problems.append(f"not valid YAML: {exc}")
        return result
    entries = doc.get("sources") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        result.problems.append("expected a top-level 'sources:' list")
        return result
    seen: set[str] = set()
    for position, entry in enumerate(entries, 1):
        try:
            source = Source.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "entry"
            result.problems.append(f"entry {position}: {where}: {first['msg']}")
            continue
        if source.feed is None and source.sitemap is None:
            result.problems.append(f"entry {position} ({source.id}): needs a feed or a sitemap URL")
        elif source.id in seen:
            result.problems.append(f"entry {position}: duplicate id {source.id!r}")
        else:
            seen.add(source.id)
            result.sources.append(source)
    return result


class SourceFile:
    """The sources file, re-read when its modification time changes (no restart needed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[float, int] | None = None
        self.current = SourceList()

    def reload(self) -> bool:
        """Re-read the file if it changed; True when it did. Problems are logged and kept."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            if self._stamp != (0.0, 0):
                self._stamp = (0.0, 0)
                self.current = SourceList(problems=[f"{self.path} does not exist"])
                log.error("sources file %s does not exist", self.path)
                return True
            return False
        stamp = (stat.st_mtime, stat.st_size)
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        self.current = parse_sources(self.path.read_text(encoding="utf-8"))
        for problem in self.current.problems:
            log.error("sources file %s: %s", self.path, problem)
        log.info("sources file %s: %d sources", self.path, len(self.current.sources))
        return True
