"""The dashboard on a store it must not open (a schema newer than the code): the first
page says which revision made the store and what to do, in the user's language, instead
of an incident reference; nothing of the store is changed."""

from __future__ import annotations

import sqlite3

from streamlit.testing.v1 import AppTest

from data.store.database import Store
from tests.support.apptest import TIMEOUT
from tests.support.browser import ROOT

NEWER = "ffffffffffff"


def _newer_store(url: str) -> str:
    Store(url).dispose()
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as con:
        con.execute("UPDATE alembic_version SET version_num = ?", (NEWER,))
    con.close()
    return path


def test_a_newer_store_is_refused_in_words_not_an_incident(monkeypatch, sqlite_url):
    path = _newer_store(sqlite_url)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("VUNGXANH_TILES", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    said = " ".join(e.value for e in at.error)
    assert NEWER in said and "Mã tham chiếu" not in said, said
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (NEWER,)
    con.close()
