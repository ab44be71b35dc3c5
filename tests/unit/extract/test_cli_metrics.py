"""`newsmon metrics`: the taxonomy as a table and as a JSON list."""

import json

from typer.testing import CliRunner

from newsmon.cli import app
from newsmon.extract.metrics import metric_taxonomy

runner = CliRunner()


def test_json_is_one_object_per_id_with_every_field():
    result = runner.invoke(app, ["metrics", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [m["id"] for m in listed] == list(metric_taxonomy())
    gdp = next(m for m in listed if m["id"] == "gdp")
    assert set(gdp) == {"id", "name", "wordings", "traditional", "unit", "additive", "nbs", "parent"}
    assert (gdp["name"], gdp["unit"], gdp["additive"]) == ("地区生产总值", "CNY", True)
    assert "國內生產總值" in gdp["traditional"]


def test_table_lists_every_id(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = runner.invoke(app, ["metrics"])
    assert result.exit_code == 0, result.output
    for metric_id in metric_taxonomy():
        assert metric_id in result.output
    assert f"{len(metric_taxonomy())} metrics" in result.output
