"""Score newsmon's extractor on the evaluation set: the untuned (test) half, the dev half, both.

    .venv/bin/python evaluation/score.py [--half test|dev|all] [--json] [--show N]

The texts are third-party and stay out of git: evaluation/texts/<doc>.txt is re-created from
evaluation/manifest/*.jsonl (see evaluation/README.md); a text whose sha256 differs from its
manifest line is refused. Documents with an odd number (a01, b03 …) are the frozen test half:
rules are tuned on the even ones only. Predictions go to evaluation/out/ (git-ignored), and
../shared/eval/score_indicators.py scores them.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
from datetime import date
from pathlib import Path

from newsmon.extract.indicators import extract_indicator_dicts
from newsmon.extract.metrics import FALLBACK_METRIC_ID
from newsmon.text.clean import clean

HERE = Path(__file__).resolve().parent
SCORER = HERE.parent.parent / "shared" / "eval" / "score_indicators.py"


def manifest() -> list[dict]:
    entries = []
    for path in sorted((HERE / "manifest").glob("*.jsonl")):
        entries += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return entries


def half_of(doc: str) -> str:
    return "test" if int(doc[1:]) % 2 else "dev"


def predict(entry: dict) -> list[dict]:
    """The extractor's records for one manifest entry, as the worker would make them."""
    text = (HERE / "texts" / f"{entry['doc']}.txt").read_text("utf-8")
    if hashlib.sha256(text.encode()).hexdigest() != entry["sha256"]:
        sys.exit(f"{entry['doc']}: text differs from its manifest entry (re-create it)")
    published = date.fromisoformat(entry["published_at"]) if entry.get("published_at") else None
    records = extract_indicator_dicts(clean(text), published_at=published, context_region=entry.get("region_hint"))
    return [{"doc": entry["doc"], **record} for record in records]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=["test", "dev", "all"], default="test")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("score_indicators", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    entries = [e for e in manifest() if args.half == "all" or half_of(e["doc"]) == args.half]
    gold, predicted = [], []
    for entry in entries:
        gold += scorer.load(str(HERE / "gold" / f"{entry['doc']}.jsonl"))
        predicted += predict(entry)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / f"{args.half}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in predicted), "utf-8")
    result = scorer.score(gold, predicted)
    core = [r for r in predicted if r["core"]]
    result["other_share_core"] = round(sum(r["metric_id"] == FALLBACK_METRIC_ID for r in core) / max(1, len(core)), 4)
    result["documents"] = len(entries)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{args.half} half: {len(entries)} documents, {len(gold)} gold records")
    for level in ("value", "full", "v2"):
        s = result.get(level)
        if s:
            print(f"{level:6} P {s['precision']:.3f}  R core {s['recall_core']:.3f}  F1 core {s['f1_core']:.3f}"
                  f"  F1 all {s['f1_all']:.3f}  {s['predicted']}/{s['gold']}({s['gold_core']})")
    print(f"metric 'other': {result['other_share_core']:.1%} of core records")


if __name__ == "__main__":
    main()
