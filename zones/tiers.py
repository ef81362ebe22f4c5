"""Three tiers or two: a ward (phường/xã) sits in a district in the 2021 shape and directly
in its province from 1 July 2025, when the district tier was abolished. Where a figure or
a filter groups by district, a ward without one is grouped by its province instead, the
next level up. Areas are Store.areas()' table: district_code '' means none."""

from __future__ import annotations

import numpy as np
import pandas as pd

NO_DISTRICT = ""


def has_districts(areas: pd.DataFrame) -> bool:
    """Whether any area of the table lies in a district (a three-tier store)."""
    return bool((areas["district_code"].fillna(NO_DISTRICT) != NO_DISTRICT).any())


def tier_label(areas: pd.DataFrame) -> str:
    """What the group of `unit_groups` is called: "district", or "province" in a store
    without districts (message keys end with it)."""
    return "district" if has_districts(areas) else "province"


def unit_groups(areas: pd.DataFrame) -> pd.Series:
    """Each area's group: its district code, or its province's where it has no district
    (codes cannot collide: a province has two digits, a district three)."""
    district = areas["district_code"].fillna(NO_DISTRICT)
    return pd.Series(np.where(district != NO_DISTRICT, district, areas["province_code"]),
                     index=areas.index, dtype=object)


def group_names(areas: pd.DataFrame) -> dict[str, str]:
    """Group code (as `unit_groups`) → its name (the district's, or the province's)."""
    has = areas["district_code"].fillna(NO_DISTRICT) != NO_DISTRICT
    names = pd.Series(np.where(has, areas["district_name"], areas["province_name"]),
                      index=areas.index, dtype=object)
    table = pd.DataFrame({"code": unit_groups(areas), "name": names})
    first = table.drop_duplicates("code")
    return dict(zip(first["code"], first["name"].fillna(""), strict=True))
