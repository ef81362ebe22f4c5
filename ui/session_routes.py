"""The two HTTP routes of the dashboard's sign-in, served beside Streamlit's own by
app.py's `st.App` (a script cannot set an HTTP-only cookie):

- `/account/session?token=…&next=/page` swaps a sign-in's one-time token
  (data.store.sessions) for the cookie `vx_session` (HttpOnly, SameSite=Lax, Secure
  over HTTPS, for the session's remaining lifetime) and sends the browser back to `next`;
- `/account/signout?next=/page` clears that cookie (the session row was already revoked
  by the sidebar's sign-out button, which is what ends it in every tab).

`next` must be a path on this site, or the browser goes to the start page instead: the
routes send nobody elsewhere. Neither answer is cached, nor sends a Referer.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import streamlit as st
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from data.config import clients, settings
from data.store import sessions
from data.store.database import Store
from zones.problems import Unsaid

SESSION_PATH, SIGN_OUT_PATH = "/account/session", "/account/signout"


def url_path(path: str) -> str:
    """`path` (from /) under Streamlit's server.baseUrlPath, where the routes and the
    cookie live."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{path}" if base else path


def safe_next(value: str | None) -> str:
    """A path on this site to go back to (`/upload`), or the start page for anything else:
    another site (`//evil.example`, `https://…`), a backslash, control characters."""
    ok = (value and value.startswith("/") and not value.startswith("//")
          and "\\" not in value and value.isprintable())
    return value if ok else url_path("/")


@cache
def _store(url: str) -> Store:
    return Store(url)


def _https(request: Request) -> bool:
    """Whether the browser asked over HTTPS: directly, or through a trusted proxy that
    says so (X-Forwarded-Proto)."""
    if request.url.scheme in ("https", "wss"):
        return True
    peer = clients.ip(request.client.host if request.client else None)
    forwarded = request.headers.get("x-forwarded-proto", "").strip().lower()
    try:
        trusted = peer is not None and clients.is_trusted(peer, clients.trusted_proxies())
    except Unsaid:
        trusted = False
    return trusted and forwarded == "https"


def _back(request: Request) -> RedirectResponse:
    out = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    out.headers["Cache-Control"] = "no-store"
    out.headers["Referrer-Policy"] = "no-referrer"
    return out


def start_session(request: Request) -> RedirectResponse:
    out = _back(request)
    store = _store(settings.database_url(legacy=True))
    try:
        got = sessions.redeem(store, request.query_params.get("token"))
        key = sessions.secret(store) if got else None
    except Unsaid:  # misconfigured: the sidebar says so on the page it goes back to
        return out
    if got:
        sid, ends = got
        seconds = int((ends - dt.datetime.now(dt.UTC)).total_seconds())
        out.set_cookie(sessions.COOKIE, sessions.sign(key, sid), max_age=max(seconds, 0),
                       path=url_path("/"), httponly=True, samesite="lax",
                       secure=_https(request))
    return out


def end_session(request: Request) -> RedirectResponse:
    out = _back(request)
    out.delete_cookie(sessions.COOKIE, path=url_path("/"), httponly=True, samesite="lax",
                      secure=_https(request))
    return out


def routes() -> list[Route]:
    return [Route(url_path(SESSION_PATH), start_session, methods=["GET"]),
            Route(url_path(SIGN_OUT_PATH), end_session, methods=["GET"])]
