"""Shared fixtures: stores on SQLite and PostgreSQL, and the ../shared data when present."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.support.paths import SHARED

PG_ADMIN_URL = os.environ.get(
    "VUNGXANH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def unavailable(reason: str):
    """Skip, except in CI where a missing service or data set is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this must not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED / "samples").is_dir():
        unavailable(f"../shared/data not found at {SHARED}: tests on the real samples need it")
    return SHARED


def pg_admin_engine():
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as c:
            c.execute(text("select 1"))
    except Exception as exc:  # any connection failure means: no server to test against
        engine.dispose()
        unavailable(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}")
    return engine


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    admin = pg_admin_engine()
    name = f"vx_{uuid.uuid4().hex[:12]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def small_areas_url(sqlite_url) -> str:
    """A SQLite store holding the small hand-built areas (tests.support.ingest_files)."""
    from data.store.database import Store
    from tests.support.ingest_files import load_small_areas

    store = Store(sqlite_url)
    load_small_areas(store)
    store.dispose()
    return sqlite_url


@pytest.fixture(scope="module")
def hadong_wards(shared_data):
    """The 17 Hà Đông wards of ../shared/data (tests.support.boundary_files.hadong)."""
    from tests.support.boundary_files import hadong

    return hadong(shared_data)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """Run a test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url):
    from data.store.database import Store

    s = Store(db_url)
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def cli_demo_db(tmp_path_factory) -> str:
    """A small demo city (8 wards × 6 blocks × 45 days to 2021-09-30) made through the CLI,
    shared by tests that only read it."""
    from cli import main

    url = f"sqlite:///{tmp_path_factory.mktemp('cli-demo') / 'demo.db'}"
    assert main(["--db", url, "demo", "--wards", "8", "--blocks-per-ward", "6",
                 "--days", "45"]) == 0
    return url


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium under Playwright for one test module (tests.support.browser:
    skips saying why without it, fails instead under CI; expect() waits up to 90 s). A
    module that needs more set up first (nginx) declares its own."""
    from tests.support.browser import chromium_session

    yield from chromium_session()


HADONG_DAY_FILES = ("hadong_2021-09-19_mo-lao_quang-trung_vi.csv",
                    "hadong_2021-09-19_phuc-la_ha-cau.xlsx",
                    "hadong_2021-09-19_kien-hung_phu-lam_cp1258.csv")


@pytest.fixture(scope="session")
def hadong_db(shared_data, tmp_path_factory) -> str:
    """A SQLite store of the Hà Đông samples (../shared/data): the 17 wards, their 242
    blocks, the 30-day history and the three accepted files of 19/09/2021, loaded through
    the CLI as an office would. Shared by tests that only read it."""
    from cli import main

    url = f"sqlite:///{tmp_path_factory.mktemp('hadong') / 'hadong.db'}"
    samples = shared_data / "samples"
    steps = [["import-boundaries",
              str(shared_data / "boundaries" / "hanoi_hadong_wards_2021.geojson")],
             ["import-blocks", str(samples / "hadong_blocks.csv")],
             ["ingest", str(samples / "hadong_history_2021-08-20_2021-09-18.csv")],
             *(["ingest", str(samples / name)] for name in HADONG_DAY_FILES)]
    for step in steps:
        assert main(["--db", url, *step]) == 0, step
    return url


@pytest.fixture(scope="module")
def map_dashboard(tmp_path_factory, chromium):
    """The small demo city behind a running dashboard, with an XSS attempt as the note of
    ward 90001 and of its block TDP01 on the last day: (base URL, polygons per area)."""
    import pandas as pd

    from data.store.database import UploadMeta
    from tests.support.browser import ARTIFACTS, END, XSS_NOTE, demo_store, streamlit_server

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.db'}"
    store = demo_store(url)
    rows = [{"ward_code": "90001", "block_code": b, "date": END, "level": "phong_toa",
             "new_cases": 3, "tests_done": 10, "note": XSS_NOTE} for b in ("", "TDP01")]
    store.record_upload(UploadMeta("test", "xss.csv", "f" * 64, 1), pd.DataFrame(rows), {})
    areas = store.areas()
    drawn = {kind: set(map(tuple, store.geometries(kind)[cols].to_numpy()))
             for kind, cols in (("ward", ["ward_code"]), ("block", ["ward_code", "block_code"]))}
    store.dispose()
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(url, ARTIFACTS / "streamlit-browser.log") as base:
        yield base, areas, drawn
