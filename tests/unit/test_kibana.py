"""Kibana cannot run here, so deploy/kibana/newsmon.ndjson is checked by construction.

The saved objects must hang together (ids, references, dashboard panels), use only fields the index
templates in schemas/es/ define, with types that allow each aggregation, and `newsmon kibana setup` must
send Kibana a well-formed import request. A fake Kibana on 127.0.0.1 (aiohttp) records that request.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from typer.testing import CliRunner

from newsmon.cli import app
from newsmon.cli import kibana as kibana_cli
from newsmon.index.templates import KINDS, load_template
from newsmon.settings import Settings

REPO = Path(__file__).resolve().parents[2]
NDJSON_PATH = REPO / "deploy" / "kibana" / "newsmon.ndjson"
BUILDER = REPO / "deploy" / "kibana" / "build.py"
NDJSON = NDJSON_PATH.read_text("utf-8")
OBJECTS: list[dict[str, Any]] = [json.loads(line) for line in NDJSON.splitlines()]
BY_KEY = {(o["type"], o["id"]): o for o in OBJECTS}
DEFAULT_PREFIX = Settings.model_fields["index_prefix"].default

runner = CliRunner()


# --- field types, derived from the index templates ------------------------------------------------

def template_fields(kind: str) -> dict[str, str]:
    """Field path -> Elasticsearch type for one index template, multi-fields included (title.raw)."""
    out: dict[str, str] = {}

    def walk(properties: dict, prefix: str) -> None:
        for name, spec in properties.items():
            path = f"{prefix}{name}"
            if "properties" in spec:
                walk(spec["properties"], f"{path}.")
                continue
            out[path] = spec["type"]
            for sub, sub_spec in spec.get("fields", {}).items():
                out[f"{path}.{sub}"] = sub_spec["type"]

    walk(load_template(REPO / "schemas", kind)["mappings"]["properties"], "")
    return out


FIELDS = {kind: template_fields(kind) for kind in KINDS}

NUMERIC = {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long"}
DATES = {"date", "date_nanos"}
AGGREGATABLE = NUMERIC | DATES | {"keyword", "boolean", "ip", "constant_keyword"}  # never "text"
# What each Lens operation accepts; an operation not listed here fails the test until someone adds it.
OPERATION_FIELD_TYPES = {
    "terms": NUMERIC | {"keyword", "boolean", "ip", "constant_keyword"},
    "date_histogram": DATES,
    "range": NUMERIC,
    "sum": NUMERIC,
    "average": NUMERIC,
    "min": NUMERIC,
    "max": NUMERIC,
    "median": NUMERIC,
    "percentile": NUMERIC,
    "standard_deviation": NUMERIC,
    "last_value": AGGREGATABLE,
    "unique_count": AGGREGATABLE,
    "count": AGGREGATABLE,
}
NUMBER_RESULTS = {"count", "unique_count", "range", *(op for op, ok in OPERATION_FIELD_TYPES.items() if ok == NUMERIC)}
LENS_RECORDS = "___records___"


def lens_data_type(es_type: str) -> str:
    if es_type in NUMERIC:
        return "number"
    if es_type in DATES:
        return "date"
    if es_type == "boolean":
        return "boolean"
    return "string"


def kql_fields(query: str) -> set[str]:
    """Field names in a KQL query (`field : value` clauses); quoted values never match."""
    return set(re.findall(r'(?<![\w."])([A-Za-z_][\w.]*)\s*:', query))


def view_kind(view_id: str) -> str:
    title = BY_KEY[("index-pattern", view_id)]["attributes"]["title"]
    kind = title.removeprefix(f"{DEFAULT_PREFIX}-")
    assert kind in KINDS, f"data view {view_id} ({title}) is not on a newsmon alias"
    return kind


def lens_problems(obj: dict[str, Any]) -> list[str]:
    """Everything wrong with one Lens object's fields, operations and accessors (empty when fine)."""
    problems: list[str] = []
    state = obj["attributes"]["state"]
    refs = {r["name"]: r for r in obj["references"]}
    layers = state["datasourceStates"]["formBased"]["layers"]
    kinds: dict[str, str] = {}
    for layer_id, layer in layers.items():
        ref = refs.get(f"indexpattern-datasource-layer-{layer_id}")
        if ref is None or ref["type"] != "index-pattern":
            problems.append(f"layer {layer_id} has no data view reference")
            continue
        kinds[layer_id] = kind = view_kind(ref["id"])
        fields = FIELDS[kind]
        if sorted(layer["columnOrder"]) != sorted(layer["columns"]):
            problems.append(f"layer {layer_id}: columnOrder does not list the columns")
        for col_id, col in layer["columns"].items():
            op, source = col["operationType"], col.get("sourceField")
            where = f"{col_id} ({op} on {source})"
            if op not in OPERATION_FIELD_TYPES:
                problems.append(f"{where}: operation not known to this test")
                continue
            if op == "count" and source == LENS_RECORDS:
                pass
            elif source not in fields:
                problems.append(f"{where}: no such field in the {kind} template")
                continue
            else:
                es_type = fields[source]
                if es_type not in OPERATION_FIELD_TYPES[op]:
                    problems.append(f"{where}: {kind}.{source} is {es_type}, {op} needs one of "
                                    f"{sorted(OPERATION_FIELD_TYPES[op])}")
                expected = "number" if op in NUMBER_RESULTS else lens_data_type(es_type)
                if col["dataType"] != expected:
                    problems.append(f"{where}: dataType {col['dataType']}, field gives {expected}")
            if op == "last_value":
                sort_field = col.get("params", {}).get("sortField")
                if fields.get(sort_field) not in DATES:
                    problems.append(f"{where}: sortField {sort_field} is not a date in {kind}")
            if col["isBucketed"] != (op in {"terms", "date_histogram", "range"}):
                problems.append(f"{where}: isBucketed is wrong")
            order_by = col.get("params", {}).get("orderBy", {})
            if order_by.get("type") == "column" and order_by.get("columnId") not in layer["columns"]:
                problems.append(f"{where}: orders by a missing column")
            for name in kql_fields((col.get("filter") or {}).get("query", "")):
                if name not in fields:
                    problems.append(f"{where}: filter uses unknown field {name}")
    for name in kql_fields(state["query"]["query"]):
        if not any(name in FIELDS[k] for k in kinds.values()):
            problems.append(f"query uses unknown field {name}")
    for flt in state.get("filters", []):
        key = flt.get("meta", {}).get("key")
        if key and not any(key in FIELDS[k] for k in kinds.values()):
            problems.append(f"filter uses unknown field {key}")

    vis = state["visualization"]
    accessors: list[tuple[str, str]] = []
    if obj["attributes"]["visualizationType"] == "lnsXY":
        for layer in vis["layers"]:
            ids = [layer.get("xAccessor"), *layer.get("accessors", []), layer.get("splitAccessor")]
            accessors += [(layer["layerId"], a) for a in ids if a]
    elif obj["attributes"]["visualizationType"] == "lnsDatatable":
        accessors += [(vis["layerId"], c["columnId"]) for c in vis["columns"]]
    else:
        problems.append(f"visualization type {obj['attributes']['visualizationType']} not known to this test")
    for layer_id, accessor in accessors:
        if accessor not in layers.get(layer_id, {}).get("columns", {}):
            problems.append(f"visualization uses {accessor}, not a column of layer {layer_id}")
    return problems


