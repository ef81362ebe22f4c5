"""Concurrent uploads and migrations from separate processes, on SQLite and PostgreSQL:
every upload is in history, the final value is the later commit's, nothing is lost or
duplicated."""

from __future__ import annotations

import itertools
import multiprocessing as mp

import pandas as pd
import pytest
from sqlalchemy import select

from data.ingest.zone_file import ingest_file
from data.store.database import Store
from data.store.schema import uploads, zone_report_history, zone_reports
from tests.support.ingest_files import POLICY, TODAY, load_small_areas, row, zone_csv

N = 20
KEYS = [("90001", "TDP01"), ("90001", "A1"), ("90001", "")]  # TDP01 exists before


def _file(i: int) -> bytes:
    return zone_csv([row(cases=str(i), note=f"tải lên {i}"),
                     row(block="A1", cases=str(i)),
                     row(block="", level="đỏ", cases=str(i))])


def _upload(url: str, i: int, barrier, results) -> None:
    store = Store(url)
    raw = _file(i)
    barrier.wait(timeout=120)  # every process is connected: now all at once
    try:
        report, outcome = ingest_file(store, raw, f"u{i}.csv", user=f"to{i}", today=TODAY,
                                      policy=POLICY)
        results.put((i, outcome.upload_id if outcome else None, report.to_json()["errors"]))
    except Exception as exc:  # the parent asserts on it rather than waiting forever
        results.put((i, None, [f"{type(exc).__name__}: {exc}"]))
    finally:
        store.dispose()


def _open(url: str, barrier, results) -> None:
    barrier.wait(timeout=120)
    try:
        Store(url).dispose()
        results.put("ok")
    except Exception as exc:  # report the failure to the parent, which asserts on it
        results.put(f"{type(exc).__name__}: {exc}")


def _run_all(target, args_of, n: int) -> list:
    # fork: the children start in a moment, so they really do run at once; the parent has
    # no open connection to hand down (callers dispose their store first).
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args_of(i), barrier, results)) for i in range(n)]
    for p in procs:
        p.start()
    out = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return out


@pytest.mark.slow
def test_twenty_concurrent_uploads_for_one_ward_and_date(db_url):
    store = Store(db_url)
    load_small_areas(store)
    ingest_file(store, zone_csv([row(cases="99")]), "seed.csv", user="seed", today=TODAY,
                policy=POLICY)
    store.dispose()
    results = _run_all(_upload, lambda i: (db_url, i), N)
    assert [errors for _, _, errors in results if errors] == []
    case_of = {upload_id: i for i, upload_id, _ in results}
    with store.engine.connect() as c:
        ups = pd.read_sql(select(uploads).order_by(uploads.c.id), c)
        current = pd.read_sql(select(zone_reports), c)
        history = pd.read_sql(select(zone_report_history).order_by(zone_report_history.c.id), c)
    assert len(ups) == N + 1 and set(ups["outcome"]) == {"accepted"}
    assert len(current) == len(KEYS)  # no key duplicated
    last = int(ups["id"].max())
    for ward, block in KEYS:
        now = current[(current.ward_code == ward) & (current.block_code == block)]
        assert int(now["upload_id"].iloc[0]) == last
        assert int(now["new_cases"].iloc[0]) == case_of[last]
        old = history[(history.ward_code == ward) & (history.block_code == block)]
        chain = list(zip(old["upload_id"], old["replaced_by_upload_id"], strict=True))
        writers = sorted([*old["upload_id"].tolist(), last])
        # Each value was replaced by the next commit: a chain through every upload.
        assert sorted(chain) == list(itertools.pairwise(writers))
        assert len(writers) == (N + 1 if block == "TDP01" else N)
    store.dispose()


@pytest.mark.slow
def test_processes_starting_on_an_empty_database_migrate_once(db_url):
    assert _run_all(_open, lambda i: (db_url,), 6) == ["ok"] * 6
    store = Store(db_url)
    assert "audit_log" in store.table_counts()
    store.dispose()
