"""A small hand-built two-tier store (province 79 → communes → blocks, no districts), on
SQLite and PostgreSQL: trends group by province, a ward's report names its province and
a district scope is refused, exports leave the district columns empty, capacity per
district is refused and per ward works."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.config.policy_files import load_policy
from data.exports.levels import levels_table
from data.ingest.plan_inputs import PlanInputError, read_capacity_file
from data.reports.compose import compose
from data.reports.run import gather
from data.services.figures import schedule_as_of, trends_between
from data.store.database import UploadMeta
from tests.support.store_cases import rows
from tests.support.two_tier import load_two_tier
from zones.problems import Unsaid
from zones.tiers import group_names, has_districts, tier_label, unit_groups

POLICY = load_policy()
D1, D2 = dt.date(2025, 7, 7), dt.date(2025, 7, 8)


@pytest.fixture
def two_tier(store):
    load_two_tier(store)
    store.record_upload(
        UploadMeta(user_name="an", file_name="d.csv", sha256="a" * 64, size_bytes=1),
        rows(("26734", "KP01", D1, "do", 2, 50, None), ("26734", "KP02", D1, "xanh", 0, 0, None),
             ("26740", "", D1, "da_cam", 1, 10, None), ("27004", "", D1, "xanh", 0, 0, None),
             ("26734", "KP01", D2, "do", 1, 40, None), ("26740", "", D2, "xanh", 0, 5, None)),
        {})
    return store


def test_groups_are_the_province_without_districts(two_tier):
    areas = two_tier.areas()
    assert not has_districts(areas) and tier_label(areas) == "province"
    assert set(unit_groups(areas)) == {"79"}
    assert group_names(areas) == {"79": "Thành phố Hồ Chí Minh"}


def test_trends_by_district_are_by_province(two_tier):
    t = trends_between(two_tier, D1, D2, POLICY, by="district_code")
    assert t.by == "province_code"
    day1 = t.levels[t.levels["date"] == D1].set_index("level")
    assert day1.loc["do", "blocks"] == 1 and day1.loc["da_cam", "wards"] == 1
    assert t.counts.set_index("date").loc[D1, "new_cases"] == 3
    one = trends_between(two_tier, D1, D2, POLICY, district="79")  # the province as scope
    assert one.counts["new_cases"].sum() == t.counts["new_cases"].sum() == 4
    with pytest.raises(Unsaid, match="760"):
        trends_between(two_tier, D1, D2, POLICY, district="760")


def test_a_ward_report_names_its_province_and_districts_are_refused(two_tier):
    content = gather(two_tier, POLICY, "ward:26740", "day:2025-07-08", targets=[],
                     today=D2)
    doc = compose(content, "vi", policy=POLICY, map_png=None,
                  generated_at=dt.datetime(2025, 7, 9, 8, 0))
    assert "Phường Tân Định, Thành phố Hồ Chí Minh" in doc.scope_line
    with pytest.raises(Unsaid) as refused:
        gather(two_tier, POLICY, "district:760", "day:2025-07-08", targets=[], today=D2)
    assert "no districts" in refused.value.text("en")
    assert "quận/huyện" in refused.value.text("vi")


def test_export_leaves_the_district_columns_empty(two_tier):
    table = levels_table(two_tier, D2, POLICY)
    assert len(table) == 5 and set(table["province_code"]) == {"79"}
    assert set(table["district_code"]) == {""} and set(table["district_name"]) == {""}
    assert table.set_index(["ward_code", "block_code"]).loc[("26734", "KP01"), "level"] == "do"


def test_capacity_per_district_is_refused_and_per_ward_works(two_tier, tmp_path):
    areas = two_tier.areas()
    per_district = tmp_path / "district.csv"
    per_district.write_text("district_code,capacity\n760,500\n", encoding="utf-8")
    with pytest.raises(PlanInputError) as refused:
        read_capacity_file(per_district, areas, D2)
    [problem] = refused.value.problems
    assert "no districts" in problem.reason and "ward_code" in problem.reason_vi
    with pytest.raises(Unsaid, match="no districts"):
        schedule_as_of(two_tier, D2, POLICY, days=3,
                       capacity=pd.DataFrame({"district_code": ["760"], "capacity": [500]}))
    per_ward = tmp_path / "ward.csv"
    per_ward.write_text("ward_code,capacity\n26734,5000\n26740,5000\n27004,5000\n",
                        encoding="utf-8")
    plan = schedule_as_of(two_tier, D2, POLICY, days=3,
                          capacity=read_capacity_file(per_ward, areas, D2))
    # Each commune is a pool: KP01, KP02 (26734's blocks), 26740 and 27004 all sampled.
    assert set(plan.load.iloc[:, 0].astype(str)) == {"26734", "26740", "27004"}
    sampled = set(zip(plan.rounds["ward_code"], plan.rounds["block_code"], strict=True))
    assert sampled == {("26734", "KP01"), ("26734", "KP02"), ("26740", ""), ("27004", "")}
