"""A SQLite store on read-only media (a tmpfs the test mounts, then remounts read-only):
it opens read-only, so it can still be read; the read commands work and the writing ones
refuse in both languages with exit 2; a store whose schema is older than the code, or
with writes not yet merged from its -wal, is refused clearly instead of read wrong."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest

from cli import main
from data.store.database import Store
from tests.support.ingest_files import row, zone_csv
from tests.support.mounts import remount_read_only, tmpfs
from tests.support.store_failure_cases import cli_args, said_both
from tests.support.store_failure_cases import rounds as _rounds
from zones.problems import Unsaid

# ---- read-only media --------------------------------------------------------------------


@pytest.fixture
def media(tmp_path, cli_demo_db):
    """The CLI's small demo city on read-only media (a tmpfs remounted read-only)."""
    with tmpfs(tmp_path / "media", "64m") as point:
        shutil.copy(cli_demo_db.removeprefix("sqlite:///"), point / "demo.db")
        remount_read_only(point)
        yield f"sqlite:///{point / 'demo.db'}"


def test_a_store_on_read_only_media_opens_read_only(media):
    store = Store(media)
    try:
        assert store.read_only
        assert store.count("wards") == 8 and not store.reports().empty
        assert store.date_range()[1] == dt.date(2021, 9, 30)
        with pytest.raises(Unsaid) as exc:
            store.record_rounds(_rounds(), source="cli", user="Lan")
        said_both(exc.value, media.removeprefix("sqlite:///"), "read-only media")
        assert store.count("testing_rounds") == 0
    finally:
        store.dispose()


@pytest.mark.parametrize("argv", [
    ["export-levels", "--as-of", "2021-09-30"],
    ["trends", "--from", "2021-09-01", "--to", "2021-09-30"],
    ["targets", "--as-of", "2021-09-30"],
    ["audit"],
])
def test_read_commands_work_on_read_only_media(media, capsys, argv):
    assert main(cli_args(media, *argv)) == 0, capsys.readouterr().err
    assert capsys.readouterr().out


@pytest.mark.parametrize(("lang", "says"), [("en", "read-only media"),
                                             ("vi", "phương tiện chỉ đọc")])
def test_writing_commands_refuse_on_read_only_media(media, tmp_path, capsys, lang, says):
    good, rounds = tmp_path / "good.csv", tmp_path / "rounds.csv"
    good.write_bytes(zone_csv([row(ward="90001", block="", date="29/09/2021")]))
    rounds.write_text("ward_code,block_code,date,samples\n", encoding="utf-8")
    for argv in (["ingest", str(good)], ["record-rounds", str(rounds)], ["demo"]):
        assert main(cli_args(media, *argv, lang=lang)) == 2, argv
        err = capsys.readouterr().err
        assert says in err and media.removeprefix("sqlite:///") in err, err


def test_an_old_schema_on_read_only_media_is_refused_clearly(tmp_path, small_areas_url,
                                                            capsys):
    c = sqlite3.connect(small_areas_url.removeprefix("sqlite:///"))
    with c:
        c.execute("UPDATE alembic_version SET version_num = '0006'")
    c.close()  # the last connection checkpoints the WAL into the file copied below
    with tmpfs(tmp_path / "old", "4m") as point:
        shutil.copy(small_areas_url.removeprefix("sqlite:///"), point / "old.db")
        remount_read_only(point)
        url = f"sqlite:///{point / 'old.db'}"
        with pytest.raises(Unsaid) as exc:
            Store(url)
        said_both(exc.value, str(point / "old.db"), "read-only", "0006", "upgraded")
        assert main(cli_args(url, "audit")) == 2
        err = capsys.readouterr().err
        assert "0006" in err and "--db takes" not in err, err


def test_unmerged_writes_on_read_only_media_are_refused_not_hidden(tmp_path, small_areas_url):
    """A copy made while the store was open brings its -wal: opened immutable, the store
    would show the data without those writes, so it is refused, saying what to copy."""
    live = small_areas_url.removeprefix("sqlite:///")
    c = sqlite3.connect(live)
    with c:
        c.execute("INSERT INTO provinces (code, name) VALUES ('98', 'Tỉnh Mới')")
    with tmpfs(tmp_path / "copy", "4m") as point:
        shutil.copy(live, point / "store.db")
        shutil.copy(f"{live}-wal", point / "store.db-wal")
        c.close()
        remount_read_only(point)
        with pytest.raises(Unsaid) as exc:
            Store(f"sqlite:///{point / 'store.db'}")
        said_both(exc.value, str(point / "store.db-wal"), "copy both files")
