"""Two dashboard replicas behind nginx on one PostgreSQL store (issue #21; README
"Deployment and security", "Many replicas"), in Debian's Chromium: a reporter signs in
through nginx and uploads a zone file on replica 1; a reader on replica 2 sees the new
level and note after a reload. nginx keeps each browser on its replica by the vx_route
cookie: the sign-in, the upload (a separate HTTP request that must reach the process
holding the session) and every WebSocket of a browser go to the same replica, which the
test reads from nginx's access log. Without nginx the test skips (fails under CI)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from data.store import accounts as auth
from data.store.database import Store
from tests.support.auth_app import PW
from tests.support.browser import ARTIFACTS, END, chromium_session, demo_store
from tests.support.replicas import COOKIE, UPSTREAM_HEADER, probe, replicas, require_nginx
from zones.levels import label

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
WARD = "90003"
NOTE = "Tổ 3 đổi cấp qua bản sao 1"
STREAM = "/_stcore/stream"
LEVEL_CELL = 0  # the table's first cell after the name (a th): the level


@pytest.fixture(scope="module")
def chromium():
    require_nginx()  # before starting a browser for nothing
    yield from chromium_session()


def _city(url: str) -> tuple[str, str]:
    """The small demo city on `url` with reporter `lan` for WARD: (a block of WARD, the
    level an upload gives it, unlike the one it has on END)."""
    store = demo_store(url)
    try:
        auth.add_user(store, "lan", "reporter", PW, wards=[WARD], actor="setup")
        now = store.reports(date_from=END, date_to=END, ward_codes=[WARD])
        row = now[now["block_code"] != ""].sort_values("block_code").iloc[0]
        return row["block_code"], "xanh" if row["level"] == "do" else "do"
    finally:
        store.dispose()


def _file(block: str, level: str) -> bytes:
    text = {"do": "đỏ", "xanh": "xanh"}[level]
    return (f"ngày,mã phường,mã tổ,cấp độ,ghi chú\n"
            f"{END:%d/%m/%Y},{WARD},{block},{text},{NOTE}\n").encode()


def _settled(page) -> None:
    page.wait_for_function("""() => !document.querySelector(
        '[data-testid="stStatusWidgetRunningIcon"], [data-stale="true"], '
        + '[data-testid="stSkeleton"]')""")


def _page(context, address: str):
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    response = page.goto(address)
    return page, response.headers.get(UPSTREAM_HEADER.lower())


def _context_on(chromium, base: str, upstream: str, tries: int = 30):
    """A browser context that nginx itself routed to `upstream`: a fresh context's first
    request has no cookie, nginx hashes its request id and sets that as the cookie; a
    context sent elsewhere is closed and another tried. (context, its cookie)."""
    for _ in range(tries):
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        answer = context.request.get(f"{base}/_stcore/health")
        cookie = {c["name"]: c["value"] for c in context.cookies()}.get(COOKIE)
        if answer.headers.get(UPSTREAM_HEADER.lower()) == upstream and cookie:
            return context, cookie
        context.close()
    raise AssertionError(f"nginx sent {tries} fresh browsers elsewhere than {upstream}")


def _logged(r, cookies: list[str], timeout: float = 15) -> dict[str, list[dict]]:
    """Each cookie's requests in nginx's access log, once each has a closed WebSocket
    (logged when it closes), with the cookie-less first request that set it."""
    deadline = time.monotonic() + timeout
    while True:
        lines = r.requests()
        found = {c: [x for x in lines if x["route"] == c] for c in cookies}
        if all(any(x["uri"].startswith(STREAM) for x in v) for v in found.values()):
            return found
        if time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _upstreams(lines: list[dict]) -> set[str]:
    return {x["upstream"] for x in lines}


def _first_visits_are_routed_by_their_cookie(r) -> None:
    """A browser's first request has no cookie: nginx picks by its request id and sets that
    id as the cookie, which then keeps every next request on the same replica."""
    for _ in range(4):
        first, set_cookie = probe(r.base)
        route = set_cookie.split(";")[0].removeprefix(f"{COOKIE}=")
        assert set_cookie.endswith("Path=/; HttpOnly; SameSite=Lax") and route
        assert probe(r.base, route) == (first, None)  # followed, and not set again


def _reporter_on_one(chromium, r, expect):
    """Browser A: a cookie nginx's hash sends to replica 1, set before the first visit;
    a guest there, then signed in as the reporter. (context, page, route)."""
    route_a = r.route_to(0)
    a = chromium.new_context(viewport={"width": 1280, "height": 900})
    a.add_cookies([{"name": COOKIE, "value": route_a, "url": r.base}])
    page_a, served = _page(a, f"{r.base}/upload")
    assert served == r.upstreams[0]
    expect(page_a.get_by_role("heading", name="Tải tệp báo cáo")).to_be_visible()
    expect(page_a.get_by_text("Trang này cần vai trò", exact=False)).to_be_visible()
    expect(page_a.locator('[data-testid="stFileUploader"]')).to_have_count(0)  # a guest
    sidebar = page_a.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("Tên đăng nhập").fill("lan")
    sidebar.get_by_label("Mật khẩu").fill(PW)
    sidebar.get_by_role("button", name="Đăng nhập").click()
    expect(sidebar.get_by_text("Đã đăng nhập: lan · người báo cáo")).to_be_visible()
    return a, page_a, route_a


def _reader_on_two(chromium, r, block: str, level: str, expect):
    """Browser B: routed to replica 2 by nginx itself; the table before the upload.
    (context, page, route)."""
    b, route_b = _context_on(chromium, r.base, r.upstreams[1])
    page_b, served = _page(b, f"{r.base}/table?date={END}")
    assert served == r.upstreams[1]
    row_b = page_b.locator("table.vx-table tbody tr", has_text=f"{WARD}/{block}")
    expect(row_b).to_have_count(1)
    expect(row_b.locator("td").nth(LEVEL_CELL)).not_to_contain_text(label(level, "vi"))
    expect(row_b).not_to_contain_text(NOTE)
    return b, page_b, route_b


def _upload_on_one(page_a, pg_url: str, block: str, level: str, expect) -> None:
    """Replica 1 stores the upload (the file reaches it by a PUT beside the WebSocket)."""
    page_a.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": "qua-nginx.csv", "mimeType": "text/csv", "buffer": _file(block, level)})
    expect(page_a.get_by_text("Tệp hợp lệ: 1 dòng")).to_be_visible()
    expect(page_a.get_by_text("Sẽ được ghi dưới tên tài khoản: lan")).to_be_visible()
    page_a.get_by_role("button", name="Lưu").click()
    expect(page_a.get_by_text("Đã lưu:", exact=False)).to_be_visible()
    _settled(page_a)
    page_a.screenshot(path=str(ARTIFACTS / "replicas-upload-on-1.png"))
    store = Store(pg_url)
    last = store.uploads().iloc[-1]
    store.dispose()
    assert (last["user_name"], last["file_name"], last["outcome"]) == (
        "lan", "qua-nginx.csv", "accepted")


def _seen_on_two(page_b, block: str, level: str, expect) -> None:
    """Replica 2 shows it: same store, its own process and caches."""
    page_b.reload()
    row_b = page_b.locator("table.vx-table tbody tr", has_text=f"{WARD}/{block}")
    expect(row_b).to_contain_text(NOTE)
    expect(row_b.locator("td").nth(LEVEL_CELL)).to_contain_text(label(level, "vi"))
    _settled(page_b)
    page_b.screenshot(path=str(ARTIFACTS / "replicas-seen-on-2.png"))


def _each_browser_kept_its_replica(r, route_a: str, route_b: str, where: Path) -> None:
    one, two = r.upstreams
    logged = _logged(r, [route_a, route_b])
    for name, route, upstream in (("A", route_a, one), ("B", route_b, two)):
        lines = logged[route]
        assert _upstreams(lines) == {upstream}, f"browser {name} left its replica"
        sockets = [x for x in lines if x["uri"].startswith(STREAM)]
        assert sockets and {x["status"] for x in sockets} == {"101"}, sockets
    uploads = [x for x in logged[route_a] if x["uri"].startswith("/_stcore/upload_file")]
    assert {x["method"] for x in uploads} >= {"PUT"}
    assert logged[route_b][0]["cookie"] == ""  # B's first: no cookie yet
    assert {x["cookie"] for x in logged[route_b][1:]} == {route_b}
    for i in (1, 2):
        errors = where / f"replica-{i}-errors.log"
        assert not errors.exists() or not errors.read_text(encoding="utf-8").strip()


def test_upload_on_one_replica_shows_on_the_other(chromium, pg_url, tmp_path):
    from playwright.sync_api import expect

    block, level = _city(pg_url)
    ARTIFACTS.mkdir(exist_ok=True)
    with replicas(pg_url, tmp_path) as r:
        _first_visits_are_routed_by_their_cookie(r)
        a, page_a, route_a = _reporter_on_one(chromium, r, expect)
        b, page_b, route_b = _reader_on_two(chromium, r, block, level, expect)
        _upload_on_one(page_a, pg_url, block, level, expect)
        _seen_on_two(page_b, block, level, expect)
        a.close()
        b.close()  # closes the WebSockets, which nginx logs then
        _each_browser_kept_its_replica(r, route_a, route_b, tmp_path)
