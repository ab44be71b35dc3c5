"""The atheris harnesses, run briefly: a few thousand coverage-guided inputs per target, each in its
own process, failing on any crash, hang (libFuzzer's -timeout) or memory blow-up (-rss_limit_mb)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 12):
    pytest.importorskip("atheris")  # no wheels past Python 3.11; below that the test extra installs it

REPO = Path(__file__).resolve().parents[2]
#: Runs per target: each well under 30 s (measured: feeds ~700/s, page ~150/s, text ~1000/s).
RUNS = {"feeds": 4000, "page": 1500, "text": 5000}
ARTIFACTS = ("crash-", "timeout-", "oom-", "slow-unit-", "leak-")


@pytest.mark.parametrize("target", sorted(RUNS))
def test_atheris_target_finds_no_crash(target, tmp_path):
    command = [
        sys.executable, "-m", "tests.fuzz.atheris_targets", target, f"-atheris_runs={RUNS[target]}",
        "-max_total_time=25", "-timeout=20", "-rss_limit_mb=2048", "-max_len=65536",
        f"-artifact_prefix={tmp_path}/", str(tmp_path / "corpus"),
    ]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=180)
    found = sorted(path for path in tmp_path.iterdir() if path.name.startswith(ARTIFACTS))
    inputs = "\n".join(f"{path.name}: {path.read_bytes()[:4000]!r}" for path in found)
    log = "\n".join(line for line in done.stderr.splitlines() if not line.startswith(("INFO: Instrumenting", "#")))
    # libFuzzer's per-input SIGALRM timer can fire during interpreter shutdown, after "Done": a
    # real hang or crash stops before "Done" and leaves a timeout-/crash- artifact.
    finished = done.returncode == 0 or (done.returncode == -14 and f"Done {RUNS[target]}" in done.stderr)
    assert finished and not found, f"{inputs}\n--- libFuzzer output, progress lines left out ---\n{log[-8000:]}"
    assert "Done " in done.stderr, log[-2000:]
