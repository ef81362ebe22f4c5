"""Helpers for the dashboard's AppTest tests: open a page by its URL path, count a table's
rows, and the small demo store (built once per module, copied per test)."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from data.store.database import Store
from tests.support.browser import demo_store

TIMEOUT = 90


def goto(at: AppTest, path: str) -> AppTest:
    """Open the page at URL /<path>. AppTest.switch_page() only finds pages defined by
    files; ours are functions, which st.navigation registers under the hash of their
    url_path: the page a browser asks for at that URL."""
    at._page_hash = calc_hash(path)
    return at.run()


def count_rows(url: str, table: str = "zone_reports") -> int:
    store = Store(url)
    try:
        return store.table_counts()[table]
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """The small demo city (4 wards of 5 blocks, 20 days to END), built once."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    demo_store(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def demo(demo_db, tmp_path) -> str:
    """A private copy of the demo store, free to change."""
    shutil.copy(demo_db, tmp_path / "demo.db")
    return f"sqlite:///{tmp_path / 'demo.db'}"
