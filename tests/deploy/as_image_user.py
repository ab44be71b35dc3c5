"""Run a command the way the image runs it, on this machine: `unshare --mount` this script.

Inside a private mount namespace (nothing here is visible to, or changes, the host):
1. /etc becomes an overlay whose passwd, group, shadow and gshadow hold only the base image's
   accounts (ids below 100 and nobody), so the Dockerfile's useradd runs as written, name and
   uid included (the host has its own `newsmon` user, for Elasticsearch);
2. the image's fresh directories (/home, its VOLUMEs) are empty tmpfs mounts;
3. the Dockerfile's user-creation RUN lines run as root, as `docker build` runs them;
4. the command is exec'd as the image's USER, in its WORKDIR, with exactly the given environment.

Usage: unshare --mount --propagation private python as_image_user.py SPEC.json
SPEC: {"runs": [shell lines], "fresh_dirs": [...], "user": name, "workdir": dir, "env": {...}, "command": [...]}
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_IDS = range(100)  # Debian's base accounts; 65534 (nobody / nogroup) too


def _keep(line: str, kept_names: set[str] | None) -> bool:
    parts = line.split(":")
    if kept_names is not None:
        return parts[0] in kept_names
    return len(parts) > 2 and parts[2].isdigit() and (int(parts[2]) in BASE_IDS or int(parts[2]) == 65534)


def private_accounts(scratch: Path) -> None:
    """/etc becomes an overlay (writes land in `scratch`, a tmpfs), with the base accounts only."""
    upper, work = scratch / "upper", scratch / "work"
    upper.mkdir()
    work.mkdir()
    subprocess.run(["mount", "-t", "overlay", "overlay", "-o", f"lowerdir=/etc,upperdir={upper},workdir={work}", "/etc"],
                   check=True)
    kept: dict[str, set[str]] = {}
    for name, ids_from in (("passwd", None), ("group", None), ("shadow", "passwd"), ("gshadow", "group")):
        path = Path("/etc") / name
        if not path.exists():
            continue
        lines = [l for l in path.read_text().splitlines() if l and _keep(l, kept.get(ids_from) if ids_from else None)]
        kept[name] = {l.split(":")[0] for l in lines}
        path.write_text("".join(f"{l}\n" for l in lines))


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    scratch = Path(tempfile.mkdtemp(prefix="image-etc-"))
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(scratch)], check=True)
    private_accounts(scratch)
    for directory in spec["fresh_dirs"]:
        Path(directory).mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", directory], check=True)
    for line in spec["runs"]:
        subprocess.run(["/bin/sh", "-c", line], check=True)
    os.chdir(spec["workdir"])
    env = ["env", "-i", *(f"{k}={v}" for k, v in spec["env"].items())]
    user = spec["user"]
    os.execvp("setpriv", ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", *env, *spec["command"]])


if __name__ == "__main__":
    main()
