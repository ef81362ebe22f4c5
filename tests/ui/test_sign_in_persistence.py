"""A dashboard sign-in that survives a reload and a new tab, and a lockout a reload does
not reset (issue #21, finding 4). In AppTest, with the browser's request (cookies,
headers, peer) given by the test and the sign-in routes' handlers called with the
request the browser would send. The round trip in Chromium is test_sign_in_browser.py."""

from __future__ import annotations

import datetime as dt
from http.cookies import SimpleCookie
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.requests import Request

from data.store import lockout, sessions
from tests.support.apptest import count_rows
from tests.support.auth_app import app, read, sign_in, sign_out, texts
from ui import session_routes, web_session

SIGNED_IN = "Đã đăng nhập: `lan` · người báo cáo"
LOCKED = "Đăng nhập sai quá nhiều lần"


@pytest.fixture
def browser(monkeypatch):
    """What the "browser" sends with each new page (`.cookies`, `.forwarded`, `.peer`)
    and where the dashboard sent it (`.sent`: the URLs of web_session.go)."""
    b = SimpleNamespace(cookies={}, forwarded=(), peer=None, sent=[])
    monkeypatch.setattr(web_session, "request", lambda: web_session.Request(
        dict(b.cookies), tuple(b.forwarded), b.peer))
    monkeypatch.setattr(web_session, "go", b.sent.append)
    yield b
    session_routes._store.cache_clear()  # the routes' store of this test's database


def _route(url: str, https: bool = False):
    """Follow one of the dashboard's redirects to a sign-in route, as the browser does:
    the response of the route app.py serves at that path."""
    parts = urlsplit(url)
    (route,) = [r for r in session_routes.routes() if r.path == parts.path]
    return route.endpoint(Request({
        "type": "http", "method": "GET", "path": parts.path, "headers": [],
        "query_string": parts.query.encode(), "scheme": "https" if https else "http",
        "server": ("testserver", 443 if https else 80), "client": ("127.0.0.1", 50000)}))


def _cookie(response) -> tuple[str, dict]:
    morsel = SimpleCookie(response.headers["set-cookie"])[sessions.COOKIE]
    header = response.headers["set-cookie"].lower()
    return morsel.value, {"max-age": morsel["max-age"], "path": morsel["path"],
                          "httponly": "httponly" in header, "secure": "secure" in header,
                          "samesite": morsel["samesite"].lower()}


def _signed_in_browser(monkeypatch, accounts, browser) -> str:
    """Sign in as lan, follow the redirect to the route: the cookie it sets."""
    at = sign_in(app(monkeypatch, accounts, "upload"), "lan")
    assert SIGNED_IN in texts(at) and at.file_uploader
    (url,) = browser.sent
    assert urlsplit(url).path == "/account/session" and parse_qs(urlsplit(url).query)["token"]
    response = _route(url)
    assert response.status_code == 303 and response.headers["location"] == "/"
    value, attrs = _cookie(response)
    assert 8 * 3600 - 10 < int(attrs.pop("max-age")) <= 8 * 3600
    assert attrs == {"path": "/", "httponly": True, "secure": False, "samesite": "lax"}
    assert _route(url).headers.get("set-cookie") is None  # the token is used up
    return value


# ---- AppTest ---------------------------------------------------------------------------


def test_a_reload_keeps_the_sign_in_and_a_new_tab_shares_it(monkeypatch, accounts, browser):
    browser.cookies = {sessions.COOKIE: _signed_in_browser(monkeypatch, accounts, browser)}
    reloaded = app(monkeypatch, accounts, "upload")  # a new page: a new Streamlit session
    assert not reloaded.exception and SIGNED_IN in texts(reloaded) and reloaded.file_uploader
    tab = app(monkeypatch, accounts, "schedule")
    assert SIGNED_IN in texts(tab) and not tab.sidebar.error


def test_signing_out_ends_the_session_in_every_tab(monkeypatch, accounts, browser):
    browser.cookies = {sessions.COOKIE: _signed_in_browser(monkeypatch, accounts, browser)}
    tab1, tab2 = app(monkeypatch, accounts), app(monkeypatch, accounts, "upload")
    assert SIGNED_IN in texts(tab2)
    browser.sent.clear()
    tab1 = sign_out(tab1)
    assert SIGNED_IN not in texts(tab1)
    (url,) = browser.sent
    assert urlsplit(url).path == "/account/signout"
    cleared = _route(url)
    assert cleared.status_code == 303 and _cookie(cleared)[1]["max-age"] == "0"
    tab2 = tab2.run()  # its next click: the same old cookie, the session revoked
    assert not tab2.exception and SIGNED_IN not in texts(tab2) and not tab2.file_uploader
    assert tab2.sidebar.text_input(key="auth_password").value == ""


