"""The wheel scripts/build-wheel makes installs into a fresh venv and runs there without the checkout."""

from __future__ import annotations

import subprocess
import zipfile

import newsmon
from tests.deploy.conftest import REPO, WheelInstall


def test_wheel_carries_the_extension_and_the_data_files(wheel_install: WheelInstall) -> None:
    names = zipfile.ZipFile(wheel_install.wheel).namelist()
    assert any(n.startswith("newsmon/_native.") and n.endswith(".so") for n in names)
    data = {n.split(".data/data/share/newsmon/", 1)[1] for n in names if ".data/data/share/newsmon/" in n}
    expected = {str(p.relative_to(REPO)) for p in (REPO / "schemas").rglob("*") if p.is_file()}
    expected |= {str(p.relative_to(REPO)) for p in (REPO / "deploy" / "sources").glob("*.yaml")}
    expected.add("deploy/kibana/newsmon.ndjson")
    assert data == expected


def test_installed_wheel_runs_from_anywhere(wheel_install: WheelInstall, tmp_path) -> None:
    env = {"PATH": f"{wheel_install.bin}:/usr/bin:/bin", "HOME": str(tmp_path)}
    version = subprocess.run(["newsmon", "--version"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"newsmon {newsmon.__version__}"
    probe = (
        "import newsmon._native, newsmon.settings as s, newsmon.cli.kibana as k; "
        "from newsmon.topics import declared_topics; st = s.Settings(); "
        "print(st.schemas_dir, st.sources_file.is_file(), k.NDJSON.is_file(), len(declared_topics(st.schemas_dir)))"
    )
    found = subprocess.run([str(wheel_install.bin / "python"), "-c", probe], capture_output=True, text=True,
                           env=env, cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    schemas_dir, sources_ok, ndjson_ok, topics = found.stdout.split()
    assert schemas_dir == str(wheel_install.venv / "share" / "newsmon" / "schemas")
    assert (sources_ok, ndjson_ok) == ("True", "True") and int(topics) > 0
