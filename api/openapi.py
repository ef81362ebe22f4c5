"""The OpenAPI 3.1 document of `/api/v1` (served at `/api/v1/openapi.json`), written by hand
next to the routes it describes; its schemas are what the tests check every answer
against (schemathesis), so they say each field's type, and null where it may be null."""

from __future__ import annotations

S, INT, B = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
LEVEL = {"type": "string", "enum": ["unknown", "xanh", "da_cam", "do", "phong_toa"]}


def _null(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(props: dict, required: list[str] | None = None, extra: bool = False) -> dict:
    return {"type": "object", "properties": props,
            "required": list(props) if required is None else required,
            "additionalProperties": extra}


def _list(items: dict) -> dict:
    return {"type": "array", "items": items}


AREA = {"area_type": {"type": "string", "enum": ["ward", "block"]},
        "province_code": _null(S), "province_name": _null(S), "district_code": _null(S),
        "district_name": _null(S), "ward_code": S, "ward_name": _null(S),
        "block_code": _null(S), "block_name": _null(S), "population": _null(INT)}
LEVEL_ROW = AREA | {
    "level": LEVEL, "level_label_vi": S, "level_label_en": S, "level_since": _null(DATE),
    "source": _null(S), "stale": _null(B), "report_date": _null(DATE),
    "new_cases": _null(INT), "tests_done": _null(INT), "note": _null(S), "policy_id": S,
    "as_of": DATE}
# One day of one group (district, or province where there are none): areas and people by
# level, cases, tests, wards reporting; the group's code column is named by the group.
TREND_ROW = {"type": "object", "properties": {"date": DATE}, "required": ["date"],
             "additionalProperties": {"type": ["integer", "number", "string", "null"]}}
TARGET = _obj({"id": S, "status": S, "as_of": DATE, "deadline": DATE}, extra=True)
MORNING = _obj({
    "as_of": DATE, "since": DATE, "scope": S, "policy": S, "wards": INT,
    "reported": _list(S), "not_reported": _list(_obj({}, [], True)),
    "carried": _list(S),
    "counts": _list(_obj({"area_type": S, "level": LEVEL, "source": S, "areas": INT,
                          "population": INT})),
    "changes": _list(_obj({}, [], True)), "ranking": _list(_obj({}, [], True)),
    "unit_kind": S, "targets": _list(_obj({}, [], True)),
    "overdue": _list(_obj({}, [], True))})
ERROR = _obj({"error": _obj({"key": S, "message_vi": S, "message_en": S})})
GEOJSON = _obj({"type": {"const": "FeatureCollection"}, "features": _list(_obj({
    "type": {"const": "Feature"}, "id": S,
    "geometry": _null(_obj({"type": {"enum": ["Polygon", "MultiPolygon"]},
                            "coordinates": {"type": "array"}})),
    "properties": _obj(LEVEL_ROW)}))})

_PARAMS = {
    "date": {"name": "date", "in": "query", "schema": DATE,
             "description": "the day (default: the store's last day with reports)"},
    "scope": {"name": "scope", "in": "query",
              "schema": {"type": "string", "default": "city"},
              "description": "city, province:CODE, district:CODE or ward:CODE"},
    "since": {"name": "since", "in": "query", "schema": DATE,
              "description": "changes measured from this day (default: the day before)"},
    "format": {"name": "format", "in": "query",
               "schema": {"type": "string", "enum": ["json", "csv", "geojson"]}},
    "from": {"name": "from", "in": "query", "schema": DATE,
             "description": "first day (default: 29 days before `to`)"},
    "to": {"name": "to", "in": "query", "schema": DATE,
           "description": "last day (default: the store's last day with reports)"},
    "district": {"name": "district", "in": "query", "schema": S,
                 "description": "one district (or a two-tier province) code"},
}
_HEADERS = {"X-Vungxanh-Policy": {"schema": S}, "X-Vungxanh-As-Of": {"schema": DATE}}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _get(summary: str, params: list[str], ok: dict) -> dict:
    bad = {"description": "refused", "content": _json(ERROR)}
    return {"get": {
        "summary": summary, "parameters": [_PARAMS[p] for p in params],
        "responses": {"200": {"description": "the figures", "headers": _HEADERS,
                              "content": ok},
                      "400": {"description": "a parameter refused", "content": _json(ERROR)},
                      "401": bad, "503": bad}}}


def _with(props: dict) -> dict:
    return _obj({"as_of": DATE, "policy": S} | props)


def document(prefix: str = "/api/v1") -> dict:
    """The OpenAPI document, its server `prefix` (the base path + /api/v1)."""
    levels = {"application/json": {"schema": _with({"scope": S,
                                                    "levels": _list(_obj(LEVEL_ROW))})},
              "text/csv": {"schema": S}, "application/geo+json": {"schema": GEOJSON}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "vungxanh", "version": "1",
                 "description": "Zone levels of wards and blocks (xanh, da cam, đỏ, phong "
                                "tỏa) and what follows from them; README \"HTTP API\"."},
        "servers": [{"url": prefix}],
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{}, {"token": []}],
        "paths": {
            "/units": _get("wards and blocks", ["date", "scope"],
                           _json(_with({"units": _list(_obj(AREA))}))),
            "/levels": _get("effective level of every ward and block on a day",
                            ["date", "scope", "format"], levels),
            "/today": _get("the morning view of a day and a scope",
                           ["date", "scope", "since"], _json(MORNING)),
            "/trends": _get("areas and population per level, per day and district",
                            ["from", "to", "district"],
                            _json(_with({"from": DATE, "to": DATE, "district": _null(S),
                                         "trends": _list(TREND_ROW)}))),
            "/targets": _get("green-zone targets on a day", ["date"],
                             _json(_with({"targets": _list(TARGET)}))),
        },
    }