def test_a_forged_or_expired_cookie_is_refused_quietly(monkeypatch, accounts, browser):
    value = _signed_in_browser(monkeypatch, accounts, browser)
    sid, _, mac = value.partition(".")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=9)

    def expired(store):
        _row, token = sessions.start(store, "lan", now=past)
        return sessions.sign(sessions.secret(store), sessions.redeem(store, token, now=past)[0])

    for cookie in (f"{sid[:-1]}{'A' if sid[-1] != 'A' else 'B'}.{mac}",  # another id
                   sessions.sign(b"not the key" * 4, sid),  # signed with another key
                   "junk", read(accounts, expired)):
        browser.cookies = {sessions.COOKIE: cookie}
        at = app(monkeypatch, accounts, "upload")
        assert not at.exception and not at.sidebar.error and not at.error
        assert SIGNED_IN not in texts(at) and not at.file_uploader
        assert at.sidebar.text_input(key="auth_password").value == ""


def test_reading_pages_writes_nothing_and_a_failing_store_gives_a_reference(
        monkeypatch, accounts, browser):
    tables = ("auth_sessions", "auth_failures", "auth_secrets")
    app(monkeypatch, accounts, "table")
    browser.cookies = {sessions.COOKIE: "A" * 43 + ".forged"}
    at = app(monkeypatch, accounts, "upload")
    assert not at.exception and [count_rows(accounts, t) for t in tables] == [0, 0, 0]

    def broken(*args, **kwargs):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(lockout, "begin_attempt", broken)
    at = sign_in(at, "lan")
    assert not at.exception and "Mã tham chiếu" in at.sidebar.error[0].value
    assert "disk" not in texts(at) and SIGNED_IN not in texts(at)


def test_the_cookie_is_secure_over_https(monkeypatch, accounts, browser):
    sign_in(app(monkeypatch, accounts), "lan")
    assert _cookie(_route(browser.sent[0], https=True))[1]["secure"]


def test_the_route_sends_nobody_to_another_site():
    for bad in ("//evil.example/x", "https://evil.example", "/\\evil.example", "x", None,
                "/a\nb"):
        assert session_routes.safe_next(bad) == "/"
    assert session_routes.safe_next("/upload") == "/upload"


def _fail(monkeypatch, url, name, times=1):
    for _ in range(times):
        at = sign_in(app(monkeypatch, url), name, "wrong guess")  # a reload before each
    return at


def test_the_lockout_outlives_a_reload(monkeypatch, accounts, browser):
    at = _fail(monkeypatch, accounts, "lan", 5)
    assert LOCKED in texts(at)
    at = sign_in(app(monkeypatch, accounts, "upload"), "lan")  # reloaded, right password
    assert LOCKED in texts(at) and SIGNED_IN not in texts(at) and not browser.sent
    assert "Đã đăng nhập: `cuong`" in texts(sign_in(app(monkeypatch, accounts), "cuong"))


def test_the_lockout_counts_by_client_address(monkeypatch, accounts, browser):
    browser.peer = "203.0.113.9"
    for i in range(5):
        _fail(monkeypatch, accounts, f"guess{i}")
    at = app(monkeypatch, accounts)
    assert LOCKED in texts(at) and not [t for t in at.sidebar.text_input
                                        if t.key == "auth_password"]
    browser.peer = "203.0.113.10"
    assert SIGNED_IN in texts(sign_in(app(monkeypatch, accounts), "lan"))


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(monkeypatch, accounts, browser):
    browser.peer, browser.forwarded = "10.0.0.1", ("198.51.100.1",)
    for i in range(5):  # the proxy is not trusted: its own address is counted
        _fail(monkeypatch, accounts, f"guess{i}")
    browser.forwarded = ("198.51.100.2",)  # anyone else behind it is locked out too
    assert LOCKED in texts(app(monkeypatch, accounts))
    monkeypatch.setenv("VUNGXANH_TRUSTED_PROXIES", "10.0.0.0/8")  # now it is
    for i in range(5):
        _fail(monkeypatch, accounts, f"other{i}")  # from 198.51.100.2
    assert LOCKED in texts(app(monkeypatch, accounts))
    browser.forwarded = ("6.6.6.6, 198.51.100.2",)  # what a client says of itself is
    assert LOCKED in texts(app(monkeypatch, accounts))  # not believed, only the proxy
    browser.forwarded = ("198.51.100.3",)
    at = sign_in(app(monkeypatch, accounts), "lan")
    assert LOCKED not in texts(at) and SIGNED_IN in texts(at)


def test_misconfigured_sessions_switch_sign_in_off_and_say_why(monkeypatch, accounts,
                                                               browser):
    for name, value, says in (("VUNGXANH_SESSION_SECRET", "short", "VUNGXANH_SESSION_SECRET"),
                              ("VUNGXANH_SESSION_HOURS", "soon", "VUNGXANH_SESSION_HOURS"),
                              ("VUNGXANH_TRUSTED_PROXIES", "gateway", "'gateway'")):
        with monkeypatch.context() as m:
            m.setenv(name, value)
            at = app(m, accounts)
            assert not at.exception and says in at.sidebar.error[0].value
            assert not [t for t in at.sidebar.text_input if t.key == "auth_password"]
            at.sidebar.radio(key="lang").set_value("en").run()
            assert "Sign-in is switched off" in at.sidebar.error[0].value
