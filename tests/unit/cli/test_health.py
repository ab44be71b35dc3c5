"""`newsmon --version` and `newsmon health` (the image's HEALTHCHECK)."""

from __future__ import annotations

import asyncio
from importlib.metadata import version

from aiohttp import web
from typer.testing import CliRunner

import newsmon
from newsmon.cli import app
from newsmon.cli.health import worker_endpoints
from newsmon.settings import Settings


def test_version_is_the_package_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"newsmon {version('newsmon')}" == f"newsmon {newsmon.__version__}"


def test_endpoints_follow_the_ports_in_the_settings() -> None:
    assert worker_endpoints(Settings(metrics_port=9400, faust_web_port=6066)) == [
        "http://127.0.0.1:9400/metrics", "http://127.0.0.1:6066/metrics"]
    assert worker_endpoints(Settings(metrics_port=0, faust_web_port=6066)) == ["http://127.0.0.1:6066/metrics"]
    assert worker_endpoints(Settings(metrics_port=0, faust_web_port=0)) == []


async def test_health_passes_when_one_endpoint_answers_and_fails_when_none_does() -> None:
    async def metrics(request: web.Request) -> web.Response:
        return web.Response(text="up 1\n")

    app_ = web.Application()
    app_.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app_)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        def invoke(*args: str):
            return CliRunner().invoke(app, ["health", *args])

        ok = await asyncio.to_thread(invoke, "--url", "http://127.0.0.1:1/metrics", "--url", f"http://127.0.0.1:{port}/metrics")
        assert ok.exit_code == 0 and f"healthy: http://127.0.0.1:{port}/metrics" in ok.output
        missing = await asyncio.to_thread(invoke, "--url", f"http://127.0.0.1:{port}/nothing")
        assert missing.exit_code == 1 and "HTTP 404" in missing.output
    finally:
        await runner.cleanup()
