"""Enrich benchmark: the worker's enrich_raw on one core vs segmentation alone.

Usage: python benchmarks/enrich.py [CORPUS_DIR]   (default: ../shared/corpus/articles)
Prints one JSON object, then a one-line summary.
"""

import json
import sys
from pathlib import Path

from newsmon.cli.text import default_corpus_dir, load_corpus, run_enrich_benchmark, summary

if __name__ == "__main__":
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else default_corpus_dir()
    result = run_enrich_benchmark(load_corpus(directory))
    print(json.dumps(result))
    print(summary(result))
