"""The read endpoints: each reads its parameters, asks the service the dashboard and the
CLI ask, and answers with the policy and the as-of date that produced the figures."""

from __future__ import annotations

import datetime as dt
import io

from starlette.requests import Request
from starlette.responses import Response

from api.http import (
    ApiError,
    choice_param,
    date_param,
    json_answer,
    provenance,
    scope_param,
)
from data.config.clock import today_vn
from data.store.database import Store
from zones.policy import Policy
from zones.report import scope_areas

MAX_DAYS = 366  # the longest trends window or morning comparison one request may ask
LEVEL_FORMATS = ("json", "csv", "geojson")
MEDIA = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}


def last_day(store: Store) -> dt.date:
    """The store's last day with reports (the CLI's default), else today in Vietnam."""
    span = store.date_range()
    return span[1] if span else today_vn()


def units(request: Request, store: Store, policy: Policy) -> Response:
    as_of = date_param(request, "date", None) or last_day(store)
    areas = scope_areas(store.areas(), scope_param(request))
    rows = areas.astype(object).where(areas.notna(), None).to_dict("records")
    body = {"as_of": as_of, "policy": policy.id, "units": rows}
    return json_answer(body, headers=provenance(policy.id, as_of))


def levels(request: Request, store: Store, policy: Policy) -> Response:
    from data.exports.levels import levels_table, write_levels

    as_of = date_param(request, "date", None) or last_day(store)
    scope, fmt = scope_param(request), choice_param(request, "format", LEVEL_FORMATS)
    table = levels_table(store, as_of, policy)
    table = scope_areas(table, scope).reset_index(drop=True)
    headers = provenance(policy.id, as_of)
    if fmt == "json":
        rows = table.astype(object).where(table.notna(), None).to_dict("records")
        return json_answer({"as_of": as_of, "policy": policy.id, "scope": str(scope),
                            "levels": rows}, headers=headers)
    out = io.BytesIO()
    write_levels(table, fmt, out, store=store)
    headers["Content-Disposition"] = f'attachment; filename="levels_{as_of}.{fmt}"'
    return Response(out.getvalue(), 200, headers, media_type=MEDIA[fmt])


def today(request: Request, store: Store, policy: Policy) -> Response:
    from data.services.today import morning

    as_of = date_param(request, "date", None) or last_day(store)
    since = date_param(request, "since", None)
    if since is not None and (as_of - since).days > MAX_DAYS:
        raise ApiError("api.too_long", first=since, last=as_of, days=MAX_DAYS)
    view = morning(store, as_of, policy, scope_param(request), since=since)
    return json_answer(view.as_json(), headers=provenance(policy.id, as_of))


def trends(request: Request, store: Store, policy: Policy) -> Response:
    from data.services.figures import trends_between
    from zones.trends import trends_table

    end = date_param(request, "to", None) or last_day(store)
    start = date_param(request, "from", None) or end - dt.timedelta(days=29)
    if (end - start).days >= MAX_DAYS:
        raise ApiError("api.too_long", first=start, last=end, days=MAX_DAYS)
    district = request.query_params.get("district") or None
    table = trends_table(trends_between(store, start, end, policy, district=district))
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    body = {"as_of": end, "from": start, "to": end, "policy": policy.id,
            "district": district, "trends": rows}
    return json_answer(body, headers=provenance(policy.id, end))


def targets(request: Request, store: Store, policy: Policy) -> Response:
    from data.config.policy_files import load_targets
    from data.services.figures import targets_as_of

    as_of = date_param(request, "date", None) or last_day(store)
    progress = targets_as_of(store, as_of, policy, load_targets()) if store.date_range() else []
    body = {"as_of": as_of, "policy": policy.id, "targets": [p.as_json() for p in progress]}
    return json_answer(body, headers=provenance(policy.id, as_of))
