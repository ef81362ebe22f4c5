"""A store that cannot take a write says why, in both languages, and stores nothing: a
full disk (a real, small tmpfs filled up), a read-only store file, a store on read-only
media (opened read-only, so it can still be read), and a PostgreSQL server that is out
of disk or refuses writes. The CLI prints the message with exit status 2, never an
"internal error" reference."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cli import main
from data.ingest.zone_file import ingest_file
from data.store.database import Store
from tests.support.fixtures import unavailable
from tests.support.ingest_files import POLICY, TODAY, load_small_areas, row, zone_csv
from tests.support.mounts import fill, read_only_file, tmpfs
from tests.support.paths import ROOT
from tests.support.store_failure_cases import cli_args, said_both
from tests.support.store_failure_cases import rounds as _rounds
from zones.problems import Unsaid

SMALL = zone_csv([row(), row(block="", level="đỏ")])
AREAS = [("90001", b) for b in ("TDP01", "TDP02", "A1", "")] + \
        [("09541", b) for b in ("TDP01", "TDP02", "TDP20", "")] + [("90002", "")]


def big_upload(note_bytes: int = 3000) -> bytes:
    """Every small area on 19 days, each row with a long note: about 0.5 MB to store."""
    return zone_csv([row(ward=w, block=b, date=f"{d:02d}/09/2021", note=f"{w}{b}{d}" * (
        note_bytes // 12)) for w, b in AREAS for d in range(1, 20)])




def _ingest(store, raw: bytes):
    return ingest_file(store, raw, "ngay.csv", user="Lan", today=TODAY, policy=POLICY)




# ---- a full disk ------------------------------------------------------------------------


@pytest.fixture
def disk(tmp_path):
    """A 3 MB tmpfs holding a store with the small areas (the store disposed)."""
    with tmpfs(tmp_path / "disk", "3m") as point:
        store = Store(f"sqlite:///{point / 'store.db'}")
        load_small_areas(store)
        store.dispose()
        yield point


def test_a_full_disk_refuses_the_upload_whole_and_names_the_disk(disk):
    store = Store(f"sqlite:///{disk / 'store.db'}")
    try:
        before = store.table_counts()
        filler = fill(disk, leave=64 * 1024)
        with pytest.raises(Unsaid) as exc:
            _ingest(store, big_upload())
        said_both(exc.value, str(disk / "store.db"), "full", "nothing was stored")
        assert store.table_counts() == before  # nothing half-stored
        filler.unlink()  # space freed: the same file is stored, the store was not harmed
        _, outcome = _ingest(store, big_upload())
        assert outcome is not None and outcome.changed == len(AREAS) * 19
    finally:
        store.dispose()


@pytest.mark.parametrize(("lang", "says"), [("en", "is full"), ("vi", "đã đầy")])
def test_the_cli_says_the_disk_is_full_and_exits_2(disk, tmp_path, capsys, lang, says):
    url, big = f"sqlite:///{disk / 'store.db'}", tmp_path / "big.csv"
    big.write_bytes(big_upload())
    fill(disk, leave=64 * 1024)
    assert main(cli_args(url, "ingest", str(big), lang=lang)) == 2
    err = capsys.readouterr().err
    assert says in err and str(disk / "store.db") in err, err
    assert "internal" not in err and "nội bộ" not in err
    store = Store(url)
    try:
        assert store.count("zone_reports") == store.count("uploads") == 0
    finally:
        store.dispose()


# ---- a read-only store file -------------------------------------------------------------


@pytest.fixture
def read_only_store(small_areas_url):
    """The small-areas store, its file read-only (its folder writable)."""
    path = small_areas_url.removeprefix("sqlite:///")
    with read_only_file(Path(path)):
        yield small_areas_url


def test_a_read_only_store_file_is_read_and_refuses_writes(read_only_store):
    store = Store(read_only_store)
    try:
        before = store.table_counts()
        assert len(store.known_areas()) == 3
        with pytest.raises(Unsaid) as exc:
            _ingest(store, SMALL)
        path = read_only_store.removeprefix("sqlite:///")
        said_both(exc.value, path, "read-only")
        with pytest.raises(Unsaid):
            store.record_rounds(_rounds(), source="cli", user="Lan")
        assert store.table_counts() == before
    finally:
        store.dispose()


@pytest.mark.parametrize(("lang", "says"), [("en", "read-only"), ("vi", "chỉ đọc")])
def test_the_cli_refuses_to_write_a_read_only_store_and_exits_2(read_only_store, tmp_path,
                                                               capsys, lang, says):
    good = tmp_path / "good.csv"
    good.write_bytes(SMALL)
    assert main(cli_args(read_only_store, "ingest", str(good), lang=lang)) == 2
    err = capsys.readouterr().err
    assert says in err and read_only_store.removeprefix("sqlite:///") in err, err
    assert "internal" not in err and "nội bộ" not in err


_AS_NOBODY = """
import sys
from data.store.database import Store
from tests.support.store_failure_cases import rounds
store = Store(sys.argv[1])
print(store.read_only, store.count("wards"))
try:
    store.record_rounds(rounds(), source="cli", user="Lan")
