"""Opening a SQLite store switches it to WAL mode. When several processes open a new
store at once, that switch can be refused at once with "database is locked" (SQLite
returns SQLITE_BUSY without waiting when waiting could deadlock), which reached a
process as an error (1 start in about 30 of six at once, found by the CI run of the
fresh clone). The switch is now tried again until the busy timeout's 30 s are up."""

from __future__ import annotations

import sqlite3

import pytest

from data.store import engine


class _Cursor:
    """A cursor whose WAL switch is refused as locked `refusals` times, then done."""

    def __init__(self, refusals: int):
        self.refusals, self.switches = refusals, 0

    def execute(self, sql: str):
        if sql == "PRAGMA journal_mode=WAL":
            self.switches += 1
            if self.switches <= self.refusals:
                raise sqlite3.OperationalError("database is locked")
        self.last = sql
        return self

    def fetchone(self):
        return ("delete",)

    def __iter__(self):
        return iter(())

    def close(self):
        pass


class _Conn:
    def __init__(self, cur):
        self.cur, self.isolation_level = cur, ""

    def cursor(self):
        return self.cur


def test_a_locked_wal_switch_is_tried_again(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda _s: None)
    cur = _Cursor(refusals=3)
    engine._sqlite_pragmas(_Conn(cur), None)
    assert cur.switches == 4


def test_other_errors_and_a_lock_that_outlasts_the_timeout_are_raised(monkeypatch):
    clock = iter(range(0, 10_000, 5))  # 5 s a try: the 30 s are soon up
    monkeypatch.setattr("time.sleep", lambda _s: None)
    monkeypatch.setattr("time.monotonic", lambda: next(clock))
    cur = _Cursor(refusals=1_000)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        engine._sqlite_pragmas(_Conn(cur), None)
    assert 5 <= cur.switches <= 8
