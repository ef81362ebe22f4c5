"""The dashboard's other sign-in modes (issue #9, Trust): local mode (no accounts) says
so; OpenID Connect names the account by e-mail; a failing page shows a reference id, never
a traceback; the OpenID Connect round trip in Chromium against a mock provider."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import TIMEOUT, goto
from tests.support.auth_app import (
    OIDC_SECRETS,
    app,
    audit_title,
    downloads,
    texts,
)
from tests.support.browser import ROOT, chromium_session, free_port, wait_healthy

# ---- local mode, OpenID Connect, errors -------------------------------------------------------


def test_local_mode_says_so_and_keeps_everything_open(monkeypatch, local):
    at = app(monkeypatch, local, "upload")
    assert not at.exception and at.file_uploader
    assert "Chế độ cục bộ" in texts(at) and "python cli.py user add" in texts(at)
    assert not [t for t in at.sidebar.text_input if t.key == "auth_password"]
    at = goto(at, "schedule")
    assert len(downloads(at)) == 3
    assert audit_title(goto(at, "history"))


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
    assert "Đã đăng nhập: `lan@example.org` · người báo cáo" in texts(at)


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
    from ui.pages import today as first_page

    log_file = tmp_path / "vungxanh.log"
    monkeypatch.setenv("VUNGXANH_LOG_FILE", str(log_file))
    monkeypatch.setattr(logging.getLogger("vungxanh"), "handlers", [])

    def broken(store, lang):
        raise RuntimeError("secret detail at /srv/vungxanh/data.db")

    monkeypatch.setattr(first_page, "render", broken)
    at = app(monkeypatch, local)
    try:
        assert not at.exception  # no Streamlit exception box
        assert len(at.error) == 1 and "Mã tham chiếu" in at.error[0].value
        ref = at.error[0].value.split("Mã tham chiếu: ")[1].split(".")[0]
        shown = texts(at)
        assert "secret detail" not in shown and "Traceback" not in shown
        assert "RuntimeError" not in shown
        logged = log_file.read_text(encoding="utf-8")
        assert f"incident {ref}" in logged and "Traceback" in logged
        assert "secret detail" in logged and "broken" in logged
        assert at.title[0].value == "Tổng quan"  # the rest of the app still draws
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
