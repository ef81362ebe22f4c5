"""The browser's side of a dashboard sign-in, as a page run sees it: the request the
page's connection was opened with (its cookies, its X-Forwarded-For, the peer's
address), the session its `vx_session` cookie names, the client's address for the
lockout, and sending the browser to the sign-in routes (ui.session_routes).

Streamlit reads cookies and headers when the page's websocket connects, so a cookie set
or cleared later counts from the next page load; the tab that signs in knows its
session by the row id it keeps meanwhile (ui.auth_gate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import streamlit as st

from data.config import clients
from data.store import sessions
from data.store.accounts import User
from ui.session_routes import SESSION_PATH, SIGN_OUT_PATH, safe_next, url_path


@dataclass(frozen=True)
class Request:
    cookies: Mapping[str, str]
    forwarded_for: tuple[str, ...]  # the X-Forwarded-For header values, as sent
    peer: str | None  # the connection's address; None from this machine (loopback)


def request() -> Request:
    """What the browser sent when this page connected (AppTest sends nothing)."""
    return Request(dict(st.context.cookies), tuple(st.context.headers.get_all("X-Forwarded-For")),
                   st.context.ip_address)


def client_address() -> str | None:
    """The client's address for the lockout (data.config.clients), None if not known."""
    req = request()
    return clients.client_address(req.peer, req.forwarded_for, clients.trusted_proxies())


def check() -> None:
    """Refuse misconfigured sessions up front (zones.problems.Unsaid, said in the sidebar):
    a bad lifetime, a bad proxy list, a short or unreadable key."""
    sessions.lifetime()
    clients.trusted_proxies()
    sessions.configured_secret()


def cookie_session(store) -> tuple[int, User] | None:
    """The live session the browser's cookie names, if it is signed with our key."""
    cookie = request().cookies.get(sessions.COOKIE)
    key = sessions.secret(store, create=False) if cookie else None
    sid = sessions.verify(key, cookie) if key else None
    return None if sid is None else sessions.user_of(store, sid=sid)


def here() -> str:
    """The page's path and query (a map's day and view), to come back to after a
    sign-in route."""
    parts = urlsplit(st.context.url or "")
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))


def session_url(token: str) -> str:
    return f"{url_path(SESSION_PATH)}?{urlencode({'token': token, 'next': here()})}"


def sign_out_url() -> str:
    return f"{url_path(SIGN_OUT_PATH)}?{urlencode({'next': here()})}"


def go(url: str) -> None:
    """Send the browser to `url` on this site, as st.login sends it to the provider (the
    frontend's redirect message: no script is put into the page)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        msg = ForwardMsg()
        msg.auth_redirect.url = url
        ctx.enqueue(msg)
