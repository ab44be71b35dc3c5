"""Supervised child processes for `newsmon run`: start, restart with backoff, stop cleanly.

Each worker is a plain `newsmon <command>` child (the same commands operators and the Docker
image run), in its own process group so Ctrl-C reaches it only through the supervisor.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


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

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.argv, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.started_at = time.monotonic()

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
