"""Fixtures of the unit tests."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def no_newsmon_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No NEWSMON_* variable set, so Settings() shows its defaults whatever the caller exported."""
    for name in [n for n in os.environ if n.startswith("NEWSMON_")]:
        monkeypatch.delenv(name)
