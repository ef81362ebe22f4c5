"""What the hostile-input probe found the command line doing wrong (/tmp/probe/hostile.md,
the rows that "did not hold"): an output file written over the store itself, a store URL
that crashed with a traceback or printed a password, read commands that made a store
where none was (or wrote vungxanh's tables into another program's database), an export
of a day without levels that exited 0, and two accounts differing only in case."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from cli import main
from commands.common import safe_url
from data.store.database import Store
from tests.support.store_failure_cases import cli_args

PW = "correct horse battery"
DAY = "2021-09-30"
# Every command that writes a file it is given, with the arguments that make it write.
WRITERS = {
    "export-levels": ["export-levels", "--as-of", DAY, "-o"],
    "trends": ["trends", "--from", "2021-09-01", "--to", DAY, "-o"],
    "today": ["today", "--as-of", DAY, "--json", "-o"],
    "audit": ["audit", "-o"],
    "schedule": ["schedule", "--as-of", DAY, "--capacity", "500", "-o"],
    "report": ["report", "--scope", "city", "--period", f"day:{DAY}", "--format", "xlsx",
               "-o"],
    "export-map": ["export-map", "--as-of", DAY, "-o"],
    "backup": ["backup"],
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def own_demo(cli_demo_db, tmp_path) -> Path:
    """A private copy of the CLI demo store, named so that export-map may name it."""
    path = tmp_path / "live.html"
    shutil.copyfile(cli_demo_db.removeprefix("sqlite:///"), path)
    return path


# ---- 1. an output file is never the store -----------------------------------------------


# export-map takes only a name ending in .html: a store's -wal or -shm never is one.
OVERWRITES = [(command, end) for command in sorted(WRITERS)
              for end in ("", "-wal", "-shm", "-journal") if command != "export-map" or not end]


@pytest.mark.parametrize(("command", "end"), OVERWRITES)
def test_an_output_naming_the_store_or_its_journal_is_refused(own_demo, capsys, command,
                                                             end):
    target = own_demo.with_name(own_demo.name + end)
    before = _digest(own_demo)
    url = f"sqlite:///{own_demo}"
    assert main(cli_args(url, *WRITERS[command], str(target))) == 2
    err = capsys.readouterr().err
    assert str(target) in err and "destroy the store" in err, err
    assert _digest(own_demo) == before
    assert end == "" or not target.exists()  # nothing written beside it either
    store = Store(url)
    try:
        assert store.count("wards") == 8
    finally:
        store.dispose()


def test_every_command_with_an_output_file_is_checked_here():
    """A new command that writes a file joins WRITERS, so its refusal is tested too."""
    from cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    with_output = {name for name, p in sub.choices.items()
                   if any(a.dest == "output" for a in p._actions)}
    assert with_output | {"backup"} == set(WRITERS)


def test_a_link_to_the_store_or_a_relative_path_is_the_store_too(own_demo, tmp_path, capsys,
                                                                  monkeypatch):
    before, url = _digest(own_demo), f"sqlite:///{own_demo}"
    (tmp_path / "sym.csv").symlink_to(own_demo)
    os.link(own_demo, tmp_path / "hard.csv")
    monkeypatch.chdir(tmp_path)
    for target in ("sym.csv", "hard.csv", "./live.html", f"../{tmp_path.name}/live.html"):
        assert main(cli_args(url, *WRITERS["export-levels"], target)) == 2, target
        assert "destroy the store" in capsys.readouterr().err
    assert main(cli_args(url, *WRITERS["export-levels"], "levels.csv")) == 0
    assert _digest(own_demo) == before and (tmp_path / "levels.csv").stat().st_size > 0


@pytest.mark.parametrize(("lang", "says"), [("en", "choose another file"),
                                             ("vi", "hãy chọn tệp khác")])
def test_the_refusal_speaks_the_language_given(own_demo, capsys, lang, says):
    url = f"sqlite:///{own_demo}"
    assert main(cli_args(url, *WRITERS["audit"], str(own_demo), lang=lang)) == 2
    assert says in capsys.readouterr().err


# ---- 3. a store URL that cannot be used -------------------------------------------------


@pytest.mark.parametrize(("url", "says"), [
    ("mysql://u:S3cretPassw0rd@127.0.0.1/x", "is not installed"),
    ("postgresql://u:S3cretPassw0rd@h:bad/x", "not understood"),
    ("postgresql+psycopg://u:S3cretPassw0rd@[::1:bad/x", "not understood"),
])
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_missing_driver_or_a_malformed_url_is_said_and_exits_2(capsys, url, says, lang):
    assert main(cli_args(url, "audit", lang=lang)) == 2
    err = capsys.readouterr().err
    assert "S3cretPassw0rd" not in err and "Traceback" not in err, err
    if lang == "en":
        assert says in err, err
    else:
        assert err.startswith("lỗi: ") and says not in err, err


def test_the_missing_driver_is_named(capsys):
    assert main(cli_args("mysql://u@127.0.0.1/x", "audit")) == 2
    assert "MySQLdb" in capsys.readouterr().err


# ---- 4. a password in the query string --------------------------------------------------


@pytest.mark.parametrize("key", ["password", "PASSWORD", "passwd", "pwd", "Secret", "token"])
def test_safe_url_masks_secrets_in_the_query_string(key):
    shown = safe_url(f"postgresql://u:S3cret@h/db?sslmode=require&{key}=S3cretQuery", "en")
    assert "S3cret" not in shown, shown
    assert "sslmode=require" in shown and f"{key}=***" in shown and "u:***@h/db" in shown


def test_a_query_string_password_is_not_printed_when_the_server_is_unreachable(capsys):
    url = "postgresql+psycopg://u@127.0.0.1:1/x?password=S3cretQuery&connect_timeout=2"
    assert main(cli_args(url, "audit")) == 2
    err = capsys.readouterr().err
    assert "S3cretQuery" not in err and "password=***" in err, err


# ---- 5. read commands never make a store ------------------------------------------------

READERS = {
    "export-levels": ["export-levels", "--as-of", DAY],
    "export-map": ["export-map", "--as-of", DAY, "-o", "m.html"],
    "targets": ["targets", "--as-of", DAY],
    "trends": ["trends", "--from", "2021-09-01", "--to", DAY],
    "today": ["today", "--as-of", DAY],
    "schedule": ["schedule", "--as-of", DAY, "--capacity", "500"],
    "report": ["report", "--scope", "city", "--period", f"day:{DAY}", "--format", "xlsx",
               "-o", "r.xlsx"],
    "audit": ["audit"],
    "user list": ["user", "list"],
    "user disable": ["user", "disable", "lan"],
    "backup": ["backup", "b.db"],
    "repack": ["repack"],
    "ingest": ["ingest", "z.csv"],
    "import-blocks": ["import-blocks", "z.csv"],
    "record-rounds": ["record-rounds", "z.csv"],
}


@pytest.mark.parametrize("command", sorted(READERS))
def test_a_command_that_cannot_make_a_store_refuses_a_path_with_none(tmp_path, capsys,
                                                                     monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "z.csv").write_text("date,ward_code,level\n", encoding="utf-8")
    typo = tmp_path / "typo_name.db"
    assert main(cli_args(f"sqlite:///{typo}", *READERS[command])) == 2
    err = capsys.readouterr().err
    assert f"no store at {typo}" in err and "run demo or import-boundaries" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["z.csv"]


def test_the_commands_that_make_a_store_still_do(tmp_path, capsys, monkeypatch):
    new = tmp_path / "new.db"
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    assert main(cli_args(f"sqlite:///{new}", "user", "add", "lan", "--role", "admin",
                         "--password-stdin")) == 0
    demo = tmp_path / "demo.db"
    assert main(cli_args(f"sqlite:///{demo}", "demo", "--wards", "2", "--blocks-per-ward",
                         "1", "--days", "3")) == 0
    assert new.is_file() and demo.is_file()


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_missing_store_is_said_in_the_language_given(tmp_path, capsys, lang):
    assert main(cli_args(f"sqlite:///{tmp_path / 'x.db'}", "audit", lang=lang)) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "x.db") in err and ("no store at" in err) == (lang == "en"), err


@pytest.mark.parametrize("argv", [["export-levels", "--as-of", DAY], ["demo", "--wards", "2"],
                                  ["audit"]])
def test_another_programs_database_is_left_alone(tmp_path, capsys, argv):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    con.close()
    before = _digest(other)
    assert main(cli_args(f"sqlite:///{other}", *argv)) == 2
    err = capsys.readouterr().err
    assert f"{other} is not a vungxanh store" in err and "(t)" in err, err
    assert _digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_an_empty_db_is_a_usage_error_not_the_default_store(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["--db", "", "--lang", "en", "export-levels", "--as-of", DAY])
    assert exc.value.code == 2
    assert "--db is empty" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# ---- 6. a day without levels ------------------------------------------------------------


@pytest.mark.parametrize(("lang", "says"), [
    ("en", "No zone level on 2020-01-01"), ("vi", "Chưa có cấp độ vùng nào ngày 01/01/2020")])
def test_export_levels_of_a_day_without_levels_exits_1(cli_demo_db, tmp_path, capsys, lang,
                                                       says):
    out = tmp_path / "levels.csv"
    assert main(cli_args(cli_demo_db, "export-levels", "--as-of", "2020-01-01", "-o",
                         str(out), lang=lang)) == 1
    assert says in capsys.readouterr().err
    assert not out.exists()


# ---- 7. accounts differing only in case -------------------------------------------------


def test_a_name_differing_only_in_case_is_refused(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    monkeypatch.setenv("VUNGXANH_USER", "admin")
    monkeypatch.setenv("VUNGXANH_PASSWORD", PW)
    for name in ("admin", "ADMIN"):
        monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
        main(cli_args(url, "user", "add", name, "--role", "admin", "--password-stdin"))
    err = capsys.readouterr().err
    assert "user name 'ADMIN': the account 'admin' exists already" in err, err
    assert main(cli_args(url, "user", "list")) == 0
    assert capsys.readouterr().out.splitlines() == ["admin\tadmin\t-\tactive"]
