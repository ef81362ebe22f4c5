"""The dashboard with accounts, for the AppTest tests of tests/ui/test_app_auth*.py: the
demo store in local mode and with one account of each role (fixtures, loaded as a pytest
plugin by tests/conftest.py), and the clicks, sign-ins and reads those tests repeat."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data.store import accounts as auth
from data.store.database import Store
from tests.support.apptest import TIMEOUT, goto
from tests.support.browser import ROOT
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
def local(demo, monkeypatch) -> str:
    """The small demo city with no account: local mode (a private copy, see apptest.demo).
    Failed sign-ins do not wait here: the delay itself is not under test."""
    monkeypatch.setattr(auth_gate, "FAIL_DELAY", 0.0)
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


def app(monkeypatch, url: str, path: str | None = None) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    return goto(at, path) if path else at


def click(at: AppTest, label: str, sidebar: bool = False) -> AppTest:
    return next(b for b in (at.sidebar if sidebar else at).button
                if b.label == label).click().run()


def sign_in(at: AppTest, name: str, password: str = PW, label: str = "Đăng nhập") -> AppTest:
    at.sidebar.text_input(key="auth_name").set_value(name)
    at.sidebar.text_input(key="auth_password").set_value(password)
    return click(at, label, sidebar=True)


def sign_out(at: AppTest) -> AppTest:
    return click(at, "Đăng xuất", sidebar=True)


def texts(at: AppTest) -> str:
    """Every message, caption and markdown the run shows, as one text."""
    parts = [e.value for kind in ("error", "warning", "info", "success", "caption", "markdown")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def read(url: str, what):
    """what(store) on a store opened for the purpose (the app has its own)."""
    store = Store(url)
    try:
        return what(store)
    finally:
        store.dispose()


def downloads(at: AppTest) -> list:
    return at.get("download_button")


def audit_title(at: AppTest) -> list:
    return [h for h in at.subheader if "Nhật ký kiểm tra" in h.value]


@pytest.fixture
def accounts_dashboard(accounts, tmp_path):
    """`streamlit run app.py` on the store with accounts: (base URL, store URL), its
    unexpected errors logged in tmp_path."""
    from tests.support.browser import ARTIFACTS, streamlit_process

    ARTIFACTS.mkdir(exist_ok=True)
    env = {"VUNGXANH_LOG_FILE": str(tmp_path / "vungxanh.log")}
    with streamlit_process(accounts, ARTIFACTS / "streamlit-sign-in.log", env=env) as (
            _proc, base, _start):
        yield base, accounts
