"""Hand-built store contents for the history-store tests: a small province of two wards
(one with two blocks) to load, report rows to build, and, for the report-pack and
trend-pack tests, the areas, levels and days their uploads draw from (hypothesis
strategies of rows and uploads included) and the call that stores one upload."""

import datetime as dt

import pandas as pd
from hypothesis import strategies as st

from data.store.database import Store, UploadMeta
from data.store.schema import REPORT_FIELDS


def load_units(store: Store) -> None:
    store.upsert_units(
        pd.DataFrame({"code": ["99"], "name": ["Tỉnh Thử"]}),
        pd.DataFrame({"code": ["901"], "name": ["Quận Một"], "province_code": ["99"]}),
        pd.DataFrame({"code": ["90001", "90002"], "name": ["Phường Văn Quán", "Phường Hai"],
                      "district_code": ["901", "901"], "population": [3000, 2000]}),
    )
    store.upsert_blocks(pd.DataFrame({
        "ward_code": ["90001", "90001"], "block_code": ["TDP01", "TDP02"],
        "name": ["Tổ dân phố 1", "Tổ dân phố 2"], "population": [1000, 2000]}))


def rows(*recs) -> pd.DataFrame:
    df = pd.DataFrame(recs, columns=list(REPORT_FIELDS))
    for col in ("new_cases", "tests_done"):
        df[col] = df[col].astype("Int64")
    return df


# ---- uploads for the pack tests -----------------------------------------------------------

AREAS = [("90001", ""), ("90001", "TDP01"), ("90001", "TDP02"), ("90002", "")]
LEVELS = ["xanh", "da_cam", "do", "phong_toa"]
# Days across a month end and a year end, so rows land in several packs.
DAYS = [dt.date(2021, 8, 30), dt.date(2021, 8, 31), dt.date(2021, 9, 1),
        dt.date(2021, 12, 31), dt.date(2022, 1, 1)]

row = st.tuples(st.sampled_from(AREAS), st.sampled_from(DAYS), st.sampled_from(LEVELS),
                st.none() | st.integers(0, 2**31 - 1), st.none() | st.integers(0, 500),
                st.none() | st.text(max_size=12))
upload = st.lists(row, min_size=1, max_size=12, unique_by=lambda r: (r[0], r[1]))


def frame(recs) -> pd.DataFrame:
    df = pd.DataFrame([(w, b, d, lv, nc, td, note) for (w, b), d, lv, nc, td, note in recs],
                      columns=list(REPORT_FIELDS))
    for col in ("new_cases", "tests_done"):
        df[col] = df[col].astype("Int64")
    df["note"] = df["note"].astype(object).where(df["note"].notna(), None)
    return df


def send(store: Store, recs, k: int) -> None:
    store.record_upload(UploadMeta(user_name="an", file_name=f"{k}.csv", sha256=f"{k:064d}",
                                   size_bytes=1), frame(recs), {})
