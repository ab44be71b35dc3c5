"""Fixtures of the deployment tests: the Go reference loaders, the Dockerfile as BuildKit reads it,
and newsmon installed from its wheel into a fresh virtualenv, the way the image's runtime stage
installs it. No container engine is needed: the image's conditions are rebuilt on this machine."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from newsmon.settings import Settings

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build"


def settings_from_env(env: dict[str, str]) -> Settings:
    """The Settings a process with exactly this environment builds (values parsed as from env)."""
    with mock.patch.dict(os.environ, env, clear=True):
        return Settings()


@pytest.fixture(scope="session")
def deploycheck() -> Callable[..., Any]:
    """Runs tests/deploycheck (built by scripts/build-deploycheck) and returns its JSON answer."""
    built = subprocess.run([str(REPO / "scripts" / "build-deploycheck"), str(BUILD / "deploycheck")],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    binary = built.stdout.strip().splitlines()[-1]

    def run(*args: str) -> Any:
        result = subprocess.run([binary, *args], capture_output=True, text=True, cwd=REPO)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return run


@dataclass
class Stage:
    """One stage of the Dockerfile as BuildKit's parser reads it (ARG defaults substituted)."""

    name: str
    base: str
    commands: list[dict[str, Any]]
    args: dict[str, str] = field(default_factory=dict)

    def expand(self, text: str) -> str:
        return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: self.args.get(m[1] or m[2], m[0]), text)

    def of(self, name: str) -> list[dict[str, Any]]:
        return [c for c in self.commands if c["Name"] == name]

    @property
    def env(self) -> dict[str, str]:
        return {pair["Key"]: self.expand(pair["Value"]) for c in self.of("env") for pair in c["Env"]}

    @property
    def labels(self) -> dict[str, str]:
        return {pair["Key"]: self.expand(pair["Value"]).strip('"') for c in self.of("label") for pair in c["Labels"]}

    @property
    def user(self) -> str:
        return self.of("user")[-1]["User"]

    @property
    def workdir(self) -> str:
        return self.of("workdir")[-1]["Path"]

    @property
    def volumes(self) -> list[str]:
        return [v for c in self.of("volume") for v in c["Volumes"]]

    @property
    def healthcheck(self) -> list[str]:
        (check,) = self.of("healthcheck")
        return check["Health"]["Test"]

    def runs(self, containing: str) -> list[str]:
        """The shell lines of the RUN instructions that mention `containing`."""
        return [" ".join(c["CmdLine"]) for c in self.of("run") if containing in " ".join(c["CmdLine"])]


@pytest.fixture(scope="session")
def dockerfile(deploycheck: Callable[..., Any]) -> list[Stage]:
    parsed = deploycheck("dockerfile", str(REPO / "Dockerfile"))
    meta = {kv["Key"]: kv["Value"] for arg in parsed["args"] for kv in arg["Args"] if kv.get("Value") is not None}
    stages = []
    for stage in parsed["stages"]:
        args = dict(meta)
        for command in stage["commands"]:
            if command["Name"] == "arg":
                args.update({a["Key"]: a["Value"] for a in command["Args"] if a.get("Value") is not None})
        stages.append(Stage(stage["name"], stage["base"], stage["commands"], args))
    return stages


@pytest.fixture(scope="session")
def runtime_stage(dockerfile: list[Stage]) -> Stage:
    """The image's last stage: what runs."""
    return dockerfile[-1]


@dataclass
class WheelInstall:
    wheel: Path
    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"


def base_python() -> str:
    """A Python of this version that any user can run (a venv links to it; pyenv's under /root is
    not), like the image's /usr/local/bin/python."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for directory in ("/usr/local/bin", "/usr/bin"):
        candidate = Path(directory) / version
        if candidate.exists() and os.stat(candidate.resolve()).st_mode & 0o005 == 0o005 and all(
            os.stat(parent).st_mode & 0o001 for parent in candidate.resolve().parents
        ):
            return str(candidate)
    return sys.executable


@pytest.fixture(scope="session")
def wheel_install() -> WheelInstall:
    """The wheel built by scripts/build-wheel, installed with its dependencies into a fresh venv.

    Lives under build/ (world-readable, unlike pytest's tmp dirs) so the image's user can run it.
    """
    root = BUILD / "wheel-test"
    shutil.rmtree(root, ignore_errors=True)
    dist = root / "dist"
    built = subprocess.run([str(REPO / "scripts" / "build-wheel"), str(dist)], capture_output=True, text=True,
                           env={**os.environ, "PYTHON": sys.executable})
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("newsmon-*.whl")
    venv = root / "venv"
    subprocess.run([base_python(), "-m", "venv", str(venv)], check=True)
    # venv's bundled pip can be old enough to trip over extras (lxml[html-clean]); the image's is current.
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    installed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-3000:]
    root.chmod(0o755)
    return WheelInstall(wheel, venv)