def of_type(type_: str) -> list[dict[str, Any]]:
    return [o for o in OBJECTS if o["type"] == type_]


# --- the file -------------------------------------------------------------------------------------

def test_every_line_is_one_saved_object() -> None:
    assert NDJSON.endswith("\n") and "\n\n" not in NDJSON
    assert len(OBJECTS) == 10
    for obj in OBJECTS:
        assert {"type", "id", "attributes", "references", "coreMigrationVersion", "typeMigrationVersion"} <= set(obj)
        assert isinstance(obj["references"], list)
        assert obj["attributes"].get("title"), obj["id"]


def test_ids_are_unique() -> None:
    ids = [o["id"] for o in OBJECTS]
    assert len(ids) == len(set(ids))


def test_every_reference_resolves_to_an_object_in_the_file() -> None:
    for obj in OBJECTS:
        names = [r["name"] for r in obj["references"]]
        assert len(names) == len(set(names)), obj["id"]
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in BY_KEY, f"{obj['id']}: {ref}"


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_migration_versions_keep_ids_stable_in_any_space() -> None:
    # Objects older than a type's conversion to multi-space (8.0.0) get new ids when imported into a
    # non-default space; dashboards would then point at ids that do not exist.
    for obj in OBJECTS:
        assert version(obj["typeMigrationVersion"]) >= (8, 0, 0), obj["id"]
        assert obj["coreMigrationVersion"] == "8.8.0"


