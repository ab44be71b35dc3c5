"""Page extraction benchmark: extract_page beside trafilatura alone, interleaved in one process.

Usage: python benchmarks/page_extract.py [ROUNDS] [PAGES_DIR ...]   (default: 3 rounds over
../shared/corpus/pages/cwced-dev and readability-zh). Prints one JSON object, then a one-line summary.
"""

import json
import sys
from pathlib import Path

from newsmon.cli.page import default_page_dirs, load_pages, run_page_benchmark, summary

if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    directories = [Path(arg) for arg in sys.argv[2:]] or default_page_dirs()
    result = run_page_benchmark(load_pages(directories), rounds)
    print(json.dumps(result))
    print(summary(result))
