"""Run newsmon workers as real child processes with a test's settings (as operators run them)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from newsmon.settings import Settings

NEWSMON = Path(sys.executable).parent / "newsmon"


def settings_env(settings: Settings) -> dict[str, str]:
    """NEWSMON_* variables reproducing `settings` in a child process."""
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if isinstance(value, (tuple, list)):
            env[f"NEWSMON_{name.upper()}"] = json.dumps(list(value))
        else:
            env[f"NEWSMON_{name.upper()}"] = str(value)
    return env


class WorkerProcess:
    """`newsmon <args>` in its own process group, output to a log file for post-mortems."""

    def __init__(self, settings: Settings, *args: str, log_dir: Path) -> None:
        self.args = args
        self.log_path = log_dir / f"{'-'.join(args)}-{id(self)}.log"
        self.proc = subprocess.Popen(
            [str(NEWSMON), *args], env=settings_env(settings), stdin=subprocess.DEVNULL,
            stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout_s: float = 30.0) -> int:
        """SIGTERM, as an orchestrator would; SIGKILL past the timeout. Returns the exit code."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        return self.proc.wait()

    def freeze(self) -> None:
        """SIGSTOP: the worker stands still mid-work, as in a long GC pause or on a starved host."""
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.killpg(self.proc.pid, signal.SIGCONT)

    def kill(self) -> None:
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
