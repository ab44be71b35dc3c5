"""Sentence splitting and word segmentation (rjieba with newsmon's domain dictionary).

Documents and queries go through the same `segment` so that index terms and query terms agree:
metric names ("地区生产总值"), every division of the gazetteer ("张湾区") and units ("亿元") are
single words. The tokenizer is built once, on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

import rjieba

# A word we add outranks the default dictionary's split of it.
_DOMAIN_WORD_FREQUENCY = 200_000

_SENTENCE_RE = re.compile(r"[^。！？!?…\n]*(?:[。！？!?]+|…+|\n|$)[”’」』）)]*")
# A token is a word when it has a letter or digit; punctuation and spaces are not indexed.
_WORD_CHAR_RE = re.compile(r"[^\s\W_]")


@lru_cache(maxsize=1)
def tokenizer() -> rjieba.Jieba:
    """rjieba with the domain dictionary: metrics, gazetteer divisions, units, extra terms."""
    from newsmon.extract.metrics import metric_terms
    from newsmon.extract.regions import region_names
    from newsmon.extract.units import unit_terms

    jieba = rjieba.Jieba()
    extra = files("newsmon.text").joinpath("data/domain_words.txt").read_text("utf-8").splitlines()
    words = {*metric_terms(), *region_names(), *unit_terms()}
    words.update(line.strip() for line in extra if line.strip() and not line.startswith("#"))
    for word in words:
        if len(word) > 1:
            jieba.add_word(word, _DOMAIN_WORD_FREQUENCY, None)
    return jieba


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, each with its closing punctuation and quotes; blank ones dropped."""
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


def segment(text: str) -> list[str]:
    """Words of `text` in order (punctuation kept as tokens, whitespace dropped)."""
    return [token for token in tokenizer().cut(text) if not token.isspace()]


def segment_for_index(text: str) -> str:
    """Space-joined words without punctuation: what the index and query analyzers split on."""
    return " ".join(filter(_WORD_CHAR_RE.search, tokenizer().cut(text)))
