"""The `newsmon clean` and `newsmon extract` commands on local files."""

import json

from typer.testing import CliRunner

from newsmon.cli import app

runner = CliRunner()


def test_extract_prints_json_lines_with_doc_from_file_name(tmp_path):
    article = tmp_path / "042_sample.txt"
    article.write_text("今年一季度，竹溪县新签约项目21个，协议投资168亿元，同比增长12.5%。", "utf-8")
    result = runner.invoke(app, ["extract", str(article), "--published-at", "2023-04-15"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["doc"] for r in records] == ["042", "042"]
    assert records[1]["value_normalized"] == 16_800_000_000
    assert records[1]["growth_pct"] == 12.5
    assert records[0]["period_start"] == "2023-01-01" and records[0]["period_end"] == "2023-03-31"


def test_clean_prints_the_body(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("记者王明\n\n上半年,房县新增企业12家。", "utf-8")
    result = runner.invoke(app, ["clean", str(article)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "上半年，房县新增企业12家。"
