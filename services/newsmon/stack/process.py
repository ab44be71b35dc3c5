"""Detached service processes tracked by pid files, so `stack down` works from any shell."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


class PortTaken(RuntimeError):
    """A port the local stack needs is used by a process that is not ours."""


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


@dataclass(frozen=True)
class ServiceProcess:
    """One background service: where its pid and console output live."""

    name: str
    run_dir: Path

    @property
    def pidfile(self) -> Path:
        return self.run_dir / f"{self.name}.pid"

    @property
    def console_log(self) -> Path:
        return self.run_dir / f"{self.name}.console.log"

    def pid(self) -> int | None:
        """The pid of the running service, or None (a stale pid file is removed)."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if _alive(pid):
            return pid
        self.pidfile.unlink(missing_ok=True)
        return None

    def start(self, argv: list[str], *, env: dict[str, str], cwd: Path, user: str | None = None) -> int:
        """Start `argv` in its own session (it outlives this CLI) and record its pid."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with self.console_log.open("ab") as out:
            proc = subprocess.Popen(
                argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                start_new_session=True, user=user, group=user,
            )
        self.pidfile.write_text(str(proc.pid))
        return proc.pid

    def stop(self, timeout_s: float = 60.0) -> bool:
        """SIGTERM the service and wait; SIGKILL it past the timeout. True if it was running."""
        pid = self.pid()
        if pid is None:
            return False
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            _signal_group(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)
        self.pidfile.unlink(missing_ok=True)
        return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def _alive(pgid: int) -> bool:
    """True while any live (non-zombie) process remains in the service's process group.

    The group, not the leader: Elasticsearch's launcher exits before its server JVM does.
    """
    try:
        os.waitpid(pgid, os.WNOHANG)  # reap our own child so it does not linger as a zombie
    except ChildProcessError:
        pass
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            return True
    return False
