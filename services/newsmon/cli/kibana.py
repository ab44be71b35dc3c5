"""`newsmon kibana setup`: import newsmon's data views, saved search, Lens charts and dashboard into Kibana.

The objects live in deploy/kibana/newsmon.ndjson (built by deploy/kibana/build.py). Setup sends that file to
Kibana's saved-objects import API with overwrite=true, so running it again updates the objects in place.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import typer

from newsmon.cli._app import app
from newsmon.index.templates import KINDS
from newsmon.settings import DATA_ROOT, get_settings

NDJSON = DATA_ROOT / "deploy" / "kibana" / "newsmon.ndjson"
BUILT_FOR_PREFIX = "newsmon"  # the index prefix the committed data view titles use
DASHBOARD_ID = "newsmon-regional-economy"

kibana_app = typer.Typer(help="Kibana data views, charts and the newsmon dashboard.", no_args_is_help=True)
app.add_typer(kibana_app, name="kibana")


class KibanaError(Exception):
    """Kibana could not be reached or refused the import; the message is one line for the operator."""


def saved_objects_for_prefix(ndjson: str, prefix: str) -> str:
    """The NDJSON with data view titles pointing at `<prefix>-<kind>` aliases instead of the built-in prefix.

    Returns `ndjson` unchanged for the built-in prefix; only index-pattern titles change, never ids.
    """
    if prefix == BUILT_FOR_PREFIX:
        return ndjson
    lines = []
    for line in ndjson.splitlines():
        obj = json.loads(line)
        title = obj.get("attributes", {}).get("title", "")
        kind = title.removeprefix(f"{BUILT_FOR_PREFIX}-")
        if obj.get("type") == "index-pattern" and kind in KINDS:
            obj["attributes"]["title"] = f"{prefix}-{kind}"
            line = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        lines.append(line)
    return "".join(f"{line}\n" for line in lines)


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return _one_line(response.text) or response.reason_phrase
    if isinstance(body, dict):
        return _one_line(body.get("message") or body.get("error") or body)
    return _one_line(body)


def import_saved_objects(
    base_url: str,
    ndjson: bytes,
    *,
    space: str | None = None,
    api_key: str | None = None,
    basic_auth: tuple[str, str] | None = None,
    timeout_s: float = 30.0,
) -> dict:
    """POST the NDJSON to Kibana's import API with overwrite=true; blocks until Kibana answers.

    Returns Kibana's response body (`success`, `successCount`, `successResults`, maybe `warnings`).
    Raises KibanaError when Kibana is unreachable, answers with an HTTP error, or reports failed objects.
    """
    space_path = f"/s/{space}" if space and space != "default" else ""
    url = f"{base_url.rstrip('/')}{space_path}/api/saved_objects/_import"
    headers = {"kbn-xsrf": "newsmon"}
    if api_key:
        headers["Authorization"] = f"ApiKey {api_key}"
    try:
        response = httpx.post(
            url,
            params={"overwrite": "true"},
            headers=headers,
            files={"file": ("newsmon.ndjson", ndjson, "application/ndjson")},
            auth=basic_auth,
            timeout=timeout_s,
        )
    except httpx.HTTPError as exc:
        raise KibanaError(f"cannot reach Kibana at {base_url}: {_one_line(exc) or type(exc).__name__}") from exc
    if response.status_code >= 400:
        raise KibanaError(f"Kibana refused the import (HTTP {response.status_code}): {_error_message(response)}")
    try:
        body = response.json()
    except ValueError as exc:
        raise KibanaError(f"Kibana answered HTTP {response.status_code} with a non-JSON body: "
                          f"{_one_line(response.text)}") from exc
    if not isinstance(body, dict) or not body.get("success"):
        errors = body.get("errors", []) if isinstance(body, dict) else []
        detail = "; ".join(
            f"{e.get('type')} {e.get('id')}: {(e.get('error') or {}).get('type', 'error')}" for e in errors
        )
        raise KibanaError(f"Kibana imported {body.get('successCount', 0) if isinstance(body, dict) else 0} "
                          f"object(s) but failed {len(errors)}: {_one_line(detail) or _one_line(body)}")
    return body


@kibana_app.command("setup")
def setup(
    url: str = typer.Option(None, "--url", help="Kibana base URL (default NEWSMON_KIBANA_URL)."),
    space: str = typer.Option(None, "--space", help="Kibana space id (default space if omitted)."),
    api_key: str = typer.Option(None, "--api-key", help="Kibana API key (base64 id:key), sent as 'ApiKey ...' "
                                "(default NEWSMON_KIBANA_API_KEY)."),
    username: str = typer.Option(None, "--username", help="User for basic auth, with --password "
                                 "(default NEWSMON_KIBANA_USERNAME / NEWSMON_KIBANA_PASSWORD)."),
    password: str = typer.Option(None, "--password", help="Password for basic auth."),
    file: Path = typer.Option(NDJSON, "--file", help="Saved objects to import.", exists=True, dir_okay=False),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds to wait for Kibana."),
) -> None:
    """Import the newsmon data views, saved search, Lens charts and dashboard (idempotent: overwrites).

    Credentials given as options win over the settings, so a Secret in the environment is enough.
    """
    settings = get_settings()
    url = url or settings.kibana_url
    if not (api_key or username or password):
        api_key, username, password = settings.kibana_api_key, settings.kibana_username, settings.kibana_password
    if api_key and (username or password):
        raise typer.BadParameter("use either --api-key or --username/--password, not both")
    if bool(username) != bool(password):
        raise typer.BadParameter("--username and --password go together")
    ndjson = saved_objects_for_prefix(file.read_text("utf-8"), settings.index_prefix)
    try:
        body = import_saved_objects(
            url,
            ndjson.encode("utf-8"),
            space=space,
            api_key=api_key,
            basic_auth=(username, password) if username else None,
            timeout_s=timeout,
        )
    except KibanaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    for result in body.get("successResults", []):
        title = (result.get("meta") or {}).get("title", "")
        moved = f" (now {result['destinationId']})" if result.get("destinationId") else ""
        typer.echo(f"{result.get('type')} {result.get('id')}{moved}: {title}")
    for warning in body.get("warnings", []):
        typer.echo(f"warning: {_one_line(warning.get('message', warning))}")
    space_path = f"/s/{space}" if space and space != "default" else ""
    typer.echo(
        f"imported {body.get('successCount', 0)} saved objects into {url}; "
        f"dashboard: {url.rstrip('/')}{space_path}/app/dashboards#/view/{DASHBOARD_ID}"
    )
