"""Who may read: anyone (`VUNGXANH_API_READ=public`, the default) or only the holder of a
token with the `read` scope (`token`). A token that is given is always checked, so a
client learns at once that its token was revoked. Every refusal is answered 401 with a
message in both languages and noted in the audit log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.http import message_answer
from data.config import settings
from data.store import audit, tokens
from data.store.database import Store

MODES = ("public", "token")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="vungxanh"'}


def _token(request: Request) -> str | None:
    kind, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if kind.lower() == "bearer" else None


def _note(store: Store, request: Request, reason: str) -> None:
    """The refusal in the audit log; a store that takes no write (read-only) still refuses."""
    client = request.client.host if request.client else None
    try:
        with store.write() as c:
            audit.record(c, "api", "api.refused", request.url.path, reason=reason,
                         client=client)
    except Exception:  # the 401 matters more than its log entry
        audit.log.exception("could not note an API refusal in the audit log")


def refusal(request: Request, store: Store) -> Response | None:
    """None if the request may read, else the answer that refuses it."""
    mode = settings.value("VUNGXANH_API_READ")
    if mode not in MODES:  # misconfigured: refuse everyone rather than guess
        return message_answer("api.bad_read_setting", 503, value=repr(mode),
                              modes=", ".join(MODES))
    has_header = "authorization" in request.headers
    if mode == "public" and not has_header:
        return None
    holder = tokens.bearer(store, _token(request))
    if holder is not None and holder.can("read"):
        return None
    reason = "missing" if not has_header else "invalid"
    _note(store, request, reason)
    return message_answer(f"api.token_{reason}", 401, CHALLENGE)