def test_data_views_sit_on_the_read_aliases_with_date_time_fields() -> None:
    views = of_type("index-pattern")
    assert {v["attributes"]["title"] for v in views} == {f"{DEFAULT_PREFIX}-{kind}" for kind in KINDS}
    for view in views:
        kind = view_kind(view["id"])
        time_field = view["attributes"]["timeFieldName"]
        assert FIELDS[kind].get(time_field) in DATES, f"{view['id']}: {time_field}"
    assert BY_KEY[("index-pattern", "newsmon-articles")]["attributes"]["timeFieldName"] == "published_at"
    assert BY_KEY[("index-pattern", "newsmon-indicators")]["attributes"]["timeFieldName"] == "published_at"
    assert BY_KEY[("index-pattern", "newsmon-observations")]["attributes"]["timeFieldName"] == "period_end"


def test_saved_search_uses_real_fields_and_sorts_on_a_sortable_one() -> None:
    (search,) = of_type("search")
    attrs = search["attributes"]
    assert attrs["title"] == "Recent articles"
    assert attrs["columns"] == ["title", "source_id", "regions", "metric_ids"]
    assert attrs["sort"] == [["published_at", "desc"]]
    source = json.loads(attrs["kibanaSavedObjectMeta"]["searchSourceJSON"])
    (ref,) = [r for r in search["references"] if r["name"] == source["indexRefName"]]
    fields = FIELDS[view_kind(ref["id"])]
    for column in attrs["columns"]:
        assert column in fields, column
    for sort_field, direction in attrs["sort"]:
        assert fields.get(sort_field) in AGGREGATABLE, f"cannot sort on {sort_field} ({fields.get(sort_field)})"
        assert direction in {"asc", "desc"}
    assert kql_fields(source["query"]["query"]) <= set(fields)


@pytest.mark.parametrize("lens", of_type("lens"), ids=lambda o: o["id"])
def test_lens_fields_exist_with_types_that_allow_the_operation(lens: dict[str, Any]) -> None:
    assert lens_problems(lens) == []


def test_the_lens_check_catches_text_aggregations_and_missing_fields() -> None:
    broken = json.loads(json.dumps(BY_KEY[("lens", "newsmon-article-volume-by-source")]))
    layer = next(iter(broken["attributes"]["state"]["datasourceStates"]["formBased"]["layers"].values()))
    layer["columns"]["col-source"]["sourceField"] = "title"  # text
    layer["columns"]["col-published"]["sourceField"] = "source_id"  # keyword under a date histogram
    layer["columns"]["col-count"] = {**layer["columns"]["col-count"], "operationType": "sum", "sourceField": "nope"}
    problems = " | ".join(lens_problems(broken))
    assert "articles.title is text" in problems
    assert "articles.source_id is keyword, date_histogram" in problems
    assert "no such field" in problems


def test_visualizations_are_the_ones_asked_for_and_figures_come_from_observations() -> None:
    titles = {o["attributes"]["title"]: o for o in of_type("lens")}
    assert set(titles) == {
        "Latest figures per region",
        "A metric over time per region",
        "Conflicts to review",
        "Growth distribution by metric",
        "Article volume by source",
    }
    for title in ("Latest figures per region", "A metric over time per region", "Conflicts to review",
                  "Growth distribution by metric"):
        (ref,) = titles[title]["references"]
        assert view_kind(ref["id"]) == "observations", title
    query = lambda title: titles[title]["attributes"]["state"]["query"]["query"]  # noqa: E731
    # region figures only: a sector breakdown never stands for its region's total
    assert 'scope_kind : "region" and measure : "level"' in query("Latest figures per region")
    assert 'metric_id : "gdp"' in query("A metric over time per region")
    assert query("Conflicts to review") == "has_conflicts : true"


