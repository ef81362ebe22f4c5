"""Hand-built cities, level histories and case counts for the trend, target and transition
tests (tests/zones/): a history is written one letter a day per area (see LETTERS), counts
one figure a day per area, and CITY is the small two-district city they are checked on."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

D0 = dt.date(2021, 9, 1)
# One letter a day in hand-built histories; "." leaves the row out of the table.
LETTERS = {"x": "xanh", "o": "da_cam", "r": "do", "p": "phong_toa", "?": "unknown"}


def day(i: int) -> dt.date:
    return D0 + dt.timedelta(days=i)


def make_areas(rows) -> pd.DataFrame:
    """rows: (district_code, ward_code, block_code or '', population)."""
    df = pd.DataFrame(rows, columns=["district_code", "ward_code", "block_code", "population"])
    df["area_type"] = np.where(df["block_code"] == "", "ward", "block")
    df["province_code"] = "99"
    for col in ("district_name", "ward_name", "block_name"):
        df[col] = ""
    df["population"] = df["population"].astype("Int64")
    return df


def make_history(levels: dict[tuple[str, str], str], start: dt.date = D0) -> pd.DataFrame:
    """levels: (ward_code, block_code) → one letter per day from `start` (see LETTERS)."""
    rows = [(start + dt.timedelta(days=i), w, b, LETTERS[ch])
            for (w, b), text in levels.items() for i, ch in enumerate(text) if ch != "."]
    return pd.DataFrame(rows, columns=["date", "ward_code", "block_code", "level"])


def make_counts(values: dict[tuple[str, str], list], start: dt.date = D0,
                field: str = "new_cases") -> pd.DataFrame:
    """values: (ward_code, block_code) → a figure per day (None: blank, "." no row)."""
    rows = [(start + dt.timedelta(days=i), w, b, v)
            for (w, b), vs in values.items() for i, v in enumerate(vs) if v != "."]
    df = pd.DataFrame(rows, columns=["date", "ward_code", "block_code", field])
    other = "tests_done" if field == "new_cases" else "new_cases"
    df[other] = pd.NA
    return df.astype({"new_cases": "Int64", "tests_done": "Int64"})


NO_COUNTS = make_counts({})

# Two districts: ward 90001 with two blocks, ward 90002 without blocks (901); ward 90003
# with one block (902).
CITY = make_areas([
    ("901", "90001", "", 1000), ("901", "90001", "A", 600), ("901", "90001", "B", 400),
    ("901", "90002", "", 500),
    ("902", "90003", "", 800), ("902", "90003", "C", 800),
])
