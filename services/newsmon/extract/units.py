"""Units after a number: what they are called, what they normalise to (vocabulary in data/units.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from newsmon.extract.numbers import MAGNITUDES


@dataclass(frozen=True, slots=True)
class Unit:
    """One written unit: `kind` is money, percent, pp, score, count, physical or duration."""

    text: str
    normalized: str
    kind: str


@dataclass(frozen=True, slots=True)
class UnitVocabulary:
    units: dict[str, Unit]
    pattern: str  # regex alternation of unit spellings, longest first, with the not-before guards

    def get(self, text: str) -> Unit | None:
        return self.units.get(text)


@lru_cache(maxsize=1)
def unit_vocabulary() -> UnitVocabulary:
    """The unit vocabulary, loaded once on first use."""
    raw = yaml.safe_load(resources.files("newsmon.extract").joinpath("data/units.yaml").read_text("utf-8"))
    units: dict[str, Unit] = {}
    for text, currency in raw["money"].items():
        units[text] = Unit(text, currency, "money")
    for kind in ("percent", "pp", "score"):
        normalized = {"percent": "percent", "pp": "pp", "score": "score"}[kind]
        for text in raw[kind]:
            units[text] = Unit(text, normalized, kind)
    for text in raw["count"]:
        units[text] = Unit(text, "count", "count")
    for text in raw["physical"]:
        units[text] = Unit(text, text, "physical")
    for text in raw["duration"]:
        units[text] = Unit(text, text, "duration")
    guards = raw.get("not_before", {})
    alternatives = []
    for text in sorted(units, key=len, reverse=True):
        escaped = re.escape(text)
        blocked = guards.get(text)
        alternatives.append(f"{escaped}(?![{re.escape(blocked)}])" if blocked else escaped)
    return UnitVocabulary(units=units, pattern="|".join(alternatives))


def unit_terms() -> list[str]:
    """Unit words for the segmenter's dictionary, with magnitude prefixes ("亿元", "万亩")."""
    vocabulary = unit_vocabulary()
    terms = set()
    for text, unit in vocabulary.units.items():
        if len(text) > 1:
            terms.add(text)
        if unit.kind in ("money", "physical"):
            terms.update(f"{magnitude}{text}" for magnitude in MAGNITUDES)
    return sorted(terms)
