"""Exit statuses and the language of messages: 0 success, 1 input rejected, 2 usage error,
3 internal error (a reference id on screen, its traceback in the log under that id)."""

from __future__ import annotations

import logging
import re

import pytest

from cli import main
from data.store.database import Store
from tests.support.ingest_files import row, zone_csv


@pytest.fixture
def log_file(tmp_path, monkeypatch):
    """VUNGXANH_LOG_FILE in tmp_path, with the vungxanh logger's handlers set afresh."""
    path = tmp_path / "internal.log"
    monkeypatch.setenv("VUNGXANH_LOG_FILE", str(path))
    log = logging.getLogger("vungxanh")
    monkeypatch.setattr(log, "handlers", [])
    yield path
    for handler in log.handlers:
        handler.close()


def test_an_internal_error_exits_3_with_a_reference_into_the_log(small_areas_url, log_file,
                                                                 monkeypatch, capsys):
    def broken(self):
        raise RuntimeError("the packs are on fire")

    monkeypatch.setattr(Store, "repack", broken)
    assert main(["--db", small_areas_url, "--lang", "en", "repack"]) == 3
    err = capsys.readouterr().err
    ref = re.search(r"internal error, reference (\w+): details are in the log \((.+)\)", err)
    assert ref is not None and ref.group(2) == str(log_file), err
    assert "on fire" not in err and "Traceback" not in err  # no details for users
    logged = log_file.read_text(encoding="utf-8")
    assert f"incident {ref.group(1)}" in logged and "the packs are on fire" in logged


def test_the_internal_error_message_is_vietnamese_by_default(small_areas_url, log_file,
                                                             monkeypatch, capsys):
    monkeypatch.setattr(Store, "repack", lambda self: 1 / 0)
    assert main(["--db", small_areas_url, "repack"]) == 3
    assert "lỗi nội bộ, mã tham chiếu" in capsys.readouterr().err


def test_a_rejected_file_still_exits_1(small_areas_url, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(zone_csv([row(level="tím")]))
    assert main(["--db", small_areas_url, "--lang", "en", "ingest", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.csv: rejected, nothing stored: 1 errors" in out
    assert "  row 2 level 'tím': " in out
    assert main(["--db", small_areas_url, "ingest", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bị từ chối, không lưu gì" in out and "  dòng 2 level 'tím': " in out


@pytest.mark.parametrize(("lang", "says"), [(None, "cần một ngày dạng YYYY-MM-DD"),
                                             ("vi", "cần một ngày dạng YYYY-MM-DD"),
                                             ("en", "expected a date YYYY-MM-DD")])
def test_argument_errors_speak_the_language_given(sqlite_url, capsys, lang, says):
    head = ["--db", sqlite_url] + (["--lang", lang] if lang else [])
    with pytest.raises(SystemExit) as exc:
        main([*head, "demo", "--end", "30/09/2021"])
    assert exc.value.code == 2
    assert says in capsys.readouterr().err


@pytest.mark.parametrize(("lang", "says"), [("vi", "không có tệp: /no/such.csv"),
                                             ("en", "no such file: /no/such.csv")])
def test_a_missing_file_is_a_usage_error_in_the_language_given(sqlite_url, capsys, lang,
                                                                says):
    with pytest.raises(SystemExit) as exc:
        main(["--db", sqlite_url, "--lang", lang, "ingest", "/no/such.csv"])
    assert exc.value.code == 2
    assert says in capsys.readouterr().err


def test_the_plan_summary_is_translated(cli_demo_db, tmp_path, capsys):
    out = tmp_path / "plan.csv"
    assert main(["--db", cli_demo_db, "schedule", "--as-of", "2021-09-30",
                 "--capacity", "3000", "-o", str(out)]) == 0
    summary = capsys.readouterr().out
    assert "QUÁ HẠN" in summary and "cần thêm năng lực" in summary
    assert "OVERDUE" not in summary and "rounds" not in summary
