"""The dashboard with accounts (issue #9, Trust), in Streamlit's AppTest: anyone reads
without signing in; uploads and the report form need a reporter (own wards only) or an
admin; schedule downloads and marks need a coordinator or admin; admins see the audit log;
a wrong sign-in says nothing about which part was wrong; OpenID Connect names the account
by e-mail; local mode (no accounts) says so; a failing page shows a reference id, never a
traceback."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from data.store import accounts as auth
from data.store.audit import entries
from data.store.database import Store
from tests.support.apptest import TIMEOUT, count_rows, goto
from tests.support.browser import ROOT, chromium_session, free_port, wait_healthy
from ui import auth_gate

PW = "correct horse battery"
OTHER_WARD_FILE = ("date,ward_code,block_code,level\n"
                   "2021-09-30,90003,TDP01,do\n2021-09-30,90004,TDP02,do\n")
OWN_WARD_FILE = "date,ward_code,block_code,level,note\n2021-09-30,90003,TDP03,đỏ,=mới\n"
OIDC_SECRETS = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                         "cookie_secret": "test-only", "client_id": "vungxanh",
                         "client_secret": "test-only",
                         "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}}


@pytest.fixture
def local(demo) -> str:
    """The small demo city with no account: local mode (tests.ui.test_app's private copy)."""
    return demo


@pytest.fixture
def accounts(local) -> str:
    """The same city with one account of each role; lan reports for ward 90003."""
    store = Store(local)
    for name, role, wards in (("quan", "admin", []), ("vy", "viewer", []),
                              ("lan", "reporter", ["90003"]), ("cuong", "coordinator", []),
                              ("lan@example.org", "reporter", ["90003"])):
        auth.add_user(store, name, role, PW, wards=wards, actor="setup")
    store.dispose()
    return local


@pytest.fixture(autouse=True)
def _quick_failures(monkeypatch):
    monkeypatch.setattr(auth_gate, "FAIL_DELAY", 0.0)  # the delay itself is not under test


def _app(monkeypatch, url: str, path: str | None = None) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    return goto(at, path) if path else at


def _click(at: AppTest, label: str, sidebar: bool = False) -> AppTest:
    return next(b for b in (at.sidebar if sidebar else at).button
                if b.label == label).click().run()


def _sign_in(at: AppTest, name: str, password: str = PW, label: str = "Đăng nhập") -> AppTest:
    at.sidebar.text_input(key="auth_name").set_value(name)
    at.sidebar.text_input(key="auth_password").set_value(password)
    return _click(at, label, sidebar=True)


def _sign_out(at: AppTest) -> AppTest:
    return _click(at, "Đăng xuất", sidebar=True)


def _texts(at: AppTest) -> str:
    """Every message, caption and markdown the run shows, as one text."""
    parts = [e.value for kind in ("error", "warning", "info", "success", "caption", "markdown")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def _read(url: str, what):
    """what(store) on a store opened for the purpose (the app has its own)."""
    store = Store(url)
    try:
        return what(store)
    finally:
        store.dispose()


def _downloads(at: AppTest) -> list:
    return at.get("download_button")


def _audit_title(at: AppTest) -> list:
    return [h for h in at.subheader if "Nhật ký kiểm tra" in h.value]


# ---- reading without signing in ---------------------------------------------------------


def test_anyone_reads_the_map_but_a_viewer_may_not_upload(monkeypatch, accounts):
    at = _app(monkeypatch, accounts)
    assert not at.exception and at.title[0].value == "Bản đồ"
    assert at.sidebar.text_input(key="auth_password").value == ""  # the sign-in form
    assert "chỉ đọc" in _texts(at)
    at = goto(at, "upload")
    assert not at.exception and not at.file_uploader
    assert "người báo cáo hoặc quản trị viên" in at.warning[0].value
    assert "khách" in at.warning[0].value and "đăng nhập" in at.warning[0].value
    at = _sign_in(at, "vy")
    assert not at.exception and not at.file_uploader
    assert "người xem" in at.warning[0].value  # signed in, still not a reporter
    at = goto(at, "report")  # the report form is refused as well
    assert not at.exception and not [s for s in at.selectbox if s.key == "report_ward"]


@pytest.mark.parametrize("path", ["table", "trends", "targets", "history", "periodic",
                                  "schedule"])
def test_read_only_pages_open_without_signing_in(monkeypatch, accounts, path):
    at = _app(monkeypatch, accounts, path)
    assert not at.exception, at.exception
    assert not [w for w in at.warning if "Trang này cần" in w.value]  # no page refusal


# ---- signing in ---------------------------------------------------------------------------


def test_wrong_name_or_password_gives_one_message(monkeypatch, accounts):
    at = _sign_in(_app(monkeypatch, accounts), "lan", "hunter2-wrong")
    assert [e.value for e in at.sidebar.error] == ["Tên đăng nhập hoặc mật khẩu không đúng."]
    assert "hunter2" not in _texts(at)
    assert at.session_state["auth_password"] == ""  # not kept in the session either
    assert at.sidebar.text_input(key="auth_password").value == ""
    assert at.sidebar.text_input(key="auth_name").value == "lan"  # kept, to try again
    for name, password in (("nobody", PW), ("", "")):  # unknown name, empty form
        at = _sign_in(at, name, password)
        assert [e.value for e in at.sidebar.error] == [
            "Tên đăng nhập hoặc mật khẩu không đúng."]
    _read(accounts, lambda s: auth.disable_user(s, "vy", actor="quan"))
    at = _sign_in(at, "vy")  # right password, disabled account: the same message
    assert [e.value for e in at.sidebar.error] == ["Tên đăng nhập hoặc mật khẩu không đúng."]
    at.sidebar.radio(key="lang").set_value("en").run()
    at = _sign_in(at, "lan", "wrong again", label="Sign in")
    assert [e.value for e in at.sidebar.error] == ["Wrong user name or password."]


def test_repeated_failures_lock_the_form(monkeypatch, accounts):
    monkeypatch.setattr(auth_gate, "MAX_FAILURES", 3)
    at = _app(monkeypatch, accounts)
    for _ in range(3):
        at = _sign_in(at, "lan", "guess")
    assert not [t for t in at.sidebar.text_input if t.key == "auth_password"]
    assert "Thử lại sau 5 phút" in at.sidebar.warning[0].value
    assert auth_gate.USER_KEY not in at.session_state


def test_sign_in_and_out(monkeypatch, accounts):
    at = _sign_in(_app(monkeypatch, accounts), "lan")
    assert not at.exception and not at.sidebar.error
    assert "Đã đăng nhập: `lan` · người báo cáo" in _texts(at)
    at = _sign_out(at)
    assert auth_gate.USER_KEY not in at.session_state
    assert at.sidebar.text_input(key="auth_password").value == ""


def test_a_disabled_account_loses_its_rights_at_the_next_click(monkeypatch, accounts):
    at = _sign_in(_app(monkeypatch, accounts, "upload"), "lan")
    assert at.file_uploader
    _read(accounts, lambda s: auth.disable_user(s, "lan", actor="quan"))
    at = at.run()
    assert not at.file_uploader and auth_gate.USER_KEY not in at.session_state


# ---- uploads and the report form ------------------------------------------------------------


def test_reporter_cannot_store_rows_for_another_ward(monkeypatch, accounts):
    at = _sign_in(_app(monkeypatch, accounts, "upload"), "lan")
    before = {t: count_rows(accounts, t) for t in ("zone_reports", "uploads", "audit_log")}
    at.file_uploader[0].set_value(("mixed.csv", OTHER_WARD_FILE.encode(), "text/csv")).run()
    assert not at.exception
    assert at.error and "lỗi" in at.error[0].value
    errors = at.dataframe[0].value
    refused = errors[errors["Dòng"] == "3"]
    assert len(refused) == 1 and "90004" in refused["Lý do"].iloc[0]
    assert "90003" in refused["Lý do"].iloc[0]  # says which wards are theirs
    assert not [b for b in at.button if b.label == "Lưu"]  # nothing to confirm
    assert {t: count_rows(accounts, t) for t in before} == before


def test_reporter_stores_their_own_ward_under_their_name(monkeypatch, accounts):
    at = _sign_in(_app(monkeypatch, accounts, "upload"), "lan")
    before = count_rows(accounts, "uploads")
    at.file_uploader[0].set_value(("own.csv", OWN_WARD_FILE.encode(), "text/csv")).run()
    assert at.success and not at.error
    assert not [t for t in at.text_input if t.key == "upload_user"]  # the account names it
    assert "lan" in _texts(at)
    assert not next(b for b in at.button if b.label == "Lưu").disabled
    at = _click(at, "Lưu")
    assert not at.exception and any("Đã lưu" in s.value for s in at.success)
    uploads = _read(accounts, Store.uploads)
    assert len(uploads) == before + 1
    assert (uploads.iloc[-1]["user_name"], uploads.iloc[-1]["file_name"]) == ("lan", "own.csv")
    log = _read(accounts, entries)
    assert (log.iloc[0]["actor"], log.iloc[0]["action"], log.iloc[0]["target"]) == (
        "lan", "upload.accepted", "own.csv")


def test_report_form_offers_only_the_reporters_wards(monkeypatch, accounts):
    at = _sign_in(_app(monkeypatch, accounts, "report"), "lan")
    assert not at.exception
    offered = at.selectbox(key="report_ward").options
    assert len(offered) == 1 and "90003" in offered[0]
    at = at.selectbox(key="report_ward").set_value("90003").run()
    key = "rf_90003_2021-09-30_"
    at.selectbox(key=key + "TDP03").set_value("phong_toa")
    assert not [t for t in at.text_input if t.key == "report_user"]
    at = _click(at, "Gửi báo cáo")
    assert not at.exception and any("Đã lưu" in s.value for s in at.success)
    last = _read(accounts, Store.uploads).iloc[-1]
    assert (last["channel"], last["user_name"]) == ("form", "lan")


def test_admin_may_upload_for_any_ward(monkeypatch, accounts):
    at = _sign_in(_app(monkeypatch, accounts, "upload"), "quan")
    at.file_uploader[0].set_value(("mixed.csv", OTHER_WARD_FILE.encode(), "text/csv")).run()
    assert not at.error and next(b for b in at.button if b.label == "Lưu")
    at = goto(at, "report")
    assert len(at.selectbox(key="report_ward").options) == 4  # every ward of the demo


# ---- schedule and audit log ---------------------------------------------------------------


def test_schedule_downloads_need_a_coordinator(monkeypatch, accounts):
    at = _app(monkeypatch, accounts, "schedule")
    assert not at.exception and at.dataframe  # the plan itself is public
    assert not _downloads(at) and not [b for b in at.button if b.label == "Đã lấy mẫu"]
    assert "điều phối viên hoặc quản trị viên" in _texts(at)
    at = _sign_in(at, "vy")
    assert not _downloads(at)
    at = _sign_in(_sign_out(at), "cuong")
    assert not at.exception and len(_downloads(at)) == 3
    assert not [t for t in at.text_input if t.label == "Người ghi nhận"]  # the account names it
    before = count_rows(accounts, "testing_rounds")
    at = _click(at, "Đã lấy mẫu")
    assert not at.exception and count_rows(accounts, "testing_rounds") == before + 1
    log = _read(accounts, entries)
    assert (log.iloc[0]["actor"], log.iloc[0]["action"]) == ("cuong", "rounds.record")


def test_admin_sees_the_audit_log(monkeypatch, accounts):
    at = _app(monkeypatch, accounts, "history")
    assert not _audit_title(at)
    at = _sign_in(at, "lan")
    assert not _audit_title(at)
    at = _sign_in(_sign_out(at), "quan")
    assert not at.exception
    assert [h for h in at.subheader if h.value == "Nhật ký kiểm tra (quản trị viên)"]
    log = at.dataframe[-1].value
    assert list(log.columns) == ["Thời điểm", "Người thực hiện", "Hành động", "Đối tượng",
                                 "Chi tiết"]
    assert {"user.add"} <= set(log["Hành động"]) and set(log["Người thực hiện"]) >= {"setup"}
    assert [d for d in _downloads(at) if "audit_download" in str(d.proto)]


# ---- local mode, OpenID Connect, errors -------------------------------------------------------


def test_local_mode_says_so_and_keeps_everything_open(monkeypatch, local):
    at = _app(monkeypatch, local, "upload")
    assert not at.exception and at.file_uploader
    assert "Chế độ cục bộ" in _texts(at) and "python cli.py user add" in _texts(at)
    assert not [t for t in at.sidebar.text_input if t.key == "auth_password"]
    at = goto(at, "schedule")
    assert len(_downloads(at)) == 3
    assert _audit_title(goto(at, "history"))


def _oidc_app(monkeypatch, url: str, path: str, user: dict) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets.update(OIDC_SECRETS)
    at.user = user
    return goto(at.run(), path)


def test_openid_connect_names_the_account_by_email(monkeypatch, accounts):
    at = _oidc_app(monkeypatch, accounts, "upload", {"is_logged_in": False})
    assert not at.exception and not at.file_uploader
    assert [b for b in at.sidebar.button if b.label == "Đăng nhập bằng tài khoản tổ chức"]
    assert not [t for t in at.sidebar.text_input if t.key == "auth_password"]
    at = _oidc_app(monkeypatch, accounts, "upload",
                   {"is_logged_in": True, "email": "Lan@Example.org", "email_verified": True})
    assert not at.exception and at.file_uploader
    assert "Đã đăng nhập: `lan@example.org` · người báo cáo" in _texts(at)


def test_openid_connect_without_an_account_or_unverified_reads_only(monkeypatch, accounts):
    at = _oidc_app(monkeypatch, accounts, "upload",
                   {"is_logged_in": True, "email": "stranger@example.org"})
    assert not at.exception and not at.file_uploader
    assert any("Chưa có tài khoản cho" in w.value for w in at.sidebar.warning)
    at = _oidc_app(monkeypatch, accounts, "upload",
                   {"is_logged_in": True, "email": "lan@example.org", "email_verified": False})
    assert not at.file_uploader
    assert any("chưa xác minh" in w.value for w in at.sidebar.warning)


def test_a_failing_page_shows_a_reference_not_a_traceback(monkeypatch, local, tmp_path):
    from ui.pages import map as map_page

    log_file = tmp_path / "vungxanh.log"
    monkeypatch.setenv("VUNGXANH_LOG_FILE", str(log_file))
    monkeypatch.setattr(logging.getLogger("vungxanh"), "handlers", [])

    def broken(store, lang):
        raise RuntimeError("secret detail at /srv/vungxanh/data.db")

    monkeypatch.setattr(map_page, "render", broken)
    at = _app(monkeypatch, local)
    try:
        assert not at.exception  # no Streamlit exception box
        assert len(at.error) == 1 and "Mã tham chiếu" in at.error[0].value
        ref = at.error[0].value.split("Mã tham chiếu: ")[1].split(".")[0]
        shown = _texts(at)
        assert "secret detail" not in shown and "Traceback" not in shown
        assert "RuntimeError" not in shown
        logged = log_file.read_text(encoding="utf-8")
        assert f"incident {ref}" in logged and "Traceback" in logged
        assert "secret detail" in logged and "broken" in logged
        assert at.title[0].value == "Bản đồ"  # the rest of the app still draws
    finally:
        for h in logging.getLogger("vungxanh").handlers:
            h.close()


@pytest.fixture
def oidc_provider():
    """oidc-provider-mock on a free port: needs it and Authlib (streamlit[auth]), which
    requirements-dev.txt may not hold, so the test skips without them."""
    pytest.importorskip("authlib")
    mock = pytest.importorskip("oidc_provider_mock")
    httpx = pytest.importorskip("httpx")
    with mock.run_server_in_thread() as server:
        base = f"http://{server.host}:{server.server_port}"
        assert httpx.put(f"{base}/users/lan", json={
            "email": "lan@example.org", "email_verified": True}).status_code == 204
        yield base


@pytest.fixture
def chromium():
    yield from chromium_session()


@pytest.mark.browser
@pytest.mark.slow
def test_openid_connect_round_trip_with_a_mock_provider(accounts, oidc_provider, chromium,
                                                        tmp_path):
    """st.login in Debian's Chromium: the provider's e-mail address signs the reporter in,
    the upload page opens; after sign-out it is refused again."""
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in {
        "redirect_uri": f"http://127.0.0.1:{port}/oauth2callback",
        "cookie_secret": "test-only", "client_id": "vungxanh", "client_secret": "test",
        "server_metadata_url": f"{oidc_provider}/.well-known/openid-configuration"}.items()))
    with _server(accounts, port, secrets, tmp_path / "app.log") as base:
        page = chromium.new_page()
        page.goto(f"{base}/upload")
        page.get_by_text("Trang này cần").wait_for(timeout=60_000)
        page.get_by_role("button", name="Đăng nhập bằng tài khoản tổ chức").click()
        page.get_by_placeholder("sub").fill("lan")
        page.get_by_role("button", name="Authorize").click()
        page.get_by_text("Đã đăng nhập").wait_for(timeout=60_000)
        page.goto(f"{base}/upload")
        page.locator("[data-testid=stFileUploader]").wait_for(timeout=60_000)
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_url(f"{oidc_provider}/**", timeout=30_000)  # the provider's sign-out
        page.goto(f"{base}/upload")
        page.get_by_text("Trang này cần").wait_for(timeout=60_000)


@contextlib.contextmanager
def _server(db_url: str, port: int, secrets, log):
    """`streamlit run app.py` with the given secrets file (browser_harness's server takes
    no secrets)."""
    env = {**os.environ, "DATABASE_URL": db_url, "VUNGXANH_LOG_FILE": str(log)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
           "--server.headless", "true", "--server.port", str(port), "--server.address",
           "127.0.0.1", "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets)]
    with (log.parent / "streamlit.out").open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_healthy(base, proc, 60)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)