except ValueError as exc:
    print(type(exc).__name__, exc.text("en"))
print(store.count("testing_rounds"))
"""


@pytest.mark.parametrize(("file_mode", "folder_mode", "why", "says"), [
    (0o444, 0o777, "file", "the file is read-only"),
    (0o666, 0o555, "folder", "its folder is read-only"),
])
def test_a_store_its_user_may_not_write_is_opened_read_only(small_areas_url, file_mode,
                                                            folder_mode, why, says):
    """Permissions bind users other than root: the store is opened as nobody."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        unavailable("opening the store as another user needs root and setpriv(1)")
    folder = Path(tempfile.mkdtemp(prefix="vx-perm-"))
    try:
        shutil.copy(small_areas_url.removeprefix("sqlite:///"), folder / "store.db")
        (folder / "store.db").chmod(file_mode)
        folder.chmod(folder_mode)
        done = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
             "-c", _AS_NOBODY, f"sqlite:///{folder / 'store.db'}"],
            cwd=ROOT, capture_output=True, text=True, check=False,
            env={"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1"})
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0] == f"{why} 3" and lines[2] == "0", done.stdout
        assert lines[1].startswith("StoreReadOnly ") and says in lines[1], lines[1]
        assert str(folder / "store.db") in lines[1]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_an_unopenable_file_says_what_the_driver_said_not_the_url_syntax(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'store.db'}"
    assert main(cli_args(url, "demo", "--wards", "2")) == 2  # a command that makes a store
    err = capsys.readouterr().err
    assert "unable to open database file" in err and "--db takes" not in err, err


# ---- PostgreSQL -------------------------------------------------------------------------


def _pg_store(pg_url) -> Store:
    store = Store(pg_url)
    load_small_areas(store)
    return store


def test_postgresql_out_of_disk_is_said_and_rolled_back(pg_url):
    """The server's disk_full (SQLSTATE 53100), raised where a full tablespace raises it:
    by the insert of the upload row, through the real driver."""
    store = _pg_store(pg_url)
    try:
        with store.engine.begin() as c:
            c.execute(text(
                "CREATE FUNCTION vx_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'could not extend file \"base/1/2\": No space left on "
                "device' USING ERRCODE = 'disk_full'; END $$"))
            c.execute(text("CREATE TRIGGER vx_full BEFORE INSERT ON zone_reports "
                           "FOR EACH ROW EXECUTE FUNCTION vx_full()"))
        before = store.table_counts()
        with pytest.raises(Unsaid) as exc:
            _ingest(store, SMALL)
        said_both(exc.value, "full", "nothing was stored")
        assert store.table_counts() == before
    finally:
        store.dispose()


def test_postgresql_refusing_writes_is_said(pg_url):
    """A server that refuses writes (a standby, default_transaction_read_only: SQLSTATE
    25006) is a read-only store, not an internal error."""
    store = _pg_store(pg_url)
    store.dispose()
    name = pg_url.rsplit("/", 1)[1]
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    admin.dispose()
    store = Store(pg_url)
    try:
        assert len(store.known_areas()) == 3
        with pytest.raises(Unsaid) as exc:
            store.record_rounds(_rounds(), source="cli", user="Lan")
        said_both(exc.value, "read-only", "refuses writes")
        assert make_url(pg_url).render_as_string(hide_password=True) in str(exc.value)
    finally:
        store.dispose()
