"""The API's routes under `/api/v1` (or the server's base path before it), for app.py's
`st.App`: every read endpoint behind the access check, the OpenAPI document, and a JSON
404 for any other path below the prefix (never the dashboard's page).

A refused input answers 400 with its message (zones.problems.Unsaid, as the CLI says it);
anything else unexpected answers 500 with a reference id, the traceback in the log.
"""

from __future__ import annotations

from functools import cache

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api import openapi, reads
from api.access import refusal
from api.http import error_answer, json_answer, message_answer
from data.config import settings
from data.config.policy_files import load_policy
from data.store.audit import incident
from data.store.database import Store
from zones.problems import Unsaid

PREFIX = "/api/v1"
READS = {"/units": reads.units, "/levels": reads.levels, "/today": reads.today,
         "/trends": reads.trends, "/targets": reads.targets}


@cache
def _store(url: str) -> Store:
    return Store(url)


@cache
def _policy():
    return load_policy()


def _guarded(handler):
    def endpoint(request: Request) -> Response:
        try:
            store = _store(settings.database_url(legacy=True))
        except Unsaid as exc:  # a store that cannot be opened: not the request's fault
            return error_answer(exc, 503)
        try:
            refused = refusal(request, store)
            return refused or handler(request, store, _policy())
        except Unsaid as exc:  # the request's values: said in both languages
            return error_answer(exc)
        except Exception as exc:  # a reference id, never a traceback
            settings.log_to_file()
            return message_answer("api.internal", 500, ref=incident(exc))

    endpoint.__name__ = handler.__name__
    return endpoint


def _not_found(request: Request) -> Response:
    return message_answer("api.not_found", 404, path=repr(request.url.path))


def routes(prefix: str = PREFIX) -> list[Route]:
    """The routes below `prefix` (the server's base path + /api/v1)."""
    out = [Route(prefix + path, _guarded(fn), methods=["GET"]) for path, fn in READS.items()]
    doc = openapi.document(prefix)

    def openapi_json(request: Request) -> Response:
        return json_answer(doc)

    out.append(Route(prefix + "/openapi.json", openapi_json, methods=["GET"]))
    out.append(Route(prefix, _not_found))
    out.append(Route(prefix + "/{rest:path}", _not_found))
    return out
