"""Fetching the local stack's binaries into the user cache, once.

Kafka's jars are resolved from Maven Central by Maven itself (transitive dependencies, strict
checksums). The Elasticsearch distribution zip is downloaded from Maven Central and checked
against the SHA-256 pinned in versions.py. A second `stack up` finds everything cached.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

import httpx

from newsmon.stack import versions

class ProvisioningError(RuntimeError):
    """A binary could not be fetched or verified; the message says which and why."""


def kafka_libs(cache_dir: Path, java_home: Path) -> Path:
    """The directory holding Kafka's runtime jars, resolving them with Maven on first use."""
    libs = cache_dir / f"kafka-{versions.KAFKA_VERSION}" / "libs"
    marker = libs / ".complete"
    if marker.exists():
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ProvisioningError(
            "Maven (mvn) is needed once to fetch Kafka's jars: apt-get install maven"
        )
    pom_text = resources.files("newsmon.stack").joinpath("kafka-pom.xml").read_text()
    for token in ("KAFKA_VERSION", "KAFKA_SCALA", "SLF4J_VERSION", "LOG4J_VERSION"):
        pom_text = pom_text.replace(f"@{token}@", getattr(versions, token))
    with tempfile.TemporaryDirectory() as tmp:
        pom = Path(tmp) / "pom.xml"
        pom.write_text(pom_text)
        staging = Path(tmp) / "libs"
        result = subprocess.run(
            [mvn, "-B", "-q", "-C", "-f", str(pom), "dependency:copy-dependencies",
             f"-DoutputDirectory={staging}", "-DincludeScope=runtime"],
            capture_output=True, text=True, env={**os.environ, "JAVA_HOME": str(java_home)},
        )
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
            raise ProvisioningError("Maven could not resolve Kafka's jars:\n" + "\n".join(tail))
        libs.parent.mkdir(parents=True, exist_ok=True)
        if libs.exists():
            shutil.rmtree(libs)
        shutil.copytree(staging, libs)
    marker.touch()
    return libs


def elasticsearch_home(cache_dir: Path, maven_repo_url: str, *, owner: str | None = None) -> Path:
    """The unpacked Elasticsearch distribution, downloading and verifying it on first use."""
    version = versions.ELASTICSEARCH_VERSION
    home = cache_dir / f"elasticsearch-{version}"
    marker = home / ".complete"
    if marker.exists():
        return home
    cache_dir.mkdir(parents=True, exist_ok=True)
    archive = cache_dir / f"elasticsearch-{version}.zip"
    if not archive.exists() or _sha256(archive) != versions.ELASTICSEARCH_ZIP_SHA256:
        _download(f"{maven_repo_url.rstrip('/')}/{versions.ELASTICSEARCH_ZIP_PATH}", archive)
        digest = _sha256(archive)
        if digest != versions.ELASTICSEARCH_ZIP_SHA256:
            archive.unlink()
            raise ProvisioningError(
                f"elasticsearch-{version}.zip has SHA-256 {digest}, expected "
                f"{versions.ELASTICSEARCH_ZIP_SHA256}"
            )
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        _unzip_with_modes(archive, Path(tmp))
        if home.exists():
            shutil.rmtree(home)
        (Path(tmp) / f"elasticsearch-{version}").rename(home)
    if owner:
        shutil.chown(cache_dir, owner)
        for path in [home, *home.rglob("*")]:
            shutil.chown(path, owner, owner)
    marker.touch()
    archive.unlink()
    return home


def _unzip_with_modes(archive: Path, target: Path) -> None:
    """Unzip keeping Unix permission bits (zipfile drops them; bin/ scripts must stay executable)."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            path = Path(zf.extract(info, target))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                path.chmod(mode)


def _download(url: str, dest: Path) -> None:
    partial = dest.with_suffix(dest.suffix + ".part")
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=60.0) as response:
            response.raise_for_status()
            with partial.open("wb") as out:
                for chunk in response.iter_bytes(1 << 20):
                    out.write(chunk)
    except httpx.HTTPError as exc:
        partial.unlink(missing_ok=True)
        raise ProvisioningError(f"download of {url} failed: {exc}") from exc
    partial.rename(dest)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
