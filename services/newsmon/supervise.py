"""Supervised child processes for `newsmon run`: start, restart with backoff, stop cleanly.

Each worker is a plain `newsmon <command>` child (the same commands operators and the Docker
image run), in its own process group so Ctrl-C reaches it only through the supervisor. On Linux
every child asks the kernel for SIGKILL when the supervisor dies (PR_SET_PDEATHSIG), so a
supervisor killed with SIGKILL or by the OOM killer takes its workers with it: their uncommitted
work is redone by the next owner, as after any crash. `RunLock` keeps a second `newsmon run`
from starting a second pipeline beside the first.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_PDEATHSIG = 1
#: How much of a log's end is searched for the last error line.
LOG_TAIL_BYTES = 64 * 1024
_ERROR_LINE = re.compile(
    r"^\s*(?:[\w.]+(?:Error|Exception|Exit|Interrupt|Failed)\b.*|.*\b(?:ERROR|CRITICAL|FATAL|error:|Traceback)\b.*)$"
)


class AlreadyRunning(RuntimeError):
    """Another `newsmon run` holds the lock of this state dir."""

    def __init__(self, pid: str) -> None:
        super().__init__(f"newsmon run is already running (pid {pid or 'unknown'}); stop it first, or use another NEWSMON_STATE_DIR")
        self.pid = pid


class RunLock:
    """An exclusive lock on `<state dir>/run.lock`, holding the supervisor's pid.

    flock is released by the kernel when the holder dies, however it dies, so a stale file never
    blocks the next run. The descriptor is not inherited by the workers.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise AlreadyRunning with the holder's pid; never blocks."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            raise AlreadyRunning(holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _pdeathsig_setter(parent: int):
    """A preexec_fn making the child get SIGKILL when `parent` dies (Linux), or None elsewhere.

    libc is loaded here, in the parent: the function runs between fork and exec, where nothing
    but the prctl call and a check should happen.
    """
    if sys.platform != "linux":
        return None
    prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl

    def die_with_parent() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the prctl took effect
            os._exit(1)

    return die_with_parent


def last_error_line(path: Path, since: int = 0) -> str | None:
    """The last line of the log (from byte `since` on) that reads as an error, else its last line.

    A traceback's last line ("OSError: [Errno 98] address already in use") is what an operator
    needs beside "N restarts"; None when nothing was written.
    """
    try:
        with path.open("rb") as log:
            size = log.seek(0, os.SEEK_END)
            log.seek(max(since, size - LOG_TAIL_BYTES))
            text = log.read().decode("utf-8", "replace")
    except OSError:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    found = next((line for line in reversed(lines) if _ERROR_LINE.match(line)), lines[-1])
    return found[:300]


@dataclass
class Child:
    """One supervised worker and its restart history."""

    name: str
    argv: list[str]
    log_path: Path
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = field(default=0.0)
    #: Where this run's output starts in the log, and the last error line of the last exit.
    log_offset: int = 0
    last_error: str | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.log_offset = log.tell()
        self.proc = subprocess.Popen(
            self.argv, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_pdeathsig_setter(os.getpid()),
        )
        log.close()
        self.started_at = time.monotonic()

    def exited(self) -> None:
        """Record why the child stopped: its exit code and the last error line it logged."""
        code = self.proc.returncode if self.proc else None
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit {code}"
        line = last_error_line(self.log_path, self.log_offset)
        self.last_error = f"{how}: {line}" if line else how

    @property
    def state(self) -> str:
        if self.proc is None:
            return "waiting"
        code = self.proc.poll()
        return "running" if code is None else f"exited {code}"


class Supervisor:
    """Keeps every child running: one that exits is restarted after a growing delay (max 30 s)."""

    def __init__(self, log_dir: Path, env: dict[str, str] | None = None) -> None:
        self.log_dir = log_dir
        self.env = env or dict(os.environ)
        self.children: list[Child] = []

    def add(self, name: str, *args: str, env: dict[str, str] | None = None) -> Child:
        """Start `newsmon ARGS...` as a supervised child, with extra environment variables."""
        newsmon = str(Path(sys.executable).parent / "newsmon")
        child = Child(name, [newsmon, *args], self.log_dir / f"{name}.log", {**self.env, **(env or {})})
        self.children.append(child)
        child.start()
        return child

    def tick(self) -> None:
        """Restart children that exited; call this about once a second."""
        now = time.monotonic()
        for child in self.children:
            if child.proc is None or child.proc.poll() is None:
                if child.proc is None and now >= child.next_start:
                    child.start()
                continue
            uptime = now - child.started_at
            delay = 1.0 if uptime > 60 else min(30.0, 2.0 ** min(child.restarts, 5))
            child.exited()
            child.restarts += 1
            child.proc = None
            child.next_start = now + delay

    def stop(self, timeout_s: float = 30.0) -> None:
        """SIGTERM every child (they finish in-flight work and commit), SIGKILL stragglers."""
        for child in self.children:
            if child.proc and child.proc.poll() is None:
                child.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        for child in self.children:
            if child.proc is None:
                continue
            try:
                child.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.proc.pid, signal.SIGKILL)
                child.proc.wait()
