"""The extractor against the shared gold standard, scored by the shared scorer."""

import importlib.util
import json

import pytest

from newsmon.extract.indicators import extract_indicators, indicator_to_dict
from newsmon.text.clean import clean

VALUE_F1_TARGET = 0.95
FULL_F1_TARGET = 0.85


@pytest.fixture(scope="module")
def scores(shared_dir):
    spec = importlib.util.spec_from_file_location("score_indicators", shared_dir / "eval" / "score_indicators.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    gold, predicted = [], []
    for article in sorted((shared_dir / "corpus" / "articles").glob("*.txt")):
        doc = article.name[:3]
        gold_file = shared_dir / "corpus" / "gold" / f"{doc}.jsonl"
        gold += [json.loads(line) for line in gold_file.read_text("utf-8").splitlines() if line.strip()]
        cleaned = clean(article.read_text("utf-8"))
        predicted += [indicator_to_dict(i, doc) for i in extract_indicators(cleaned)]
    assert gold, "no gold records in the shared corpus"
    return scorer.score(gold, predicted)


def test_value_level_core_f1(scores):
    assert scores["value"]["f1_core"] >= VALUE_F1_TARGET, scores["value"]


def test_full_level_core_f1(scores):
    assert scores["full"]["f1_core"] >= FULL_F1_TARGET, scores["full"]