def test_dashboard_panels_reference_every_chart_and_the_saved_search() -> None:
    (dash,) = of_type("dashboard")
    assert dash["attributes"]["title"] == "Regional economy"
    panels = json.loads(dash["attributes"]["panelsJSON"])
    refs = {r["name"]: r for r in dash["references"]}
    shown = set()
    for panel in panels:
        # Kibana keeps panel references as "<panelIndex>:<panelRefName>" and strips the prefix to match
        ref = refs[f"{panel['panelIndex']}:{panel['panelRefName']}"]
        assert ref["type"] == panel["type"]
        assert panel["gridData"]["i"] == panel["panelIndex"]
        shown.add((ref["type"], ref["id"]))
    assert len({p["panelIndex"] for p in panels}) == len(panels)
    assert shown == {(o["type"], o["id"]) for o in OBJECTS if o["type"] in {"lens", "search"}}
    assert len(refs) == len(panels)  # no stray references


def test_dashboard_grid_has_no_overlaps() -> None:
    (dash,) = of_type("dashboard")
    cells: dict[tuple[int, int], str] = {}
    for panel in json.loads(dash["attributes"]["panelsJSON"]):
        g = panel["gridData"]
        assert 0 <= g["x"] and g["x"] + g["w"] <= 48 and g["h"] > 0, panel["panelIndex"]
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                assert (x, y) not in cells, f"{panel['panelIndex']} overlaps {cells[(x, y)]}"
                cells[(x, y)] = panel["panelIndex"]


# --- the builder ----------------------------------------------------------------------------------

