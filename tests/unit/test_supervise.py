"""Supervisor: workers die with it, one `newsmon run` per state dir, the last error line shown."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pytest

from newsmon.status import Snapshot
from newsmon.supervise import AlreadyRunning, Child, RunLock, Supervisor, last_error_line


def test_second_lock_names_the_holder(tmp_path):
    with RunLock(tmp_path / "run.lock"):
        with pytest.raises(AlreadyRunning) as caught:
            RunLock(tmp_path / "run.lock").acquire()
        assert caught.value.pid == str(os.getpid())
        assert "already running" in str(caught.value)
    with RunLock(tmp_path / "run.lock"):  # released: taken again
        pass


def test_lock_is_released_when_the_holder_is_killed(tmp_path):
    code = (f"from pathlib import Path; from newsmon.supervise import RunLock; lock = RunLock(Path({str(tmp_path / 'run.lock')!r})); "
            "lock.acquire(); print('held', flush=True); input()")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(AlreadyRunning):
        RunLock(tmp_path / "run.lock").acquire()
    holder.kill()
    holder.wait()
    RunLock(tmp_path / "run.lock").acquire()


@pytest.mark.parametrize(
    ("log", "line"),
    [
        ("starting\nTraceback (most recent call last):\n  File \"x.py\", line 1\nOSError: [Errno 98] Address already in use\n",
         "OSError: [Errno 98] Address already in use"),
        ("[2026-01-01 00:00:00,000] [1] [ERROR] [^Worker]: Error: KafkaConnectionError('no broker')\nshutting down\n",
         "[2026-01-01 00:00:00,000] [1] [ERROR] [^Worker]: Error: KafkaConnectionError('no broker')"),
        ("error: port 6066 is taken\n", "error: port 6066 is taken"),
        ("just stopped\n", "just stopped"),
        ("", None),
    ],
)
def test_last_error_line(tmp_path, log, line):
    path = tmp_path / "w.log"
    path.write_text(log)
    assert last_error_line(path) == line


def test_last_error_line_ignores_earlier_runs(tmp_path):
    path = tmp_path / "w.log"
    path.write_text("ValueError: from yesterday\n")
    since = path.stat().st_size
    with path.open("a") as log:
        log.write("stopped cleanly\n")
    assert last_error_line(path, since) == "stopped cleanly"


def test_a_crash_looping_worker_shows_its_last_error(tmp_path):
    supervisor = Supervisor(tmp_path)
    child = Child("demo-site", [sys.executable, "-c", "raise OSError(98, 'Address already in use')"],
                  tmp_path / "demo-site.log", dict(os.environ))
    supervisor.children.append(child)
    child.start()
    deadline = time.monotonic() + 20
    while child.restarts < 2 and time.monotonic() < deadline:
        supervisor.tick()
        time.sleep(0.2)
    supervisor.stop()
    assert child.restarts >= 2
    assert child.last_error == "exit 1: OSError: [Errno 98] Address already in use"
    table = Snapshot(taken_at=datetime.now(UTC)).table([(child.name, child.state, child.restarts, child.last_error)])
    cells = [str(c) for column in table.columns for c in column._cells]
    assert any("restarts, last: exit 1: OSError: [Errno 98] Address already in use" in c for c in cells)


SUPERVISOR = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from newsmon.supervise import Child, Supervisor
    supervisor = Supervisor(Path(sys.argv[1]))
    for i in range(3):
        child = Child(f"w{i}", [sys.executable, "-c", "import time; time.sleep(600)"], Path(sys.argv[1]) / f"w{i}.log", {})
        supervisor.children.append(child)
        child.start()
    print(" ".join(str(c.proc.pid) for c in supervisor.children), flush=True)
    time.sleep(600)
""")


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_workers_die_with_a_sigkilled_supervisor(tmp_path):
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISOR, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in supervisor.stdout.readline().split()]
    assert len(pids) == 3 and all(psutil.pid_exists(p) for p in pids)
    supervisor.send_signal(signal.SIGKILL)
    supervisor.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
