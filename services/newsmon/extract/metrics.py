"""The metric taxonomy (data/metrics.yaml): canonical ids for what a figure measures.

Each id has a canonical name, the Simplified and Traditional wordings news uses for it, the unit
family of its level value, whether it adds up across regions, and the NBS indicator it matches.
The extractor maps a metric wording to its id through `metric_vocabulary()`; search, series and
the CLI read the rest through `metric_taxonomy()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import yaml

from newsmon.text.clean import to_simplified

FALLBACK_METRIC_ID = "other"


class TaxonomyError(ValueError):
    """The taxonomy file contradicts itself (a wording under two ids, an unknown parent...)."""


@dataclass(frozen=True, slots=True)
class Metric:
    id: str
    name: str  # canonical Chinese name, Simplified
    wordings: tuple[str, ...]  # Simplified wordings news uses
    traditional: tuple[str, ...]  # Traditional forms of the name and wordings
    unit: str | None  # unit family of the level value (CNY, count, percent, kWh, ...); None for "other"
    additive: bool  # figures add up across regions
    nbs: str | None  # the National Bureau of Statistics indicator, when one exists
    parent: str | None = None  # the metric this one is a part or kind of


@dataclass(frozen=True, slots=True)
class MetricVocabulary:
    id_by_wording: dict[str, str]  # Simplified and Traditional wordings
    wording_re: re.Pattern[str]  # every wording; at each position the longest that occurs there
    core_re: re.Pattern[str]


@lru_cache(maxsize=1)
def _raw_taxonomy() -> dict:
    return yaml.safe_load(files("newsmon.extract").joinpath("data/metrics.yaml").read_text("utf-8"))


def load_taxonomy(raw: dict) -> dict[str, Metric]:
    """The metrics of a parsed taxonomy file by id, in file order.

    Raises TaxonomyError when a wording is listed twice (naming both ids), a parent is unknown,
    parents form a cycle or the fallback id has no entry.
    """
    taxonomy: dict[str, Metric] = {}
    owner: dict[str, str] = {}
    for metric_id, entry in raw["metrics"].items():
        metric = Metric(
            id=str(metric_id), name=str(entry["name"]),
            wordings=tuple(map(str, entry["wordings"])), traditional=tuple(map(str, entry["traditional"])),
            unit=entry["unit"], additive=bool(entry["additive"]), nbs=entry["nbs"], parent=entry.get("parent"),
        )
        for wording in (*metric.wordings, *metric.traditional):
            if wording in owner:
                raise TaxonomyError(f"wording {wording!r} is listed under both {owner[wording]!r} and {metric.id!r}")
            owner[wording] = metric.id
        taxonomy[metric.id] = metric
    for metric in taxonomy.values():
        seen = [metric.id]
        parent = metric.parent
        while parent is not None:
            if parent not in taxonomy:
                raise TaxonomyError(f"metric {seen[-1]!r} has unknown parent {parent!r}")
            if parent in seen:
                raise TaxonomyError(f"metric parents form a cycle: {' -> '.join([*seen, parent])}")
            seen.append(parent)
            parent = taxonomy[parent].parent
    if FALLBACK_METRIC_ID not in taxonomy:
        raise TaxonomyError(f"the fallback metric {FALLBACK_METRIC_ID!r} has no entry")
    return taxonomy


@lru_cache(maxsize=1)
def metric_taxonomy() -> dict[str, Metric]:
    """Every metric of data/metrics.yaml by id, in file order, loaded once on first use."""
    return load_taxonomy(_raw_taxonomy())


@lru_cache(maxsize=1)
def metric_vocabulary() -> MetricVocabulary:
    """Every wording (Simplified and Traditional) and its id, as the compiled walk takes them."""
    id_by_wording = {
        wording: metric.id for metric in metric_taxonomy().values() for wording in (*metric.wordings, *metric.traditional)
    }
    # Grouped by first character ("工(?:业增加值|业投资)|投(?:资|...)"), longest first within a
    # group: the same match at each position as the flat list, without trying every wording there.
    by_first: dict[str, list[str]] = {}
    for wording in sorted(id_by_wording, key=len, reverse=True):
        by_first.setdefault(wording[0], []).append(re.escape(wording[1:]))
    wording_re = "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items())
    core = sorted(map(str, _raw_taxonomy()["core_words"]), key=len, reverse=True)
    return MetricVocabulary(
        id_by_wording=id_by_wording,
        wording_re=re.compile(wording_re),
        core_re=re.compile("|".join(map(re.escape, core))),
    )


def metric_id(metric: str | None) -> str:
    """Canonical id of a metric phrase: scanning left to right, the longest wording at each
    position, and of those the longest (the first of equals); "other" when it holds none."""
    if not metric:
        return FALLBACK_METRIC_ID
    vocabulary = metric_vocabulary()
    best = None
    for match in vocabulary.wording_re.finditer(metric):
        if best is None or len(match.group()) > len(best):
            best = match.group()
    return vocabulary.id_by_wording[best] if best else FALLBACK_METRIC_ID


def metric_name(metric_id: str | None) -> str | None:
    """The canonical Chinese name of a metric id; None for an unknown id."""
    metric = metric_taxonomy().get(metric_id) if metric_id else None
    return metric.name if metric else None


@lru_cache(maxsize=1)
def _id_by_label() -> dict[str, str]:
    """Ids, canonical names and every wording, Simplified and Traditional, to their id."""
    labels = dict(metric_vocabulary().id_by_wording)
    for metric in metric_taxonomy().values():
        labels.setdefault(metric.name, metric.id)
    labels.update({metric_id: metric_id for metric_id in metric_taxonomy()})
    return labels


def resolve_metric(text: str | None) -> str | None:
    """The id that `text` names exactly (an id, a canonical name or a wording, Simplified or
    Traditional, e.g. "gdp", "地区生产总值", "國內生產總值"); None when it names none."""
    if not text or not text.strip():
        return None
    labels = _id_by_label()
    text = text.strip()
    return labels.get(text) or labels.get(to_simplified(text))


def is_economic(metric: str | None) -> bool:
    """True when the wording names an economic quantity (projects, money, output, enterprises...)."""
    return bool(metric) and metric_vocabulary().core_re.search(metric) is not None


def metric_terms() -> list[str]:
    """Every metric wording, Simplified and Traditional, for the segmenter's dictionary."""
    return sorted(metric_vocabulary().id_by_wording)

