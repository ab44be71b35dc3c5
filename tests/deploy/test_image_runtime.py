"""Every worker kind runs as the image runs it, against the real local stack, and becomes healthy.

The image's conditions come from the Dockerfile itself (BuildKit's parser): its user is created by
the runtime stage's own useradd line in a private mount namespace (as_image_user.py), newsmon is
the wheel installed into a fresh venv (as the runtime stage installs it), the environment is the
stage's ENV, the directory its WORKDIR, the health check its HEALTHCHECK. Only what a container's
own network namespace would give for free is adapted: free ports instead of the image's fixed
ones (the host is shared), and fresh topic, index and group names for the test.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsmon.settings import Settings
from tests.deploy.conftest import Stage, WheelInstall

pytestmark = pytest.mark.integration
HERE = Path(__file__).resolve().parent
HEALTHY_WITHIN_S = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def image_env(stage: Stage, wheel: WheelInstall, settings: Settings, **overrides: str) -> dict[str, str]:
    """The stage's ENV (what `docker run` gives), HOME of its USER, the venv standing in for
    /usr/local, and the test's own names so nothing collides with other runs on the stack."""
    return {
        "PATH": f"{wheel.bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": f"/home/{stage.user}",
        **stage.env,
        "NEWSMON_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "NEWSMON_ES_URL": settings.es_url,
        "NEWSMON_TOPIC_PREFIX": settings.topic_prefix,
        "NEWSMON_INDEX_PREFIX": settings.index_prefix,
        "NEWSMON_FAUST_APP_ID": settings.faust_app_id,
        "NEWSMON_INDEX_GROUP": settings.index_group,
        "NEWSMON_CRAWL_GROUP": f"{settings.index_prefix}-crawl",
        "NEWSMON_METRICS_PORT": str(free_port()),
        "NEWSMON_FAUST_WEB_PORT": str(free_port()),
        **overrides,
    }


def start_as_image_user(stage: Stage, env: dict[str, str], command: list[str], tmp_path: Path,
                        log: Path) -> subprocess.Popen:
    spec = {
        "runs": stage.runs("useradd"),
        "fresh_dirs": ["/home", *stage.volumes],
        "user": stage.user,
        "workdir": stage.workdir,
        "env": env,
        "command": command,
    }
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec))
    with log.open("wb") as out:
        return subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", sys.executable, str(HERE / "as_image_user.py"),
             str(spec_file)], stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )


def in_image(worker: subprocess.Popen, stage: Stage, env: dict[str, str], command: list[str]) -> subprocess.CompletedProcess:
    """Run `command` beside the worker, in its mount namespace, as the image's user (docker exec)."""
    return subprocess.run(
        ["nsenter", f"--target={worker.pid}", "--mount", "--", "setpriv", f"--reuid={stage.user}",
         f"--regid={stage.user}", "--init-groups", "env", "-i", *(f"{k}={v}" for k, v in env.items()), *command],
        capture_output=True, text=True, timeout=60,
    )


def wait_healthy(worker: subprocess.Popen, stage: Stage, env: dict[str, str], log: Path) -> float:
    """Seconds until the image's HEALTHCHECK passed; fails with the worker's log otherwise."""
    started = time.monotonic()
    command = stage.healthcheck
    assert command[0] == "CMD", command
    while time.monotonic() - started < HEALTHY_WITHIN_S:
        assert worker.poll() is None, f"worker exited {worker.returncode}:\n{log.read_text()[-4000:]}"
        if in_image(worker, stage, env, command[1:]).returncode == 0:
            return time.monotonic() - started
        time.sleep(2)
    pytest.fail(f"not healthy within {HEALTHY_WITHIN_S} s:\n{log.read_text()[-4000:]}")


def stop(worker: subprocess.Popen) -> int:
    worker.send_signal(signal.SIGTERM)
    try:
        return worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        return worker.wait()


def uid_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])


@pytest.mark.parametrize("kind", ["crawl", "process", "index"])
async def test_worker_becomes_healthy_as_the_image_user(
    kind: str, ready: Settings, runtime_stage: Stage, wheel_install: WheelInstall, tmp_path: Path
) -> None:
    env = image_env(runtime_stage, wheel_install, ready)
    log = tmp_path / f"{kind}.log"
    worker = start_as_image_user(runtime_stage, env, ["newsmon", kind], tmp_path, log)
    try:
        seconds = wait_healthy(worker, runtime_stage, env, log)
        print(f"{kind}: healthy after {seconds:.1f} s")
        uid = uid_of(worker.pid)
        assert uid != 0 and in_image(worker, runtime_stage, env, ["id", "-u"]).stdout.strip() == str(uid)
        state_dir = Path(f"/proc/{worker.pid}/root") / runtime_stage.env["NEWSMON_STATE_DIR"].lstrip("/")
        assert state_dir.stat().st_uid == uid, "the state volume belongs to the image's user"
        if kind == "process":
            faust_dir = state_dir / "faust"
            assert faust_dir.is_dir() and faust_dir.stat().st_uid == uid, "Faust's app dir is on the state volume"
        time.sleep(3)
        assert worker.poll() is None, log.read_text()[-4000:]
    finally:
        code = stop(worker)
    assert code == 0, f"{kind} did not stop cleanly on SIGTERM ({code}):\n{log.read_text()[-4000:]}"


async def test_setup_job_runs_as_the_image_user(fresh: Settings, runtime_stage: Stage, wheel_install: WheelInstall,
                                                tmp_path: Path) -> None:
    """`newsmon run --external --setup-only` (compose's newsmon-init, the k8s init Job) creates the
    topics and templates from the data files the wheel installed."""
    from newsmon.connections import async_es_client
    from newsmon.topics import declared_topics, delete_topics, partition_ids

    env = image_env(runtime_stage, wheel_install, fresh)
    log = tmp_path / "init.log"
    job = start_as_image_user(runtime_stage, env, ["newsmon", "run", "--external", "--setup-only"], tmp_path, log)
    try:
        assert job.wait(timeout=180) == 0, log.read_text()[-4000:]
        names = [fresh.topic(t.name) for t in declared_topics(fresh.schemas_dir)]
        assert set(await partition_ids(fresh, names)) == set(names)
    finally:
        if job.poll() is None:
            stop(job)
        await delete_topics(fresh, [fresh.topic(t.name) for t in declared_topics(fresh.schemas_dir)])
        es = async_es_client(fresh)
        try:
            indices = await es.indices.get(index=f"{fresh.index_prefix}-*")
            if indices:
                await es.indices.delete(index=",".join(indices))
            for template in (await es.indices.get_index_template(name=f"{fresh.index_prefix}-*"))["index_templates"]:
                await es.indices.delete_index_template(name=template["name"])
        finally:
            await es.close()
