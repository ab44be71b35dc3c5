"""The installed newsmon._native is built from the crate in native/ as it stands (not stale)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import newsmon._native

CARGO_TOML = Path(__file__).resolve().parents[2] / "native" / "Cargo.toml"


def test_native_module_version_matches_the_crate() -> None:
    crate = tomllib.loads(CARGO_TOML.read_text())["package"]["version"]
    assert newsmon._native.__version__ == crate
