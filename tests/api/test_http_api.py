"""The HTTP API driven over HTTP against a running dashboard server (issue 19): JSON, CSV
with BOM and GeoJSON read back with geopandas, the policy and as-of date on every answer,
errors in both languages; on PostgreSQL, a token required: 401, then 200."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.support.browser import ARTIFACTS, demo_store, streamlit_process
from tests.support.paths import ROOT

DAY = "2021-09-30"  # the demo's last day (tests.support.browser.END)


def get(url: str, token: str | None = None) -> tuple[int, dict, bytes]:
    """(status, headers lower-cased, body) of a GET; error statuses too."""
    req = urllib.request.Request(url)  # noqa: S310 - a local test server
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def test_levels_json_carry_policy_and_date(api_base):
    status, headers, body = get(f"{api_base}/levels?date={DAY}&scope=district:901")
    assert status == 200
    doc = json.loads(body)
    assert doc["as_of"] == DAY and doc["policy"] == headers["x-vungxanh-policy"]
    assert headers["x-vungxanh-as-of"] == DAY
    assert {r["district_code"] for r in doc["levels"]} == {"901"}
    assert {r["level"] for r in doc["levels"]} - {"unknown"}


def test_levels_csv_has_a_bom_and_the_export_header(api_base):
    status, headers, body = get(f"{api_base}/levels?date={DAY}&format=csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").splitlines()[0].startswith("area_type,province_code")
    assert headers["x-vungxanh-policy"] and headers["x-vungxanh-as-of"] == DAY


def test_levels_geojson_opens_in_geopandas(api_base, tmp_path):
    import geopandas

    status, headers, body = get(f"{api_base}/levels?date={DAY}&format=geojson")
    assert status == 200 and headers["content-type"] == "application/geo+json"
    path = tmp_path / "levels.geojson"
    path.write_bytes(body)
    frame = geopandas.read_file(path)
    assert frame.crs.to_epsg() == 4326 and "crs" not in json.loads(body)
    assert len(frame) == len(json.loads(get(f"{api_base}/levels?date={DAY}")[2])["levels"])
    assert frame.geometry.notna().all() and set(frame["as_of"].astype(str)) == {DAY}


@pytest.mark.parametrize("path", ["units", "today", "trends", "targets"])
def test_every_read_says_policy_and_as_of(api_base, path):
    status, headers, body = get(f"{api_base}/{path}")
    assert status == 200
    doc = json.loads(body)
    assert doc["as_of"] == DAY == headers["x-vungxanh-as-of"]
    assert doc["policy"] == headers["x-vungxanh-policy"]


def test_today_of_a_district_ranks_its_wards(api_base):
    _status, _headers, body = get(f"{api_base}/today?date={DAY}&scope=district:902")
    doc = json.loads(body)
    assert doc["scope"] == "district:902" and doc["since"] == "2021-09-29"
    assert doc["unit_kind"] == "ward"


@pytest.mark.parametrize(("query", "key"), [
    ("levels?date=30/09/2021", "api.bad_date"),
    ("levels?format=xml", "api.bad_choice"),
    ("levels?scope=county:1", "request.scope.unknown"),
    ("today?scope=ward:1", "request.scope.no_code"),
    ("today?date=2021-09-30&since=2021-09-30", "today.since_not_before"),
    ("trends?from=2021-09-30&to=2021-09-01", "request.trends.backwards"),
    ("trends?from=2020-01-01&to=2021-09-01", "api.too_long"),
    ("trends?district=999", "request.trends.unknown_district"),
    ("targets?date=9999-01-01", "api.bad_date"),
])
def test_bad_input_is_400_in_both_languages(api_base, query, key):
    status, headers, body = get(f"{api_base}/{query}")
    assert status == 400 and headers["content-type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error["key"] == key
    assert error["message_vi"] and error["message_en"]
    assert error["message_vi"] != error["message_en"]


def test_unknown_path_is_a_json_404(api_base):
    status, _headers, body = get(f"{api_base}/nothing/here")
    assert status == 404 and json.loads(body)["error"]["key"] == "api.not_found"


def _cli(url: str, *args: str, env: dict | None = None, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "cli.py", "--db", url, "--lang", "en", *args],
                          cwd=ROOT, env={**os.environ, **(env or {})}, input=stdin,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_token_required_on_postgresql(pg_url):
    """VUNGXANH_API_READ=token: no token 401 (audited), a made token 200, revoked 401."""
    from data.store import audit
    from data.store.database import Store

    demo_store(pg_url).dispose()
    _cli(pg_url, "user", "add", "boss", "--role", "admin", "--password-stdin",
         stdin="long-enough-1\n")
    admin = {"VUNGXANH_USER": "boss", "VUNGXANH_PASSWORD": "long-enough-1"}
    _cli(pg_url, "user", "add", "feed", "--role", "viewer", "--password-stdin",
         stdin="long-enough-2\n", env=admin)
    token = _cli(pg_url, "token", "add", "health-dept", "--user", "feed", env=admin).strip()
    with streamlit_process(pg_url, ARTIFACTS / "streamlit-api-pg.log",
                           env={"VUNGXANH_API_READ": "token"}) as (_proc, base, _start):
        levels = f"{base}/api/v1/levels?date={DAY}&format=geojson"
        status, headers, body = get(levels)
        assert status == 401 and headers["www-authenticate"].startswith("Bearer")
        assert json.loads(body)["error"]["key"] == "api.token_missing"
        assert get(levels, "vx_" + "x" * 43)[0] == 401
        assert get(levels, token)[0] == 200
        _cli(pg_url, "token", "revoke", "health-dept", env=admin)
        assert get(levels, token)[0] == 401
    store = Store(pg_url)
    refused = audit.entries(store)
    store.dispose()
    assert (refused["action"] == "api.refused").sum() == 3
    assert token not in refused.to_string()