def test_committed_ndjson_is_what_the_builder_writes() -> None:
    done = subprocess.run([sys.executable, str(BUILDER), "--check"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_builder_check_notices_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("kibana_build", BUILDER)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)  # type: ignore[union-attr]
    stale = tmp_path / "newsmon.ndjson"
    stale.write_text(NDJSON.replace("Regional economy", "Regional economy (old)"), "utf-8")
    monkeypatch.setattr(build, "OUT", stale)
    assert build.main(["--check"]) == 1
    assert build.main([]) == 0 and build.main(["--check"]) == 0
    assert stale.read_text("utf-8") == NDJSON


# --- index prefix ---------------------------------------------------------------------------------

def test_default_prefix_sends_the_file_unchanged() -> None:
    assert kibana_cli.saved_objects_for_prefix(NDJSON, "newsmon") == NDJSON


def test_other_prefix_retitles_only_the_data_views() -> None:
    rewritten = kibana_cli.saved_objects_for_prefix(NDJSON, "acme")
    before, after = NDJSON.splitlines(), rewritten.splitlines()
    assert len(before) == len(after)
    for old, new in zip(before, after):
        old_obj, new_obj = json.loads(old), json.loads(new)
        if old_obj["type"] == "index-pattern":
            assert new_obj["attributes"]["title"] == old_obj["attributes"]["title"].replace("newsmon-", "acme-", 1)
            assert new_obj["id"] == old_obj["id"]
        else:
            assert new == old


# --- `newsmon kibana setup` against a fake Kibana --------------------------------------------------

@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    content_type: str
    parts: list[dict[str, Any]] = field(default_factory=list)


class FakeKibana:
    """Answers POST .../api/saved_objects/_import roughly like Kibana 9 and records each request."""

    def __init__(self, status: int = 200, body: dict | None = None) -> None:
        self.status = status
        self.body = body
        self.requests: list[Recorded] = []
        self.port = 0

    async def handle(self, request: web.Request) -> web.Response:
        recorded = Recorded(request.method, request.path, dict(request.query), dict(request.headers),
                            request.content_type)
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                recorded.parts.append({"name": part.name, "filename": part.filename,
                                       "content_type": part.headers.get("Content-Type"), "data": await part.read()})
        self.requests.append(recorded)
        if "kbn-xsrf" not in {k.lower() for k in request.headers}:
            return web.json_response({"statusCode": 400, "error": "Bad Request",
                                      "message": "Request must contain a kbn-xsrf header."}, status=400)
        if self.status != 200:
            return web.json_response({"statusCode": self.status, "error": "Internal Server Error",
                                      "message": "An internal server error occurred."}, status=self.status)
        if self.body is not None:
            return web.json_response(self.body)
        lines = [json.loads(line) for line in recorded.parts[0]["data"].decode().splitlines()]
        results = [{"type": o["type"], "id": o["id"], "overwrite": True,
                    "meta": {"title": o["attributes"]["title"], "icon": "app"}} for o in lines]
        return web.json_response({"success": True, "successCount": len(results), "successResults": results,
                                  "warnings": []})


@contextmanager
def fake_kibana(status: int = 200, body: dict | None = None) -> Iterator[FakeKibana]:
    fake = FakeKibana(status, body)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    server = web.Application()
    server.router.add_route("*", "/{tail:.*}", fake.handle)
    runner_ = web.AppRunner(server)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner_.setup())
        site = web.TCPSite(runner_, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        fake.port = runner_.addresses[0][1]
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner_.cleanup())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10), "fake Kibana did not start"
    try:
        yield fake
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.fixture(autouse=True)
def default_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed file is built for the default prefix, whatever NEWSMON_INDEX_PREFIX says here."""
    monkeypatch.setattr(kibana_cli, "get_settings", lambda: Settings(index_prefix=DEFAULT_PREFIX))


def setup(*args: str):
    return runner.invoke(app, ["kibana", "setup", *args])


def test_setup_posts_the_committed_file_to_the_import_api() -> None:
    with fake_kibana() as kibana:
        result = setup("--url", f"http://127.0.0.1:{kibana.port}")
    assert result.exit_code == 0, result.output
    (req,) = kibana.requests
    assert req.method == "POST"
    assert req.path == "/api/saved_objects/_import"
    assert req.query == {"overwrite": "true"}
    assert "kbn-xsrf" in {k.lower() for k in req.headers}
    assert req.content_type == "multipart/form-data"
    (part,) = req.parts
    assert part["name"] == "file" and part["filename"].endswith(".ndjson")
    assert part["data"] == NDJSON_PATH.read_bytes()
    assert f"imported {len(OBJECTS)} saved objects" in result.stdout
    for obj in OBJECTS:
        assert f"{obj['type']} {obj['id']}: " in result.stdout
    assert "/app/dashboards#/view/newsmon-regional-economy" in result.stdout


def test_setup_is_idempotent_on_the_wire() -> None:
    with fake_kibana() as kibana:
        url = f"http://127.0.0.1:{kibana.port}"
        first, second = setup("--url", url), setup("--url", url)
    assert first.exit_code == second.exit_code == 0
    assert [r.parts[0]["data"] for r in kibana.requests] == [NDJSON_PATH.read_bytes()] * 2
    assert all(r.query == {"overwrite": "true"} for r in kibana.requests)


def test_setup_targets_a_space_and_sends_credentials() -> None:
    with fake_kibana() as kibana:
        keyed = setup("--url", f"http://127.0.0.1:{kibana.port}/", "--space", "economy", "--api-key", "c2VjcmV0")
        basic = setup("--url", f"http://127.0.0.1:{kibana.port}", "--username", "elastic", "--password", "pw")
    assert keyed.exit_code == 0 and basic.exit_code == 0, keyed.output + basic.output
    assert kibana.requests[0].path == "/s/economy/api/saved_objects/_import"
    assert kibana.requests[0].headers["Authorization"] == "ApiKey c2VjcmV0"
    assert "/s/economy/app/dashboards#/view/" in keyed.stdout
    assert kibana.requests[1].path == "/api/saved_objects/_import"
    assert kibana.requests[1].headers["Authorization"] == "Basic ZWxhc3RpYzpwdw=="


def test_setup_refuses_mixed_credentials() -> None:
    result = setup("--url", "http://127.0.0.1:9", "--api-key", "k", "--username", "u", "--password", "p")
    assert result.exit_code == 2


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_setup_fails_in_one_line_when_kibana_answers_500() -> None:
    with fake_kibana(status=500) as kibana:
        result = setup("--url", f"http://127.0.0.1:{kibana.port}")
    assert "HTTP 500" in one_line_error(result)


def test_setup_fails_in_one_line_when_objects_fail_to_import() -> None:
    body = {"success": False, "successCount": 7, "errors": [
        {"id": "newsmon-regional-economy", "type": "dashboard", "title": "Regional economy",
         "error": {"type": "missing_references", "references": [{"type": "lens", "id": "x"}]}}]}
    with fake_kibana(body=body) as kibana:
        result = setup("--url", f"http://127.0.0.1:{kibana.port}")
    line = one_line_error(result)
    assert "dashboard newsmon-regional-economy: missing_references" in line and "failed 1" in line


def test_setup_fails_in_one_line_when_kibana_is_not_listening() -> None:
    with socket.socket() as sock:  # a port nobody listens on once the socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = setup("--url", f"http://127.0.0.1:{port}", "--timeout", "5")
    assert f"cannot reach Kibana at http://127.0.0.1:{port}" in one_line_error(result)
