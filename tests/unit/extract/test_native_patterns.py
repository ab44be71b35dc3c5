"""The compiled walk reads every pattern as Python's `re` does.

indicators.py keeps the rules' patterns as Python regex source; newsmon._native runs them on the
`regex` crate's automata or on PCRE2. Any difference in what they match (Unicode classes, `$`,
lazy repeats, look-around) would change records silently, so each pattern's matches are compared
with `re.finditer` on real pages, generated articles and random mixes of the characters the
patterns look for.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsmon import _native
from newsmon.demo.generator import generate
from newsmon.extract.indicators import _WALK_PATTERNS, fixed_phrases_pattern, mention_pattern
from newsmon.text.clean import clean

PATTERNS = {**_WALK_PATTERNS, "mention": mention_pattern(), "fixed_phrases": fixed_phrases_pattern()}
# Characters the patterns test for, and some they must treat as Python does.
ALPHABET = st.sampled_from(
    list("0123456789.,/+-%年月日季度上下半全今去以来至到第一二三四五六七八九十百千万亿两余多近约超达")
    + list("同比增长下降回落亿元万吨个家项目公司集团局委中心区市县省该本我这排名位居首榜冠军说表示")
    + list("，。；：！？、“”‘’（）《》「」…\n ") + ["٣", "①", "²", "Ａ", "\u3000", "\x85", "𠀀", "e\u0301"]
)


def _texts(shared_dir) -> list[str]:
    articles = [path.read_text("utf-8") for path in sorted((shared_dir / "corpus" / "articles").glob("*.txt"))]
    pages = [path.read_text("utf-8", errors="replace") for path in sorted((shared_dir / "corpus").rglob("pages/**/*.txt"))]
    demo = ["\n".join([a.title, *a.paragraphs]) for a in generate(60, seed=7)]
    texts = [clean(text).simplified for text in articles + pages[:60] + demo]
    return texts + articles


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_matches_as_python_re_on_articles(name, shared_dir):
    pattern = re.compile(PATTERNS[name])
    for text in _texts(shared_dir):
        assert _native.find_all(PATTERNS[name], text) == [m.span() for m in pattern.finditer(text)], name


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_patterns_match_as_python_re_on_random_text(text):
    for name, source in PATTERNS.items():
        assert _native.find_all(source, text) == [m.span() for m in re.finditer(source, text)], name
