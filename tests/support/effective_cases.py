"""Hand-built areas and reports for the effective-level tests, with the policy they use."""

import dataclasses
import datetime as dt

import pandas as pd

from data.config.policy_files import load_policy

POLICY = load_policy()


def day(n: int) -> dt.date:
    return dt.date(2021, 9, n)


def policy(carry: int = 1):
    return dataclasses.replace(POLICY, carry_forward_days=carry)


def make_areas(wards: dict[str, list[str]]) -> pd.DataFrame:
    """Ward code → its block codes, as Store.areas() lays them out."""
    rows = []
    for ward, blocks in wards.items():
        rows.append(("ward", "901", ward, "", 100))
        rows += [("block", "901", ward, b, 10) for b in blocks]
    df = pd.DataFrame(rows, columns=["area_type", "district_code", "ward_code", "block_code",
                                     "population"])
    return df.astype({"population": "Int64"})


def make_reports(*rows) -> pd.DataFrame:
    """Rows of (area 'W' or 'W/B', day number, level[, new_cases, tests_done, note])."""
    recs = []
    for area, n, level, *rest in rows:
        ward, _, block = area.partition("/")
        cases, tests, note = (*rest, None, None, None)[:3]
        recs.append((ward, block, day(n), level, cases, tests, note, 1))
    df = pd.DataFrame(recs, columns=["ward_code", "block_code", "date", "level", "new_cases",
                                     "tests_done", "note", "upload_id"])
    return df.astype({"new_cases": "Int64", "tests_done": "Int64"})


def at(result: pd.DataFrame, area: str) -> pd.Series:
    ward, _, block = area.partition("/")
    hit = result[(result["ward_code"] == ward) & (result["block_code"] == block)]
    assert len(hit) == 1, area
    return hit.iloc[0]
