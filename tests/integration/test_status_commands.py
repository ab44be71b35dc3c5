"""`newsmon status` and `newsmon crawl status` as an operator runs them: clean output, no warnings
about unclosed clients, overdue polls said so, ids whole on an 80-column terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsmon.settings import Settings

pytestmark = pytest.mark.integration


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "80", "NEWSMON_TOPIC_PREFIX": settings.topic_prefix,
           "NEWSMON_INDEX_PREFIX": settings.index_prefix, "NEWSMON_FAUST_APP_ID": settings.faust_app_id,
           "NEWSMON_INDEX_GROUP": settings.index_group}
    return subprocess.run([str(Path(sys.executable).parent / "newsmon"), *args], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.parametrize("command", [["status"], ["crawl", "status"]])
async def test_status_commands_end_cleanly(ready: Settings, command: list[str]) -> None:
    result = run_cli(ready, *command)
    assert result.returncode == 0, result.stderr
    assert "Unclosed" not in result.stdout + result.stderr
    assert result.stderr.strip() == ""
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    if command == ["crawl", "status"]:
        assert "demo-news " in result.stdout and "…" not in result.stdout
