"""The Dockerfile as BuildKit reads it: a wheel-building stage and a runtime stage that installs
only the wheel, runs as a user with a home, keeps its state on a volume and checks its health."""

from __future__ import annotations

import re

import newsmon
from newsmon.settings import Settings
from tests.deploy.conftest import REPO, Stage, settings_from_env
from tests.deploy.test_kubernetes import assert_cli_command


def test_two_stages_the_runtime_installs_only_the_wheel(dockerfile: list[Stage]) -> None:
    build, runtime = dockerfile
    assert build.name == "build" and build.runs("scripts/build-wheel")
    assert not any("rustup" in line or "curl" in line for stage in dockerfile for line in stage.runs(""))
    assert build.runs("apt-get install") and "cargo rustc" in build.runs("apt-get install")[0]
    assert "trixie" in build.expand(build.base), "Debian 13: the first with rustc >= 1.85"
    copies = [c for c in runtime.of("copy")]
    assert [c["From"] for c in copies] == ["build"]
    (install,) = runtime.runs("pip install")
    assert "newsmon-*.whl" in install and " -e " not in install
    for stage in dockerfile:
        for copy in stage.of("copy"):
            if not copy.get("From"):
                for source in copy["SourcePaths"]:
                    assert (REPO / source).exists(), source


def test_runtime_user_has_a_home_and_owns_the_state_volume(runtime_stage: Stage) -> None:
    (create,) = runtime_stage.runs("useradd")
    assert "--create-home" in create and "--system" not in create
    assert re.search(rf"useradd .*\b{runtime_stage.user}$", create.split("&&")[0].strip())
    state_dir = runtime_stage.env["NEWSMON_STATE_DIR"]
    assert state_dir in runtime_stage.volumes
    assert f"-o {runtime_stage.user}" in create and state_dir in create
    assert runtime_stage.workdir == f"/home/{runtime_stage.user}"


def test_environment_is_settings_and_labels_carry_the_version(runtime_stage: Stage) -> None:
    env = {k: v for k, v in runtime_stage.env.items() if k.startswith("NEWSMON_")}
    assert set(env) <= {f"NEWSMON_{name.upper()}" for name in Settings.model_fields}
    settings = settings_from_env(env)
    assert str(settings.state_dir) == env["NEWSMON_STATE_DIR"]
    labels = runtime_stage.labels
    assert labels["org.opencontainers.image.version"] == newsmon.__version__
    assert labels["org.opencontainers.image.source"].startswith("https://")


def test_healthcheck_is_a_newsmon_command(runtime_stage: Stage) -> None:
    kind, *command = runtime_stage.healthcheck
    assert kind == "CMD"
    assert_cli_command(command)
