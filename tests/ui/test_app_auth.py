"""The dashboard with accounts (issue #9, Trust), in Streamlit's AppTest, by role: anyone
reads without signing in; a wrong sign-in says nothing about which part was wrong; uploads
and the report form need a reporter (own wards only) or an admin; schedule downloads and
marks need a coordinator or admin; admins see the audit log."""

from __future__ import annotations

import pytest

from data.store import accounts as auth
from data.store import lockout
from data.store.audit import entries
from data.store.database import Store
from tests.support.apptest import count_rows, goto
from tests.support.auth_app import (
    OTHER_WARD_FILE,
    OWN_WARD_FILE,
    PW,
    app,
    audit_title,
    click,
    downloads,
    read,
    sign_in,
    sign_out,
    texts,
)
from ui import auth_gate

# ---- reading without signing in ---------------------------------------------------------


def test_anyone_reads_the_first_page_but_a_viewer_may_not_upload(monkeypatch, accounts):
    at = app(monkeypatch, accounts)
    assert not at.exception and at.title[0].value == "Tổng quan"
    assert at.sidebar.text_input(key="auth_password").value == ""  # the sign-in form
    assert "chỉ đọc" in texts(at)
    at = goto(at, "upload")
    assert not at.exception and not at.file_uploader
    assert "người báo cáo hoặc quản trị viên" in at.warning[0].value
    assert "khách" in at.warning[0].value and "đăng nhập" in at.warning[0].value
    at = sign_in(at, "vy")
    assert not at.exception and not at.file_uploader
    assert "người xem" in at.warning[0].value  # signed in, still not a reporter
    at = goto(at, "report")  # the report form is refused as well
    assert not at.exception and not [s for s in at.selectbox if s.key == "report_ward"]


@pytest.mark.parametrize("path", ["table", "trends", "targets", "history", "periodic",
                                  "schedule"])
def test_read_only_pages_open_without_signing_in(monkeypatch, accounts, path):
    at = app(monkeypatch, accounts, path)
    assert not at.exception, at.exception
    assert not [w for w in at.warning if "Trang này cần" in w.value]  # no page refusal


# ---- signing in ---------------------------------------------------------------------------


def test_wrong_name_or_password_gives_one_message(monkeypatch, accounts):
    at = sign_in(app(monkeypatch, accounts), "lan", "hunter2-wrong")
    assert [e.value for e in at.sidebar.error] == ["Tên đăng nhập hoặc mật khẩu không đúng."]
    assert "hunter2" not in texts(at)
    assert at.session_state["auth_password"] == ""  # not kept in the session either
    assert at.sidebar.text_input(key="auth_password").value == ""
    assert at.sidebar.text_input(key="auth_name").value == "lan"  # kept, to try again
    for name, password in (("nobody", PW), ("", "")):  # unknown name, empty form
        at = sign_in(at, name, password)
        assert [e.value for e in at.sidebar.error] == [
            "Tên đăng nhập hoặc mật khẩu không đúng."]
    read(accounts, lambda s: auth.disable_user(s, "vy", actor="quan"))
    at = sign_in(at, "vy")  # right password, disabled account: the same message
    assert [e.value for e in at.sidebar.error] == ["Tên đăng nhập hoặc mật khẩu không đúng."]
    at.sidebar.radio(key="lang").set_value("en").run()
    at = sign_in(at, "lan", "wrong again", label="Sign in")
    assert [e.value for e in at.sidebar.error] == ["Wrong user name or password."]


def test_repeated_failures_lock_the_form(monkeypatch, accounts):
    monkeypatch.setattr(lockout, "MAX_FAILURES", 3)
    at = app(monkeypatch, accounts)
    for _ in range(3):
        at = sign_in(at, "lan", "guess")
    assert not [t for t in at.sidebar.text_input if t.key == "auth_password"]
    assert "Thử lại sau 5 phút" in at.sidebar.warning[0].value
    assert auth_gate.USER_KEY not in at.session_state


def test_sign_in_and_out(monkeypatch, accounts):
    at = sign_in(app(monkeypatch, accounts), "lan")
    assert not at.exception and not at.sidebar.error
    assert "Đã đăng nhập: `lan` · người báo cáo" in texts(at)
    at = sign_out(at)
    assert auth_gate.USER_KEY not in at.session_state
    assert at.sidebar.text_input(key="auth_password").value == ""


