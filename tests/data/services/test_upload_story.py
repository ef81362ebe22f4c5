"""What each upload did to the levels (data/services/upload_story.py), on hand-built
uploads whose every change is known: against the day before, against the value an upload
replaced on the same day, a first report (no change), a repeat (nothing), and a value
written and later replaced (still the upload's own change)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.services.upload_story import change_counts, level_changes_by_upload
from data.store.database import Store, UploadMeta
from tests.support.ingest_files import load_small_areas
from ui.history_words import changes_line

D1, D2 = dt.date(2021, 9, 1), dt.date(2021, 9, 2)


def _upload(store: Store, name: str, rows: list[tuple]) -> int:
    df = pd.DataFrame([(w, b, d, lv, 0, 0, None) for w, b, d, lv in rows],
                      columns=["ward_code", "block_code", "date", "level", "new_cases",
                               "tests_done", "note"])
    return store.record_upload(UploadMeta("t", name, name.ljust(64, "0"), 1), df, {}).upload_id


@pytest.fixture
def story(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    load_small_areas(store)
    ids = {
        "first": _upload(store, "a1", [("90001", "TDP01", D1, "xanh"),
                                       ("90001", "TDP02", D1, "xanh"),
                                       ("90002", "", D1, "do")]),
        # next day: two blocks up to đỏ, the ward down to xanh, one new block (first report)
        "next": _upload(store, "a2", [("90001", "TDP01", D2, "do"), ("90001", "TDP02", D2, "do"),
                                      ("90002", "", D2, "xanh"), ("90001", "A1", D2, "do")]),
        # a correction of the same day: TDP02 back to xanh, against the value it replaced
        "fix": _upload(store, "a3", [("90001", "TDP02", D2, "xanh")]),
        "repeat": _upload(store, "a3", [("90001", "TDP02", D2, "xanh")]),
    }
    yield store, ids
    store.dispose()


def _changes(store, ids, which):
    got = level_changes_by_upload(store, [ids[which]])
    return sorted((r.ward_code, r.block_code, r.before, r.after, r.direction)
                  for r in got.itertuples())


def test_changes_against_the_day_before(story):
    store, ids = story
    assert _changes(store, ids, "first") == []  # first reports: nothing to compare
    # TDP02's đỏ was replaced later by the correction, yet it is still this upload's change
    assert _changes(store, ids, "next") == [
        ("90001", "TDP01", "xanh", "do", "up"), ("90001", "TDP02", "xanh", "do", "up"),
        ("90002", "", "do", "xanh", "down")]


def test_a_correction_is_compared_with_the_value_it_replaced(story):
    store, ids = story
    assert _changes(store, ids, "fix") == [("90001", "TDP02", "do", "xanh", "down")]
    assert _changes(store, ids, "repeat") == []


def test_counts_and_words(story):
    store, ids = story
    counts = change_counts(level_changes_by_upload(store, [ids["next"], ids["fix"]]))
    nxt = counts[counts["upload_id"] == ids["next"]]
    assert changes_line(nxt, "vi") == ("Cấp độ: 2 tổ dân phố lên vùng đỏ, "
                                       "1 phường/xã xuống vùng xanh.")
    assert changes_line(nxt, "en") == "Levels: 2 blocks up to Red, 1 ward down to Green."
    none = counts[counts["upload_id"] == ids["first"]]
    assert changes_line(none, "vi") == "Không khu vực nào đổi cấp độ."
