"""A request the store or the backup cannot serve is refused in the user's language: the
figures (data/services/figures.py) and backups (data/store/backup.py) raise Unsaid errors
whose str() is the English of old, and the CLI says them in Vietnamese unless --lang en."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from cli import main
from data.config.policy_files import load_policy
from data.services.figures import schedule_as_of, trends_between
from data.store.backup import BackupError, backup, restore, sqlite_path
from data.store.database import Store
from tests.support.ingest_files import load_small_areas, row, zone_csv
from tests.support.said_checks import assert_said

POLICY = load_policy()
SEP_1, SEP_10 = dt.date(2021, 9, 1), dt.date(2021, 9, 10)


@pytest.fixture
def reports_url(small_areas_url, tmp_path):
    """The small areas with one day of reports, 2021-09-19."""
    day = tmp_path / "day.csv"
    day.write_bytes(zone_csv([row()]))
    assert main(["--db", small_areas_url, "ingest", str(day)]) == 0
    return small_areas_url


@pytest.fixture
def opened():
    stores = []

    def open_store(url: str) -> Store:
        stores.append(Store(url))
        return stores[-1]

    yield open_store
    for store in stores:
        store.dispose()


def _raised(call) -> BaseException:
    with pytest.raises(ValueError) as err:
        call()
    return err.value


def test_trends_refusals(small_areas_url, opened):
    store = opened(small_areas_url)
    assert_said(_raised(lambda: trends_between(store, SEP_10, SEP_1, POLICY)),
                "trends: --to 2021-09-01 is before --from 2021-09-10")
    assert_said(_raised(lambda: trends_between(store, SEP_1, SEP_10, POLICY, district="999")),
                "unknown district code '999'")


def test_schedule_refusals(reports_url, opened):
    store = opened(reports_url)
    assert_said(_raised(lambda: schedule_as_of(store, SEP_1, POLICY, days=3, capacity=100)),
                "no zone levels for 2021-09-01: the store has reports from 2021-09-19 to "
                "2021-09-19")


def test_schedule_refusals_without_areas_or_reports(tmp_path, opened):
    bare = opened(f"sqlite:///{tmp_path / 'bare.db'}")
    assert_said(_raised(lambda: schedule_as_of(bare, SEP_10, POLICY, days=3, capacity=100)),
                "no areas in the store: import boundaries or run `demo` first")
    load_small_areas(bare)
    assert_said(_raised(lambda: schedule_as_of(bare, SEP_10, POLICY, days=3, capacity=100)),
                "no zone levels for 2021-09-10: the store has reports from none")


def test_backup_refusals(small_areas_url, tmp_path, opened):
    store = opened(small_areas_url)
    live = sqlite_path(small_areas_url)
    assert_said(_raised(lambda: backup(store, live, actor="t")),
                f"{live} is the store itself: choose another file")
    missing = tmp_path / "missing.db"
    assert_said(_raised(lambda: restore(store, missing, actor="t")),
                f"{missing}: no such file")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert_said(_raised(lambda: restore(store, junk, actor="t")),
                f"{junk}: not a SQLite database (file is not a database)")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    assert_said(_raised(lambda: restore(store, other, actor="t")),
                f"{other}: not an intact vungxanh store (integrity: ok; schema: no)")
    assert_said(_raised(lambda: sqlite_path("sqlite://")),
                "an in-memory SQLite store has no file to back up")
    err = _raised(lambda: sqlite_path("postgresql+psycopg://u@localhost/db"))
    assert isinstance(err, BackupError)
    assert_said(err, "backup and restore work on the SQLite store; for postgresql use "
                     "pg_dump and pg_restore")


REPORT = ["report", "--scope", "bogus", "--period", "day:2021-09-19", "--format", "xlsx"]


@pytest.mark.parametrize(("lang", "says"), [
    (None, "lỗi: địa bàn 'bogus': cần city, province:MÃ, district:MÃ hoặc ward:MÃ"),
    ("vi", "lỗi: địa bàn 'bogus': cần city, province:MÃ, district:MÃ hoặc ward:MÃ"),
    ("en", "error: scope 'bogus': expected city, province:CODE, district:CODE or ward:CODE"),
])
def test_a_bad_scope_is_refused_in_the_language_given(small_areas_url, tmp_path, capsys, lang,
                                                      says):
    head = ["--db", small_areas_url] + (["--lang", lang] if lang else [])
    assert main([*head, *REPORT, "-o", str(tmp_path / "r.xlsx")]) == 2
    err = capsys.readouterr().err
    assert says in err
    assert ("expected" in err) == (lang == "en")
    assert not (tmp_path / "r.xlsx").exists()


@pytest.mark.parametrize(("args", "vi", "en", "status"), [
    (["report", "--scope", "district:905", "--period", "day:2021-09-19", "--format", "xlsx",
      "-o", "{tmp}/r.xlsx"],
     "lỗi: cơ sở dữ liệu không có quận/huyện nào mang mã '905' (các mã hiện có: 901)",
     "error: no district with code '905' in the store (known: 901)", 2),
    (["report", "--scope", "city", "--period", "week:2021-W53", "--format", "xlsx",
      "-o", "{tmp}/r.xlsx"],
     "năm 2021 không có tuần ISO thứ 53", "2021 has no ISO week 53", 2),
    (["trends", "--from", "2021-09-10", "--to", "2021-09-01"],
     "lỗi: xu hướng: ngày --to 2021-09-01 sớm hơn ngày --from 2021-09-10",
     "error: trends: --to 2021-09-01 is before --from 2021-09-10", 2),
    (["trends", "--from", "2021-09-01", "--to", "2021-09-10", "--district", "999"],
     "lỗi: mã quận/huyện '999' không có trong cơ sở dữ liệu",
     "error: unknown district code '999'", 2),
    (["schedule", "--as-of", "2021-09-01", "--capacity", "100"],
     "lịch xét nghiệm: chưa có cấp độ vùng cho ngày 2021-09-01: cơ sở dữ liệu chỉ có báo "
     "cáo từ 2021-09-19 đến 2021-09-19",
     "no zone levels for 2021-09-01: the store has reports from 2021-09-19 to 2021-09-19", 1),
    (["restore", "{tmp}/missing.db"], "lỗi: {tmp}/missing.db: không có tệp này",
     "error: {tmp}/missing.db: no such file", 2),
])
def test_refusals_speak_the_language_given(reports_url, tmp_path, capsys, args, vi, en,
                                           status):
    argv = [a.format(tmp=tmp_path) for a in args]
    assert main(["--db", reports_url, *argv]) == status
    assert vi.format(tmp=tmp_path) in capsys.readouterr().err
    assert main(["--db", reports_url, "--lang", "en", *argv]) == status
    assert en.format(tmp=tmp_path) in capsys.readouterr().err
