"""The dashboard on a store that cannot take writes: on read-only media it still shows the
map, and the upload page and the report form say uploads are off and why; when the disk
fills up during an upload, the upload page says so in the user's language, not with an
incident reference, and nothing is stored."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support.apptest import TIMEOUT, count_rows, goto
from tests.support.browser import ROOT
from tests.support.mounts import fill, remount_read_only, tmpfs

WARDS = ("90001", "90002", "90003", "90004")
BLOCKS = ("TDP01", "TDP02", "TDP03", "TDP04", "TDP05")


def _app(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()


@pytest.fixture
def mounted(tmp_path, demo_db):
    """The small demo store on a tmpfs of its own; the dashboard's cached store is let
    go afterwards, so the file system can be unmounted."""
    with tmpfs(tmp_path / "mnt", "32m") as point:
        shutil.copy(demo_db, point / "demo.db")
        yield point
        st.cache_resource.clear()


def _no_incident(at: AppTest) -> None:
    assert not at.exception, at.exception
    said = " ".join(e.value for e in at.error)
    assert "Mã tham chiếu" not in said and "Reference" not in said, said


def test_read_only_media_shows_the_first_page_and_turns_uploads_off(monkeypatch, mounted):
    remount_read_only(mounted)
    at = _app(monkeypatch, f"sqlite:///{mounted / 'demo.db'}")
    _no_incident(at)
    assert at.title[0].value == "Tổng quan"  # the first page
    for page in ("upload", "report"):
        at = goto(at, page)
        _no_incident(at)
        said = " ".join(w.value for w in at.warning)
        assert "chỉ đọc" in said and str(mounted / "demo.db") in said, said
        assert all(u.disabled for u in at.file_uploader)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert "read-only" in " ".join(w.value for w in at.warning)


def _big_upload() -> bytes:
    lines = ["date,ward_code,block_code,level,note"]
    lines += [f"2021-09-{d:02d},{w},{b},đỏ,{w}{b}{d}" * 1 + "x" * 3000
              for w in WARDS for b in BLOCKS for d in range(1, 31)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_a_full_disk_during_an_upload_is_said_not_an_incident(monkeypatch, mounted):
    url = f"sqlite:///{mounted / 'demo.db'}"
    at = goto(_app(monkeypatch, url), "upload")
    before = count_rows(url, "uploads"), count_rows(url)
    at.file_uploader[0].set_value(("big.csv", _big_upload(), "text/csv")).run()
    at.text_input(key="upload_user").set_value("Tổ Covid").run()
    fill(mounted, leave=128 * 1024)
    next(b for b in at.button if b.label == "Lưu").click().run()
    _no_incident(at)
    said = " ".join(e.value for e in at.error)
    assert "đã đầy" in said and str(mounted / "demo.db") in said, said
    assert (count_rows(url, "uploads"), count_rows(url)) == before


def _mark_done_button(at: AppTest):
    return next(b for b in at.button if b.label in ("Đã lấy mẫu", "Sampled"))


def test_read_only_media_turns_marking_a_round_off_saying_why(monkeypatch, mounted):
    remount_read_only(mounted)
    at = goto(_app(monkeypatch, f"sqlite:///{mounted / 'demo.db'}"), "schedule")
    _no_incident(at)
    assert _mark_done_button(at).disabled
    said = " ".join(c.value for c in at.caption)
    assert "chỉ đọc" in said and str(mounted / "demo.db") in said, said
    at.sidebar.radio(key="lang").set_value("en").run()
    _no_incident(at)
    assert _mark_done_button(at).disabled
    assert "read-only" in " ".join(c.value for c in at.caption)


def test_a_full_disk_marking_a_round_is_said_in_the_users_language(monkeypatch, mounted):
    url = f"sqlite:///{mounted / 'demo.db'}"
    at = goto(_app(monkeypatch, url), "schedule")
    at.sidebar.radio(key="lang").set_value("en").run()
    before = count_rows(url, "testing_rounds")
    at.text_input[0].set_value("Trạm y tế")  # a form: the value goes with the submit
    fill(mounted)
    _mark_done_button(at).click().run()
    _no_incident(at)
    said = " ".join(e.value for e in at.error)
    assert "is full" in said and str(mounted / "demo.db") in said, said
    assert count_rows(url, "testing_rounds") == before
