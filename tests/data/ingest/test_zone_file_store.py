"""Ingest into the store, on SQLite and PostgreSQL: all or nothing, repeats, replacement
with history, dry runs, and refusing a file over the size limit without reading it whole."""

import dataclasses
import json
import os
import threading
import time

import pytest

from data.ingest.zone_file import FileTooLarge, ingest_file, read_limited
from tests.support.ingest_files import (
    DAY,
    POLICY,
    TODAY,
    as_tuples,
    load_small_areas,
    row,
    zone_csv,
)


@pytest.fixture
def areas_store(store):
    load_small_areas(store)
    return store


def _ingest(store, raw, name="ngay19.csv", **kw):
    return ingest_file(store, raw, name, user=kw.pop("user", "Lan"), today=TODAY, policy=POLICY,
                       **kw)


GOOD = zone_csv([row(note="ghi chú <b>"), row(block="", level="đỏ", cases="2")])


def test_accepted_file_is_stored_with_its_report(areas_store):
    report, outcome = _ingest(areas_store, GOOD, channel="form")
    assert report.accepted and outcome.outcome == "accepted" and outcome.changed == 2
    assert as_tuples(areas_store.reports()) == as_tuples(report.rows)
    up = areas_store.uploads().iloc[-1]
    assert (up["user_name"], up["file_name"], up["channel"], up["rows"]) == (
        "Lan", "ngay19.csv", "form", 2)
    assert up["sha256"] == report.sha256 and up["size_bytes"] == len(GOOD)
    assert json.loads(up["report_json"]) == report.to_json()


def test_rejected_file_leaves_every_table_unchanged(areas_store):
    _ingest(areas_store, GOOD)
    before = areas_store.table_counts()
    bad = zone_csv([row(block="TDP02", level="đỏ"), row(block="TDP99")])
    report, outcome = _ingest(areas_store, bad)
    assert not report.accepted and outcome is None and report.row_count == 0
    assert areas_store.table_counts() == before
    assert areas_store.reports().loc[lambda d: d["block_code"] == "TDP02"].empty


def test_dry_run_stores_nothing(areas_store):
    before = areas_store.table_counts()
    report, outcome = _ingest(areas_store, GOOD, dry_run=True)
    assert report.accepted and report.row_count == 2 and outcome is None
    assert areas_store.table_counts() == before


def test_same_file_twice_changes_nothing_and_logs_a_repeat(areas_store):
    _ingest(areas_store, GOOD)
    values = areas_store.reports()
    report, outcome = _ingest(areas_store, GOOD, user="Minh")
    assert report.accepted and outcome.outcome == "repeat" and outcome.changed == 0
    assert as_tuples(areas_store.reports()) == as_tuples(values)
    assert list(areas_store.uploads()["outcome"]) == ["accepted", "repeat"]
    assert areas_store.table_counts()["zone_report_history"] == 0


def test_reupload_with_a_changed_value_replaces_it_and_keeps_history(areas_store):
    first, _ = _ingest(areas_store, GOOD, user="Lan")
    changed = zone_csv([row(level="da cam", note="ghi chú <b>"),
                        row(block="", level="đỏ", cases="2")])
    _, outcome = _ingest(areas_store, changed, name="sua.csv", user="Minh")
    assert (outcome.outcome, outcome.changed, outcome.replaced) == ("accepted", 1, 1)
    now = areas_store.reports().set_index("block_code")
    assert now.at["TDP01", "level"] == "da_cam" and now.at["", "level"] == "do"
    hist = areas_store.report_history("90001", "TDP01", DAY)
    assert list(hist["level"]) == ["xanh"]
    assert (hist.at[0, "user_name"], hist.at[0, "sha256"]) == ("Lan", first.sha256)


def test_ingest_from_a_path(areas_store, tmp_path):
    path = tmp_path / "ngay19.csv"
    path.write_bytes(GOOD)
    report, outcome = ingest_file(areas_store, path, path.name, user="Lan", today=TODAY,
                                  policy=POLICY)
    assert report.accepted and outcome.changed == 2 and report.size_bytes == len(GOOD)


def test_missing_path_is_a_file_level_error(areas_store, tmp_path):
    report, outcome = ingest_file(areas_store, tmp_path / "khong_co.csv", "khong_co.csv",
                                  user="Lan", today=TODAY, policy=POLICY)
    assert outcome is None and [(p.row, p.column) for p in report.errors] == [(None, None)]
    assert report.errors[0].reason.startswith("cannot read the file")


def test_file_over_the_limit_is_refused_from_its_size(areas_store, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # sparse: 30 GB by size, nothing on disk, too big to read
        fh.truncate(30_000_000_000)
    before = areas_store.table_counts()
    started = time.perf_counter()
    report, outcome = ingest_file(areas_store, path, path.name, user="Lan", today=TODAY,
                                  policy=POLICY)
    assert time.perf_counter() - started < 5
    assert outcome is None and report.to_json()["errors"][0]["row"] is None
    assert report.errors[0].reason == (
        "file too large: 30000000000 bytes, the limit is 20000000 bytes")
    assert areas_store.table_counts() == before


def test_limit_is_inclusive(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"x" * 100)
    assert read_limited(path, 100) == b"x" * 100
    with pytest.raises(FileTooLarge):
        read_limited(path, 99)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_stream_without_a_size_is_cut_off_after_the_limit(tmp_path):
    """A pipe reports size 0; the reader must stop at limit + 1 bytes, not read it all."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    written = []

    def writer():
        try:
            with open(fifo, "wb") as fh:
                for _ in range(1000):  # 64 MB if nobody stopped reading
                    fh.write(b"y" * 65536)
                    written.append(1)
        except BrokenPipeError:
            written.append("stopped")

    thread = threading.Thread(target=writer)
    thread.start()
    with pytest.raises(FileTooLarge) as info:
        read_limited(fifo, 100_000)
    thread.join(timeout=30)
    assert info.value.size == 100_001
    assert written[-1] == "stopped" and len(written) < 100


def test_small_policy_limit_through_ingest_file(areas_store, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(GOOD)
    small = dataclasses.replace(POLICY, max_upload_bytes=len(GOOD) - 1)
    report, outcome = ingest_file(areas_store, path, "f.csv", user="Lan", today=TODAY,
                                  policy=small)
    assert outcome is None and report.errors[0].reason.startswith("file too large")
