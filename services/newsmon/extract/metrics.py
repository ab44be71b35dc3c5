"""The metric vocabulary (data/metrics.yaml): canonical ids for what a figure measures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import yaml

FALLBACK_METRIC_ID = "other"


@dataclass(frozen=True, slots=True)
class MetricVocabulary:
    id_by_wording: dict[str, str]
    wording_re: re.Pattern[str]  # every wording; at each position the longest that occurs there
    core_re: re.Pattern[str]


@lru_cache(maxsize=1)
def metric_vocabulary() -> MetricVocabulary:
    """The metric vocabulary, loaded once on first use."""
    raw = yaml.safe_load(files("newsmon.extract").joinpath("data/metrics.yaml").read_text("utf-8"))
    id_by_wording = {}
    for metric_id, wordings in raw["metrics"].items():
        for wording in wordings:
            id_by_wording.setdefault(str(wording), metric_id)
    # Grouped by first character ("工(?:业增加值|业投资)|投(?:资|...)"), longest first within a
    # group: the same match at each position as the flat list, without trying every wording there.
    by_first: dict[str, list[str]] = {}
    for wording in sorted(id_by_wording, key=len, reverse=True):
        by_first.setdefault(wording[0], []).append(re.escape(wording[1:]))
    wording_re = "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items())
    core = sorted(map(str, raw["core_words"]), key=len, reverse=True)
    return MetricVocabulary(
        id_by_wording=id_by_wording,
        wording_re=re.compile(wording_re),
        core_re=re.compile("|".join(map(re.escape, core))),
    )


def metric_id(metric: str | None) -> str:
    """Canonical id of a metric wording: the id of the longest known wording it contains."""
    if not metric:
        return FALLBACK_METRIC_ID
    vocabulary = metric_vocabulary()
    best = None
    for match in vocabulary.wording_re.finditer(metric):
        if best is None or len(match.group()) > len(best):
            best = match.group()
    return vocabulary.id_by_wording[best] if best else FALLBACK_METRIC_ID


def is_economic(metric: str | None) -> bool:
    """True when the wording names an economic quantity (projects, money, output, enterprises...)."""
    return bool(metric) and metric_vocabulary().core_re.search(metric) is not None


def metric_terms() -> list[str]:
    """Every metric wording, for the segmenter's dictionary."""
    return sorted(metric_vocabulary().id_by_wording)


def metric_name(metric_id: str) -> str | None:
    """Canonical name of a metric id (placeholder until the taxonomy lands: its first wording)."""
    for wording, known in metric_vocabulary().id_by_wording.items():
        if known == metric_id:
            return wording
    return None
