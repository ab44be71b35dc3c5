"""`newsmon run` as an operator runs it: SIGKILLed, it leaves no worker behind; a second run
refuses to start beside the first; a worker that keeps crashing shows its last error line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import psutil

from newsmon.settings import Settings
from tests.workers import NEWSMON, settings_env


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


async def test_sigkilled_run_leaves_no_worker_and_one_run_at_a_time(ready: Settings, tmp_path: Path) -> None:
    settings = ready.model_copy(update={"state_dir": tmp_path / "state", "faust_web_port": 0})
    env = {**settings_env(settings), "COLUMNS": "400"}
    taken = socket.socket()  # the demo site's port is taken: it crash-loops, as after the SIGKILL
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = str(taken.getsockname()[1])
    argv = [str(NEWSMON), "run", "--external", "--crawlers", "1", "--processors", "1", "--indexers", "1", "--demo-port", port]
    log_path = tmp_path / "run.log"
    run = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
                           start_new_session=True)
    try:
        supervisor = psutil.Process(run.pid)
        assert _wait(lambda: len(supervisor.children()) >= 4, 90), log_path.read_text()
        second = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 1
        assert f"newsmon run is already running (pid {run.pid})" in second.stdout + second.stderr
        # The table is printed every 10 s to a pipe; the demo site's restarts carry its error.
        assert _wait(lambda: "restarts, last: exit 1:" in log_path.read_text(), 90), log_path.read_text()[-3000:]
        shown = next(line for line in log_path.read_text().splitlines() if "restarts, last:" in line)
        assert "Address already in use" in shown or "Errno 98" in shown, shown
        workers = [child.pid for child in supervisor.children()]
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        assert _wait(lambda: not any(_alive(pid) for pid in workers), 5), [psutil.Process(p).cmdline() for p in workers if _alive(p)]
        # The lock died with the supervisor: the next run starts (and stops by itself).
        again = subprocess.run([*argv, "--seconds", "1", "--crawlers", "0", "--processors", "0", "--indexers", "0", "--no-demo-site"],
                               env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stdout + again.stderr
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)  # its workers follow it
        taken.close()