def test_a_disabled_account_loses_its_rights_at_the_next_click(monkeypatch, accounts):
    at = sign_in(app(monkeypatch, accounts, "upload"), "lan")
    assert at.file_uploader
    read(accounts, lambda s: auth.disable_user(s, "lan", actor="quan"))
    at = at.run()
    assert not at.file_uploader and auth_gate.USER_KEY not in at.session_state


# ---- uploads and the report form ------------------------------------------------------------


def test_reporter_cannot_store_rows_for_another_ward(monkeypatch, accounts):
    at = sign_in(app(monkeypatch, accounts, "upload"), "lan")
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
    at = sign_in(app(monkeypatch, accounts, "upload"), "lan")
    before = count_rows(accounts, "uploads")
    at.file_uploader[0].set_value(("own.csv", OWN_WARD_FILE.encode(), "text/csv")).run()
    assert at.success and not at.error
    assert not [t for t in at.text_input if t.key == "upload_user"]  # the account names it
    assert "lan" in texts(at)
    assert not next(b for b in at.button if b.label == "Lưu").disabled
    at = click(at, "Lưu")
    assert not at.exception and any("Đã lưu" in s.value for s in at.success)
    uploads = read(accounts, Store.uploads)
    assert len(uploads) == before + 1
    assert (uploads.iloc[-1]["user_name"], uploads.iloc[-1]["file_name"]) == ("lan", "own.csv")
    log = read(accounts, entries)
    assert (log.iloc[0]["actor"], log.iloc[0]["action"], log.iloc[0]["target"]) == (
        "lan", "upload.accepted", "own.csv")


def test_report_form_offers_only_the_reporters_wards(monkeypatch, accounts):
    at = sign_in(app(monkeypatch, accounts, "report"), "lan")
    assert not at.exception
    offered = at.selectbox(key="report_ward").options
    assert len(offered) == 1 and "90003" in offered[0]
    at = at.selectbox(key="report_ward").set_value("90003").run()
    key = "rf_90003_2021-09-30_"
    at.selectbox(key=key + "TDP03").set_value("phong_toa")
    assert not [t for t in at.text_input if t.key == "report_user"]
    at = click(at, "Gửi báo cáo")
    assert not at.exception and any("Đã lưu" in s.value for s in at.success)
    last = read(accounts, Store.uploads).iloc[-1]
    assert (last["channel"], last["user_name"]) == ("form", "lan")


def test_admin_may_upload_for_any_ward(monkeypatch, accounts):
    at = sign_in(app(monkeypatch, accounts, "upload"), "quan")
    at.file_uploader[0].set_value(("mixed.csv", OTHER_WARD_FILE.encode(), "text/csv")).run()
    assert not at.error and next(b for b in at.button if b.label == "Lưu")
    at = goto(at, "report")
    assert len(at.selectbox(key="report_ward").options) == 4  # every ward of the demo


# ---- schedule and audit log ---------------------------------------------------------------


def test_schedule_downloads_need_a_coordinator(monkeypatch, accounts):
    at = app(monkeypatch, accounts, "schedule")
    assert not at.exception and at.dataframe  # the plan itself is public
    assert not downloads(at) and not [b for b in at.button if b.label == "Đã lấy mẫu"]
    assert "điều phối viên hoặc quản trị viên" in texts(at)
    at = sign_in(at, "vy")
    assert not downloads(at)
    at = sign_in(sign_out(at), "cuong")
    assert not at.exception and len(downloads(at)) == 3
    assert not [t for t in at.text_input if t.label == "Người ghi nhận"]  # the account names it
    before = count_rows(accounts, "testing_rounds")
    at = click(at, "Đã lấy mẫu")
    assert not at.exception and count_rows(accounts, "testing_rounds") == before + 1
    log = read(accounts, entries)
    assert (log.iloc[0]["actor"], log.iloc[0]["action"]) == ("cuong", "rounds.record")


def test_admin_sees_the_audit_log(monkeypatch, accounts):
    at = app(monkeypatch, accounts, "history")
    assert not audit_title(at)
    at = sign_in(at, "lan")
    assert not audit_title(at)
    at = sign_in(sign_out(at), "quan")
    assert not at.exception
    assert [h for h in at.subheader if h.value == "Nhật ký kiểm tra (quản trị viên)"]
    log = at.dataframe[-1].value
    assert list(log.columns) == ["Thời điểm", "Người thực hiện", "Hành động", "Đối tượng",
                                 "Chi tiết"]
    assert {"user.add"} <= set(log["Hành động"]) and set(log["Người thực hiện"]) >= {"setup"}
    assert [d for d in downloads(at) if "audit_download" in str(d.proto)]


