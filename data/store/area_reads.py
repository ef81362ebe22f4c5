"""The store's areas read as one table: every ward with its province and district ('' in
a two-tier province) and every block with its ward's, and their populations."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from data.store.schema import WARD_ROW, blocks, districts, provinces, wards

AREA_COLUMNS = ["area_type", "province_code", "province_name", "district_code",
                "district_name", "ward_code", "ward_name", "block_code", "block_name",
                "population"]


def areas(c: Connection) -> pd.DataFrame:
    """Every ward and block (no geometry), sorted by ward and block code.

    Columns: area_type, province_code, province_name, district_code, district_name
    ('' for a ward of a two-tier province), ward_code, ward_name, block_code ('' for
    wards), block_name, population.
    """
    w = pd.read_sql(
        select(
            provinces.c.code.label("province_code"),
            provinces.c.name.label("province_name"),
            func.coalesce(districts.c.code, "").label("district_code"),
            func.coalesce(districts.c.name, "").label("district_name"),
            wards.c.code.label("ward_code"),
            wards.c.name.label("ward_name"),
            wards.c.population,
        )
        .join_from(wards, provinces, wards.c.province_code == provinces.c.code)
        .outerjoin(districts, wards.c.district_code == districts.c.code),
        c,
    )
    b = pd.read_sql(
        select(blocks.c.ward_code, blocks.c.block_code,
               blocks.c.name.label("block_name"), blocks.c.population),
        c,
    )
    w = w.assign(area_type="ward", block_code=WARD_ROW, block_name="")
    b = b.merge(w.drop(columns=["population", "area_type", "block_code", "block_name"]),
                on="ward_code", how="left").assign(area_type="block")
    out = pd.concat([w[AREA_COLUMNS], b[AREA_COLUMNS]], ignore_index=True)
    out["population"] = out["population"].astype("Int64")
    return out.sort_values(["ward_code", "block_code"], ignore_index=True)
