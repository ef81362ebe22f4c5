"""What every API answer shares: the query parameters read the product's way (ISO dates,
the one scope syntax), answers that say their policy and as-of date, and errors as
`{"error": {"key", "message_vi", "message_en"}}`."""

from __future__ import annotations

import datetime as dt
import json
import math

from starlette.requests import Request
from starlette.responses import Response

from i18n import t
from zones.problems import Unsaid
from zones.report_period import Scope, parse_scope

FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)  # outside: not a report day
POLICY_HEADER, AS_OF_HEADER = "X-Vungxanh-Policy", "X-Vungxanh-As-Of"


class ApiError(Unsaid):
    """A request refused with an HTTP status (400 unless said) and a catalogue message."""

    def __init__(self, key: str, status: int = 400, **values):
        self.status = status
        super().__init__(key, **values)


def date_param(request: Request, name: str, default: dt.date | None) -> dt.date | None:
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ApiError("api.bad_date", name=name, value=repr(text)) from None
    if len(text) != 10 or not FIRST_DAY <= day <= LAST_DAY:  # fromisoformat takes 20210930
        raise ApiError("api.bad_date", name=name, value=repr(text))
    return day


def scope_param(request: Request) -> Scope:
    return parse_scope(request.query_params.get("scope") or "city")


def choice_param(request: Request, name: str, choices: tuple[str, ...]) -> str:
    text = request.query_params.get(name) or choices[0]
    if text not in choices:
        raise ApiError("api.bad_choice", name=name, value=repr(text), choices=", ".join(choices))
    return text


def _plain(value):
    """JSON-ready: dates as ISO text, NaN and infinities as null."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # a numpy scalar
        return _plain(value.item())
    return value


def provenance(policy: str, as_of: dt.date) -> dict[str, str]:
    return {POLICY_HEADER: policy, AS_OF_HEADER: as_of.isoformat(), "Cache-Control": "no-store"}


def json_answer(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    data = json.dumps(_plain(body), ensure_ascii=False, allow_nan=False, default=str)
    return Response(data.encode("utf-8"), status, headers,
                    media_type="application/json; charset=utf-8")


def error_answer(exc: Unsaid, status: int | None = None, headers: dict | None = None) -> Response:
    status = status or getattr(exc, "status", 400)
    body = {"error": {"key": exc.key, "message_vi": exc.text("vi"),
                      "message_en": exc.text("en")}}
    return json_answer(body, status, headers)


def message_answer(key: str, status: int, headers: dict | None = None, **values) -> Response:
    body = {"error": {"key": key, "message_vi": t(key, "vi", **values),
                      "message_en": t(key, "en", **values)}}
    return json_answer(body, status, headers)
